import { describe, expect, it } from "vitest";

import { denseDiagram, denseLayers, shownNeurons } from "./diagram";

const mlp = [
  { type: "Input", shape: [64] },
  { type: "Dense", units: 512, activation: "relu" },
  { type: "Dropout", rate: 0.2 },
  { type: "Dense", units: 10, activation: "softmax" },
];

describe("the dense network diagram", () => {
  it("reads a stack of Dense layers, skipping layers without neurons of their own", () => {
    expect(denseLayers(mlp)!.map((l) => l.units)).toEqual([64, 512, 10]);
  });

  it("counts a flattened image input as its pixels", () => {
    const layers = [{ type: "Input", shape: [8, 8, 1] }, { type: "Flatten" }, { type: "Dense", units: 10 }];
    expect(denseLayers(layers)!.map((l) => l.units)).toEqual([64, 10]);
  });

  it("is not drawn for networks that are not plain dense stacks", () => {
    expect(
      denseLayers([
        { type: "Input", shape: [28, 28, 1] },
        { type: "Dense", units: 3 },
      ]),
    ).toBeNull();
    expect(
      denseLayers([
        { type: "Input", shape: [4] },
        { type: "Conv2D", filters: 3 },
      ]),
    ).toBeNull();
    expect(denseLayers([{ type: "Input", shape: [4] }])).toBeNull();
    const branch = [
      { type: "Input", shape: [4], name: "in" },
      { type: "Dense", units: 3, name: "a", inputs: ["in"] },
      { type: "Dense", units: 3, name: "b", inputs: ["in"] },
    ];
    expect(denseLayers(branch)).toBeNull();
  });

  it("shows wide layers as their first and last neurons around a gap", () => {
    expect(shownNeurons(4, 10)).toEqual({ shown: [0, 1, 2, 3], gapAfter: null });
    const wide = shownNeurons(512, 10);
    expect(wide.shown).toEqual([0, 1, 2, 3, 4, 508, 509, 510, 511]);
    expect(wide.gapAfter).toBe(4);
  });

  it("connects every drawn neuron to every drawn neuron of the next layer", () => {
    const diagram = denseDiagram(mlp)!;
    const [input, hidden, output] = diagram.layers;
    expect(input!.gap).toEqual(expect.objectContaining({ hidden: 64 - 9 }));
    expect(output!.gap).toBeNull();
    expect(diagram.edges).toHaveLength(9 * 9 + 9 * 10);
    expect(hidden!.nodes.every((n) => n.x === hidden!.x)).toBe(true);
    expect(diagram.maxAbsWeight).toBe(0);
  });

  it("takes each connection's weight from the trained kernel", () => {
    const layers = [
      { type: "Input", shape: [2] },
      { type: "Dense", units: 1 },
    ];
    const diagram = denseDiagram(layers, { kernels: [[[0.5], [-2]]] })!;
    expect(diagram.edges.map((e) => e.weight)).toEqual([0.5, -2]);
    expect(diagram.maxAbsWeight).toBe(2);
  });
});

describe("a trained network's weights", async () => {
  const { diagramOfWeights } = await import("./weights");

  it("become the diagram's layers and kernels", () => {
    const drawn = diagramOfWeights({
      layers: [
        { name: "input", units: 2, activation: null },
        {
          name: "hidden",
          units: 2,
          activation: "tanh",
          weights: [
            [1, -1],
            [0.5, 2],
          ],
          biases: [0, 0],
        },
        { name: "out", units: 1, activation: "sigmoid", weights: [[3], [-3]], biases: [0] },
      ],
    })!;
    expect(drawn.layers.map((l) => [l.type, l.units ?? l.shape])).toEqual([
      ["Input", [2]],
      ["Dense", 2],
      ["Dense", 1],
    ]);
    const diagram = denseDiagram(drawn.layers, { kernels: drawn.kernels })!;
    expect(diagram.maxAbsWeight).toBe(3);
    expect(diagram.edges.filter((e) => e.weight! < 0)).toHaveLength(2);
  });
});
