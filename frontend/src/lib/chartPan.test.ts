import { describe, expect, it } from "vitest";

import { clampRange, dataBounds, keyRange, panRange, zoomRange } from "./chartPan";

const data = { min: 1, max: 101 };

describe("panRange", () => {
  it("moves the view by the pixels' share of its width, against the drag", () => {
    // 20 epochs over 200 pixels: 50 pixels to the left is 5 epochs later
    expect(panRange({ min: 40, max: 60 }, -50, 200, data)).toEqual({ min: 45, max: 65 });
    expect(panRange({ min: 40, max: 60 }, 50, 200, data)).toEqual({ min: 35, max: 55 });
  });

  it("stops at the ends of the data, keeping the width", () => {
    expect(panRange({ min: 10, max: 30 }, 1000, 200, data)).toEqual({ min: 1, max: 21 });
    expect(panRange({ min: 80, max: 100 }, -1000, 200, data)).toEqual({ min: 81, max: 101 });
  });

  it("does nothing to a chart that shows all its data", () => {
    expect(panRange({ ...data }, 50, 200, data)).toEqual(data);
  });

  it("survives a plot with no width", () => {
    expect(panRange({ min: 40, max: 60 }, 50, 0, data)).toEqual({ min: 40, max: 60 });
  });
});

describe("zoomRange", () => {
  it("keeps the point under the cursor where it is", () => {
    const next = zoomRange({ min: 0, max: 100 }, 0.5, 0.25, { min: 0, max: 100 });
    expect(next).toEqual({ min: 12.5, max: 62.5 });
    // 25 was a quarter of the way across, and still is
    expect((25 - next.min) / (next.max - next.min)).toBe(0.25);
  });

  it("zooms out no further than the data", () => {
    expect(zoomRange({ min: 40, max: 60 }, 100, 0.5, data)).toEqual(data);
    expect(zoomRange({ min: 2, max: 22 }, 2, 0, data)).toEqual({ min: 2, max: 42 });
  });
});

describe("keyRange", () => {
  it("pans a tenth of the view per arrow and zooms by + and -", () => {
    expect(keyRange("ArrowRight", { min: 40, max: 60 }, data)).toEqual({ min: 42, max: 62 });
    expect(keyRange("ArrowLeft", { min: 40, max: 60 }, data)).toEqual({ min: 38, max: 58 });
    expect(keyRange("+", { min: 40, max: 60 }, data)).toEqual({ min: 42, max: 58 });
    expect(keyRange("-", { min: 42, max: 58 }, data)).toEqual({ min: 40, max: 60 });
    expect(keyRange("a", { min: 40, max: 60 }, data)).toBeNull();
  });
});

describe("clampRange and dataBounds", () => {
  it("moves a range back inside", () => {
    expect(clampRange({ min: -5, max: 5 }, data)).toEqual({ min: 1, max: 11 });
  });

  it("has no bounds for no data or a single point", () => {
    expect(dataBounds([])).toBeNull();
    expect(dataBounds([3])).toBeNull();
    expect(dataBounds([1, 2, 5])).toEqual({ min: 1, max: 5 });
  });
});
