/**
 * The job kinds the submit form offers: what each needs (dataset, network, model, files) and its
 * parameters' JSON Schema. From the server's job-kinds endpoint when it has one, else from the
 * registry as it was when `npm run gen:api` last ran.
 */
import generated from "../api/jobKinds.gen.json";
import type { ParamsSchema } from "./paramsSchema";

export interface JobKindInfo {
  name: string;
  queue?: string;
  needs_dataset: boolean;
  needs_spec: boolean;
  needs_model: boolean;
  /** takes a network, model or dataset without needing one (DeepDream through a trained ConvNet) */
  accepts_spec: boolean;
  accepts_model: boolean;
  accepts_dataset: boolean;
  inputs: string[];
  optional_inputs: string[];
  artifact_kinds: string[];
  params_schema: ParamsSchema;
  description?: string;
}

// What the registry does not say yet: kinds that can use a model or dataset without needing one.
const OPTIONAL_REFERENCES: Record<string, { spec?: boolean; model?: boolean; dataset?: boolean }> = {
  // a spec, or a model or backbone to start from (transfer learning), or both
  train: { spec: true, model: true },
  deepdream: { model: true },
  style_transfer: { model: true },
  adversarial: { dataset: true },
  predict: { dataset: true },
};

type Accepts = "accepts_spec" | "accepts_model" | "accepts_dataset";

function withOptionalReferences(kind: Omit<JobKindInfo, Accepts> & Partial<JobKindInfo>): JobKindInfo {
  const known = OPTIONAL_REFERENCES[kind.name] ?? {};
  return {
    ...kind,
    accepts_spec: kind.accepts_spec ?? (kind.needs_spec || Boolean(known.spec)),
    accepts_model: kind.accepts_model ?? (kind.needs_model || Boolean(known.model)),
    accepts_dataset: kind.accepts_dataset ?? (kind.needs_dataset || Boolean(known.dataset)),
  };
}

export const BUILT_IN_KINDS: JobKindInfo[] = (generated as unknown as Omit<JobKindInfo, Accepts>[]).map(
  withOptionalReferences,
);

const TITLES: Record<string, string> = {
  train: "Train a network",
  predict: "Batch prediction",
  deepdream: "DeepDream",
  style_transfer: "Style transfer",
  adversarial: "Adversarial example",
  visualize: "Look inside a network",
};

const DESCRIPTIONS: Record<string, string> = {
  train: "Fit a network to a dataset, epoch by epoch, and keep the trained model.",
  predict: "Run a trained model over a dataset or a file and download its predictions.",
  deepdream: "Amplify the patterns a ConvNet sees in an image.",
  style_transfer: "Paint a content image in the style of another.",
  adversarial: "Nudge an image just enough to fool a classifier (fast gradient sign method).",
  visualize: "See a ConvNet's filters, activations and what its units respond to.",
};

export function kindTitle(name: string): string {
  return TITLES[name] ?? name.replace(/_/g, " ");
}

export function kindDescription(kind: JobKindInfo): string | undefined {
  return kind.description ?? DESCRIPTIONS[kind.name];
}

/** The endpoint's answer (a list or a page) as kinds; null when it is not usable. */
export function kindsFromResponse(body: unknown): JobKindInfo[] | null {
  const list = Array.isArray(body) ? body : (body as { results?: unknown })?.results;
  if (!Array.isArray(list)) return null;
  const kinds = list
    .filter((k): k is Record<string, unknown> => !!k && typeof k === "object" && typeof k.name === "string")
    .map((k) =>
      withOptionalReferences({
        name: k.name as string,
        queue: typeof k.queue === "string" ? k.queue : undefined,
        needs_dataset: Boolean(k.needs_dataset),
        needs_spec: Boolean(k.needs_spec),
        needs_model: Boolean(k.needs_model),
        inputs: Array.isArray(k.inputs) ? (k.inputs as string[]) : [],
        optional_inputs: Array.isArray(k.optional_inputs) ? (k.optional_inputs as string[]) : [],
        artifact_kinds: Array.isArray(k.artifact_kinds) ? (k.artifact_kinds as string[]) : [],
        params_schema: ((k.params_schema ?? k.params) as ParamsSchema) ?? {},
        description: typeof k.description === "string" ? k.description : undefined,
        accepts_spec: typeof k.accepts_spec === "boolean" ? k.accepts_spec : undefined,
        accepts_model: typeof k.accepts_model === "boolean" ? k.accepts_model : undefined,
        accepts_dataset: typeof k.accepts_dataset === "boolean" ? k.accepts_dataset : undefined,
      }),
    );
  return kinds.length ? kinds : null;
}

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
