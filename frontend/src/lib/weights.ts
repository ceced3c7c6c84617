/**
 * A trained dense network's weights (`GET /models/{id}/weights/`) as the diagram draws them: the
 * layers of neurons, and per layer the kernel from the layer before (weights[i][j]: i → j).
 */
import type { SpecLayer } from "../api/types";

export interface WeightsLayer {
  name: string;
  units: number;
  activation: string | null;
  weights?: number[][];
  biases?: number[];
}

export interface WeightsBody {
  layers: WeightsLayer[];
  connections?: number;
}

export function diagramOfWeights(
  body: Partial<WeightsBody>,
): { layers: SpecLayer[]; kernels: (number[][] | null)[] } | null {
  const [inputs, ...dense] = body.layers ?? [];
  if (!inputs || !dense.length) return null;
  const layers: SpecLayer[] = [
    { type: "Input", shape: [inputs.units] },
    ...dense.map((layer) => ({
      type: "Dense",
      name: layer.name,
      units: layer.units,
      activation: layer.activation ?? "linear",
    })),
  ];
  return { layers, kernels: dense.map((layer) => layer.weights ?? null) };
}
