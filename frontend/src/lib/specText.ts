/** A network spec as the editor's JSON text, and back. */
import type { NetworkSpec } from "../api/types";

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
