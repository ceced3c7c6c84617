import { describe, expect, it } from "vitest";

import type { NetworkSpec } from "../api/types";
import { adaptSpec, templateFit } from "./adapt";

const mnistMlp: NetworkSpec = {
  layers: [
    { type: "Input", shape: [784], name: "pixels" },
    { type: "Dense", units: 512, activation: "relu", name: "hidden" },
    { type: "Dense", units: 10, activation: "softmax", name: "digit" },
  ],
  compile: { loss: "sparse_categorical_crossentropy" },
};

describe("fitting a network to a dataset", () => {
  it("shrinks the MNIST MLP to the flattened 8x8 digits", () => {
    const adapted = adaptSpec(mnistMlp, { input_shape: [64], num_classes: 10 })!;
    expect(adapted.spec.layers[0]).toEqual({ type: "Input", shape: [64], name: "pixels" });
    expect(adapted.spec.layers).toHaveLength(3);
    expect(adapted.changes).toEqual(["input (784,) → (64,)"]);
    expect(adapted.spec.compile).toBe(mnistMlp.compile);
  });

  it("flattens image samples before dense layers", () => {
    const adapted = adaptSpec(mnistMlp, { input_shape: [8, 8, 1], num_classes: 10 })!;
    expect(adapted.spec.layers.map((l) => l.type)).toEqual(["Input", "Flatten", "Dense", "Dense"]);
    expect(adapted.changes[1]).toMatch(/Flatten .* 64 values/);
  });

  it("gives the output a unit per class", () => {
    const adapted = adaptSpec(mnistMlp, { input_shape: [784], num_classes: 3 })!;
    expect(adapted.spec.layers.at(-1)!.units).toBe(3);
    expect(adapted.changes).toEqual(["output 10 → 3 units, one per class"]);
  });

  it("leaves a fitting network, a sigmoid yes/no output and graphs alone", () => {
    expect(adaptSpec(mnistMlp, { input_shape: [784], num_classes: 10 })).toBeNull();
    const yesNo: NetworkSpec = {
      layers: [
        { type: "Input", shape: [4] },
        { type: "Dense", units: 1, activation: "sigmoid" },
      ],
    };
    expect(adaptSpec(yesNo, { input_shape: [4], num_classes: 2 })).toBeNull();
    const graph: NetworkSpec = {
      layers: [
        { type: "Input", shape: [4], name: "in" },
        { type: "Dense", units: 2, name: "out", inputs: ["in"] },
      ],
    };
    expect(adaptSpec(graph, { input_shape: [8], num_classes: 2 })).toBeNull();
  });
});

describe("templates for a dataset", () => {
  it("says whether a template fits, can be fitted, or cannot", () => {
    expect(templateFit(mnistMlp, { input_shape: [784], num_classes: 10 })).toBe("fits");
    expect(templateFit(mnistMlp, { input_shape: [8, 8, 1], num_classes: 10 })).toBe("adaptable");
    const graph: NetworkSpec = {
      ...mnistMlp,
      layers: [mnistMlp.layers[0]!, { type: "Dense", units: 4, inputs: ["pixels"] }],
    };
    expect(templateFit(graph, { input_shape: [8, 8, 1], num_classes: 10 })).toBe("no");
    expect(templateFit(mnistMlp, {})).toBe("no");
    const perceptron: NetworkSpec = { ...mnistMlp, compile: { loss: "binary_crossentropy" } };
    expect(templateFit(perceptron, { input_shape: [64], num_classes: 10 })).toBe("no");
    expect(templateFit(perceptron, { input_shape: [784], num_classes: 2 })).toBe("adaptable");
    expect(templateFit(mnistMlp, { input_shape: [784], task: "regression" })).toBe("no");
    const convnet: NetworkSpec = {
      ...mnistMlp,
      layers: [
        { type: "Input", shape: [8, 8, 1] },
        { type: "Conv2D", filters: 4, kernel_size: 3 },
        ...mnistMlp.layers.slice(2),
      ],
    };
    expect(templateFit(convnet, { input_shape: [64], num_classes: 10 })).toBe("no");
    expect(templateFit(convnet, { input_shape: [28, 28, 1], num_classes: 10 })).toBe("adaptable");
  });
});
