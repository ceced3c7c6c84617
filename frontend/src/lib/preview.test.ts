import { describe, expect, it } from "vitest";

import { pictureShape, previewSamples, previewView, toPixels } from "./preview";

describe("dataset previews", () => {
  it("sees pictures in square flat rows, 2-D arrays and 1- or 3-channel images", () => {
    expect(pictureShape(Array(64).fill(0))).toEqual([8, 8, 1]);
    expect(pictureShape(Array(10).fill(0))).toBeNull(); // a table row
    expect(pictureShape(Array(16).fill(0))).toBeNull(); // too small to be a picture
    expect(
      pictureShape([
        [0, 1],
        [1, 0],
      ]),
    ).toEqual([2, 2, 1]);
    expect(pictureShape([[[0, 0, 0]], [[1, 1, 1]]])).toEqual([2, 1, 3]);
    expect(pictureShape([[0, 1], [1]])).toBeNull();
  });

  it("scales pixel values from the dataset's range to 0..255", () => {
    const image = toPixels([[-1, 1]], [-1, 1])!;
    expect([image.width, image.height]).toEqual([2, 1]);
    expect(Array.from(image.rgba)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });

  it("uses a served thumbnail when the row has one, and values otherwise", () => {
    const samples = previewSamples([
      { thumbnail_url: "/api/v1/datasets/x/thumbnails/0.png", y: "cat" },
      { x: Array(64).fill(0.5), y: "3" },
      { x: [1, 2, 3], y: 0.5 },
    ]);
    expect(samples.map((s) => [s.kind, s.label])).toEqual([
      ["url", "cat"],
      ["pixels", "3"],
      ["values", "0.5"],
    ]);
  });

  it("shows the server's thumbnails, a table's columns, or each sample's values", () => {
    const images = previewView({
      kind: "images",
      rows: [],
      thumbnails: [{ index: 0, label: "cat", split: "train", url: "/api/v1/datasets/d/thumbnails/0.png" }],
    });
    expect(images).toEqual({
      mode: "pictures",
      samples: [{ kind: "url", src: "/api/v1/datasets/d/thumbnails/0.png", label: "cat" }],
    });
    const table = previewView({ kind: "table", columns: ["a", "b", "label"], rows: [[1, 2, "yes"]] });
    expect(table).toEqual({ mode: "table", columns: ["a", "b", "label"], rows: [[1, 2, "yes"]] });
    expect(previewView({ kind: "array", columns: null, rows: [{ x: Array(64).fill(0), y: "3" }] }).mode).toBe(
      "pictures",
    );
    expect(previewView({ kind: "array", columns: null, rows: [{ x: [1, 2], y: 3 }] }).mode).toBe("values");
  });
});
