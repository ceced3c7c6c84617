import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { Name } from "./Name";

describe("a name someone chose", () => {
  it("is shown without its bidi overrides, isolated from the text around it", () => {
    const { container } = render(
      <p>
        by <Name text={"eve\u202Egnp.exe"} /> today
      </p>,
    );
    const name = container.querySelector("bdi")!;
    expect(name.textContent).toBe("evegnp.exe");
    expect(name).toHaveAttribute("dir", "auto");
    expect(container.textContent).toBe("by evegnp.exe today");
  });

  it("falls back when there is no name", () => {
    const { container } = render(<Name text="" fallback="Train a network" />);
    expect(container.textContent).toBe("Train a network");
  });
});
