/** Networks to start from while the server offers no templates (`GET /api/v1/templates/`). */
import type { NetworkSpec, SpecTemplate } from "../api/types";

const DIGITS_MLP: NetworkSpec = {
  layers: [
    { type: "Input", shape: [64] },
    { type: "Dense", units: 512, activation: "relu" },
    { type: "Dense", units: 10, activation: "softmax" },
  ],
  compile: {
    optimizer: { type: "rmsprop", learning_rate: 0.001 },
    loss: "sparse_categorical_crossentropy",
    metrics: ["accuracy"],
  },
};

const BLANK: NetworkSpec = {
  layers: [
    { type: "Input", shape: [4] },
    { type: "Dense", units: 8, activation: "relu" },
    { type: "Dense", units: 1, activation: "sigmoid" },
  ],
  compile: { optimizer: { type: "adam", learning_rate: 0.01 }, loss: "binary_crossentropy", metrics: ["accuracy"] },
};

export const STARTERS: SpecTemplate[] = [
  {
    key: "digits-mlp",
    name: "Digits MLP (64-512-10)",
    explanation:
      "The 8×8 handwritten digits flattened to 64 inputs, one hidden layer of 512 ReLU units and a softmax over the 10 digits, trained with RMSprop.",
    spec: DIGITS_MLP,
  },
  {
    key: "small",
    name: "Small binary classifier (4-8-1)",
    explanation: "Four inputs, eight hidden ReLU units and one sigmoid output: a yes/no answer.",
    spec: BLANK,
  },
];

export function specText(spec: unknown): string {
  return JSON.stringify(spec, null, 2);
}

export type Parsed = { ok: true; spec: NetworkSpec } | { ok: false; error: string };

/** The editor's text as a spec, or what is wrong with it as JSON. */
export function parseSpecText(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${(error as Error).message}` };
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, error: 'The spec must be a JSON object with a "layers" list.' };
  }
  const layers = (value as { layers?: unknown }).layers;
  if (!Array.isArray(layers)) return { ok: false, error: 'The spec needs a "layers" list.' };
  return { ok: true, spec: value as NetworkSpec };
}
