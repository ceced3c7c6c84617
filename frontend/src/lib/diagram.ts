/**
 * Layout of a small dense network as neurons and connections. Wide layers show their first and
 * last neurons with a gap between, so a 64-512-10 network still reads at a glance.
 */
import type { SpecLayer } from "../api/types";

export interface DiagramNode {
  /** the neuron's index in its layer */
  index: number;
  x: number;
  y: number;
}

export interface DiagramLayer {
  title: string;
  units: number;
  activation?: string;
  x: number;
  nodes: DiagramNode[];
  /** where the elided neurons' "⋮" goes, and how many it stands for */
  gap: { y: number; hidden: number } | null;
}

export interface DiagramEdge {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** the connection's weight, when trained weights are known */
  weight: number | null;
}

export interface Diagram {
  width: number;
  height: number;
  layers: DiagramLayer[];
  edges: DiagramEdge[];
  /** the largest |weight| drawn, for scaling line widths */
  maxAbsWeight: number;
}

export interface DiagramOptions {
  maxNeurons?: number;
  width?: number;
  height?: number;
  /** per Dense layer in order, its kernel as Keras stores it: kernel[input][unit] */
  kernels?: (number[][] | null)[];
}

const PASS_THROUGH = new Set(["Dropout", "Activation", "Flatten"]);

/**
 * The neurons of each layer, or null when the network is not a plain stack of Dense layers. An
 * image input flattened first counts as its pixels, as in the trained model's diagram.
 */
export function denseLayers(
  layers: readonly SpecLayer[],
): { title: string; units: number; activation?: string }[] | null {
  const [first, ...others] = layers;
  let rest = others;
  if (!first || first.type !== "Input" || !Array.isArray(first.shape)) return null;
  // a graph (layers naming their inputs) is not a plain stack
  if (rest.some((layer) => layer.inputs !== undefined)) return null;
  const shape = first.shape;
  if (shape.length > 1) {
    if (rest[0]?.type !== "Flatten") return null;
    rest = rest.slice(1);
  }
  const out: { title: string; units: number; activation?: string }[] = [
    { title: "Input", units: shape.reduce((a, b) => a * b, 1) },
  ];
  for (const layer of rest) {
    if (PASS_THROUGH.has(layer.type)) continue;
    if (layer.type !== "Dense" || typeof layer.units !== "number") return null;
    out.push({ title: layer.name ?? "Dense", units: layer.units, activation: layer.activation ?? "linear" });
  }
  return out.length >= 2 && out.every((l) => Number.isInteger(l.units) && l.units > 0) ? out : null;
}

/** Which neurons of a layer are drawn: all, or the first and last with a gap between. */
export function shownNeurons(units: number, maxNeurons: number): { shown: number[]; gapAfter: number | null } {
  if (units <= maxNeurons) return { shown: [...Array(units).keys()], gapAfter: null };
  const head = Math.ceil((maxNeurons - 1) / 2);
  const tail = maxNeurons - 1 - head;
  const shown = [...Array(head).keys(), ...Array.from({ length: tail }, (_, i) => units - tail + i)];
  return { shown, gapAfter: head - 1 };
}

export function denseDiagram(layers: readonly SpecLayer[], options: DiagramOptions = {}): Diagram | null {
  const stack = denseLayers(layers);
  if (!stack) return null;
  const { maxNeurons = 10, width = 560, height = 300, kernels } = options;
  const padX = 40;
  const padTop = 34;
  const padBottom = 16;
  const step = stack.length > 1 ? (width - 2 * padX) / (stack.length - 1) : 0;

  const laidOut: DiagramLayer[] = stack.map((layer, li) => {
    const { shown, gapAfter } = shownNeurons(layer.units, maxNeurons);
    const slots = shown.length + (gapAfter === null ? 0 : 1);
    const usable = height - padTop - padBottom;
    const spacing = Math.min(30, usable / Math.max(slots, 1));
    const top = padTop + (usable - spacing * (slots - 1)) / 2;
    const x = padX + li * step;
    const nodes: DiagramNode[] = [];
    let slot = 0;
    let gap: DiagramLayer["gap"] = null;
    shown.forEach((index, k) => {
      nodes.push({ index, x, y: top + slot * spacing });
      slot += 1;
      if (k === gapAfter) {
        gap = { y: top + slot * spacing, hidden: layer.units - shown.length };
        slot += 1;
      }
    });
    return { title: layer.title, units: layer.units, activation: layer.activation, x, nodes, gap };
  });

  const edges: DiagramEdge[] = [];
  let maxAbsWeight = 0;
  for (let li = 1; li < laidOut.length; li++) {
    const kernel = kernels?.[li - 1] ?? null;
    for (const from of laidOut[li - 1]!.nodes) {
      for (const to of laidOut[li]!.nodes) {
        const weight = kernel?.[from.index]?.[to.index] ?? null;
        if (weight !== null) maxAbsWeight = Math.max(maxAbsWeight, Math.abs(weight));
        edges.push({ x1: from.x, y1: from.y, x2: to.x, y2: to.y, weight });
      }
    }
  }
  return { width, height, layers: laidOut, edges, maxAbsWeight };
}
