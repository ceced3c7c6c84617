/**
 * Fitting a network to a dataset: the input takes the dataset's sample shape (flattened first
 * when dense layers follow an image input) and the output has a unit per class. This is what
 * turns the MNIST MLP (784 inputs) into one for the 8x8 digits.
 */
import type { DatasetStats, NetworkSpec, SpecLayer } from "../api/types";
import { formatShape } from "./format";

export interface Adapted {
  spec: NetworkSpec;
  /** what changed, in words */
  changes: string[];
}

const KEEPS_SHAPE = new Set(["Dropout", "Activation", "BatchNormalization", "LayerNormalization", "Rescaling"]);

function sameShape(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return !!a && a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The spec fitted to the dataset, or null when it already fits or cannot be fitted this way. */
export function adaptSpec(spec: NetworkSpec, stats: DatasetStats): Adapted | null {
  const shape = stats.input_shape;
  const [input, ...rest] = spec.layers;
  if (!shape?.length || !input || input.type !== "Input") return null;
  if (rest.some((layer) => layer.inputs !== undefined)) return null; // graphs: by hand
  const changes: string[] = [];
  let layers: SpecLayer[] = [...spec.layers];

  if (!sameShape(input.shape, shape)) {
    layers[0] = { ...input, shape: [...shape] };
    changes.push(`input ${formatShape(input.shape)} → ${formatShape(shape)}`);
    const next = rest.find((layer) => !KEEPS_SHAPE.has(layer.type));
    if (shape.length > 1 && next?.type === "Dense") {
      layers = [layers[0], { type: "Flatten" }, ...layers.slice(1)];
      changes.push(
        `a Flatten layer after the input, so ${formatShape(shape)} becomes ${shape.reduce((a, b) => a * b, 1)} values`,
      );
    }
  }

  const classes = stats.num_classes;
  const lastIndex = layers.length - 1;
  const last = layers[lastIndex]!;
  const binarySigmoid = classes === 2 && last.units === 1 && last.activation === "sigmoid";
  if (classes && last.type === "Dense" && last.units !== classes && !binarySigmoid) {
    layers[lastIndex] = { ...last, units: classes };
    changes.push(`output ${last.units} → ${classes} units, one per class`);
  }
  return changes.length ? { spec: { ...spec, layers }, changes } : null;
}

/** Whether the network's loss suits the dataset's task: fitting changes shapes, not the loss. */
function lossSuits(spec: NetworkSpec, stats: DatasetStats): boolean {
  const loss = typeof spec.compile?.loss === "string" ? spec.compile.loss : "";
  if (!loss) return true;
  const classifies = loss.includes("crossentropy") || loss.includes("hinge");
  if (stats.num_classes) return classifies && (stats.num_classes <= 2 || !loss.startsWith("binary"));
  return stats.task === "regression" ? !classifies : true;
}

/**
 * How a template meets a dataset: "fits" as it is (its input takes the samples), "adaptable"
 * (the editor's "Fit the network to the dataset" makes it fit), or "no" (a graph, or no Input).
 */
export function templateFit(spec: NetworkSpec, stats: DatasetStats): "fits" | "adaptable" | "no" {
  const input = spec.layers[0];
  if (!input || input.type !== "Input" || !stats.input_shape?.length) return "no";
  if (!lossSuits(spec, stats)) return "no";
  // a new input shape of the same rank, or samples flattened for dense layers; not a flat row
  // of numbers into convolutions
  const next = spec.layers.slice(1).find((layer) => !KEEPS_SHAPE.has(layer.type));
  const reshapes = input.shape?.length === stats.input_shape.length || next?.type === "Dense";
  if (adaptSpec(spec, stats) !== null) return reshapes ? "adaptable" : "no";
  return sameShape(input.shape, stats.input_shape) ? "fits" : "no";
}
