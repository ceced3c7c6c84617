/**
 * Reading `POST /api/v1/models/{id}/predict/`'s answer: `{status: "done", predictions: [{label,
 * probability, top_k: [{label, index, probability}], value, outputs}]}`, one per sample sent, or
 * `{status: "pending", id}` when the inference worker is slower than the request.
 */
import { valueText } from "./format";

export interface Prediction {
  label: string;
  probability: number | null;
}

export type Answer =
  | { kind: "classes"; top: Prediction[] }
  | { kind: "value"; value: unknown }
  | { kind: "pending" }
  | { kind: "other"; body: unknown };

function asPrediction(item: unknown): Prediction | null {
  if (!item || typeof item !== "object") return null;
  const record = item as Record<string, unknown>;
  const label = record.label ?? record.class_name ?? record.index;
  const probability = record.probability ?? record.score;
  if (label === undefined) return null;
  return { label: valueText(label), probability: typeof probability === "number" ? probability : null };
}

/** The answer about the first sample sent. */
export function readAnswer(body: unknown, k = 5): Answer {
  const record = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  if (record.status === "pending") return { kind: "pending" };
  const first = Array.isArray(record.predictions) ? (record.predictions[0] as Record<string, unknown>) : undefined;
  if (first && Array.isArray(first.top_k)) {
    const top = first.top_k.map(asPrediction).filter((p): p is Prediction => p !== null);
    if (top.length) {
      return {
        kind: "classes",
        top: top.sort((a, b) => (b.probability ?? -Infinity) - (a.probability ?? -Infinity)).slice(0, k),
      };
    }
  }
  if (first && "value" in first) return { kind: "value", value: first.value };
  const single = first ? asPrediction(first) : null;
  if (single) return { kind: "classes", top: [single] };
  return { kind: "other", body };
}

/** "0.1, 0.5 2" → [0.1, 0.5, 2], or the reason it is not a list of numbers. */
export function parseNumbers(text: string): { ok: true; values: number[] } | { ok: false; error: string } {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.length) return { ok: false, error: "Enter some numbers." };
  const values = parts.map(Number);
  const bad = parts.find((_, i) => !Number.isFinite(values[i]));
  return bad === undefined ? { ok: true, values } : { ok: false, error: `“${bad}” is not a number.` };
}
