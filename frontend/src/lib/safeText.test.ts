import { describe, expect, it } from "vitest";

import { hasBidiControls, safeText } from "./safeText";

describe("safeText", () => {
  it("drops right-to-left overrides so a name reads as it is stored", () => {
    const spoof = "report\u202Egnp.exe";
    expect(hasBidiControls(spoof)).toBe(true);
    expect(safeText(spoof)).toBe("reportgnp.exe");
  });

  it("drops isolates and marks but keeps real right-to-left letters", () => {
    expect(safeText("\u2067abc\u2069\u200f")).toBe("abc");
    expect(safeText("שלום model")).toBe("שלום model");
    expect(hasBidiControls("שלום model")).toBe(false);
  });

  it("shows nothing for no name", () => {
    expect(safeText(null)).toBe("");
    expect(safeText(undefined)).toBe("");
  });
});
