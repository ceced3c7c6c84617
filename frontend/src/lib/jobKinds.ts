/** How the job pages present a kind's params: which settings come first, which wait behind "More". */
import type { ParamsSchema } from "./paramsSchema";

// Settings most runs leave alone: behind "More settings" so the form starts short.
const ADVANCED = new Set(["seed", "time_limit", "mixed_precision", "xla", "distribute", "tile_size", "working_size"]);
const PRIMARY: Record<string, Set<string>> = {
  train: new Set(["epochs", "batch_size", "validation_split"]),
};

export function isAdvancedParam(kind: string, param: string): boolean {
  const primary = PRIMARY[kind];
  return primary ? !primary.has(param) : ADVANCED.has(param);
}

/**
 * The settings a job's page lists first: the kind's primary ones, and any other that differs
 * from its default (a plain training job does not list transfer learning's head or dropout).
 * `rest` holds the ones left at their defaults.
 */
export function chosenParams(
  kind: string,
  params: Record<string, unknown>,
  schema: ParamsSchema | undefined,
): { chosen: [string, unknown][]; rest: [string, unknown][] } {
  const chosen: [string, unknown][] = [];
  const rest: [string, unknown][] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    const fallback = schema?.properties?.[name]?.default;
    const isDefault = fallback !== undefined && JSON.stringify(fallback) === JSON.stringify(value);
    (isDefault && isAdvancedParam(kind, name) ? rest : chosen).push([name, value]);
  }
  return { chosen, rest };
}

/** The params a job's page lists: once a creative job's result names the weights it used, the
 * `weights` it asked for gives way to them (one "Weights" on the page, in words). */
export function listedParams(
  params: Record<string, unknown>,
  result: Record<string, unknown>,
): Record<string, unknown> {
  if (typeof result.weights !== "string") return params;
  return Object.fromEntries(Object.entries(params).filter(([name]) => name !== "weights"));
}

// Kinds that look through a network's convolutions: their model menu offers ConvNets only.
const CONVNET_KINDS = new Set(["deepdream", "style_transfer"]);

/** Whether a model belongs in a kind's model menu (`layers`: as the model list API gives them). */
export function modelFitsKind(kind: string, model: { layers?: Record<string, unknown>[] }): boolean {
  if (!CONVNET_KINDS.has(kind)) return true;
  return (model.layers ?? []).some((layer) => typeof layer.type === "string" && layer.type.includes("Conv"));
}
