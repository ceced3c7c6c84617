/**
 * Sweeps in the UI: the new-sweep form's rows and the request they make (checked here first,
 * the server checks again), where a server error belongs in the form, and how trials read.
 */
import { ApiError } from "../api/errors";
import type { NetworkSpec, Sweep, SweepDetail, SweepRange, SweepSettings, SweepTrial } from "../api/types";

export type Distribution = SweepRange["type"];

export const DISTRIBUTIONS: { value: Distribution; label: string }[] = [
  { value: "uniform", label: "Uniform" },
  { value: "log_uniform", label: "Log-uniform" },
  { value: "int", label: "Integer" },
  { value: "choice", label: "Choice" },
];

/** What the form offers; ASHA is the random searcher with successive-halving early stopping. */
export type Searcher = "asha" | "random" | "grid";

export const SEARCHERS: { value: Searcher; label: string; help: string }[] = [
  { value: "asha", label: "ASHA", help: "Random trials; the weak ones stop early (successive halving)." },
  { value: "random", label: "Random", help: "Random trials, each trained to the end." },
  { value: "grid", label: "Grid", help: "Every combination of choices and integer steps, each trained to the end." },
];

/** Metric names a train job logs (the server says which ones this spec logs if it is wrong). */
export const COMMON_METRICS = ["val_accuracy", "val_loss", "accuracy", "loss"];

const TRAIN_SETTINGS = ["learning_rate", "optimizer", "batch_size", "epochs"];
const LAYER_ARGUMENTS = ["units", "filters", "rate"];

/** What a sweep can search on this network: the train settings and its named layers' units, filters and rates. */
export function searchableNames(spec: NetworkSpec | undefined): string[] {
  const layers = spec?.layers ?? [];
  const own = layers.flatMap((layer) =>
    layer.name
      ? LAYER_ARGUMENTS.filter((argument) => argument in layer).map((argument) => `${layer.name}.${argument}`)
      : [],
  );
  return [...TRAIN_SETTINGS, ...own];
}

/** One row of the search space, as typed. */
export interface SpaceRow {
  /** stable React key */
  key: number;
  name: string;
  type: Distribution;
  low: string;
  high: string;
  step: string;
  /** a choice's values, comma separated */
  values: string;
}

export interface SweepFormValues {
  name: string;
  dataset: string;
  spec: string;
  rows: SpaceRow[];
  searcher: Searcher;
  metric: string;
  direction: "maximize" | "minimize";
  /** budget: trials started, at most */
  trials: string;
  /** budget: epochs of all trials together (optional) */
  epochs: string;
  /** budget: minutes from the sweep's start, after which no trial starts (optional) */
  minutes: string;
  parallelism: string;
}

let nextKey = 1;

export function newRow(values: Partial<Omit<SpaceRow, "key">> = {}): SpaceRow {
  return { key: nextKey++, name: "", type: "log_uniform", low: "", high: "", step: "1", values: "", ...values };
}

export function defaultForm(dataset = "", spec = ""): SweepFormValues {
  return {
    name: "",
    dataset,
    spec,
    rows: [newRow({ name: "learning_rate", type: "log_uniform", low: "0.0001", high: "0.01" })],
    searcher: "asha",
    metric: "val_accuracy",
    direction: "maximize",
    trials: "8",
    epochs: "",
    minutes: "",
    parallelism: "2",
  };
}

/** The body of `POST /api/v1/sweeps/`. */
export interface SweepRequest {
  name: string;
  dataset: string;
  spec: string;
  params: Record<string, unknown>;
  settings: Omit<SweepSettings, "early_stopping" | "searcher" | "budget"> & {
    searcher: SweepSettings["searcher"];
    early_stopping: SweepSettings["early_stopping"];
    budget: { trials?: number; epochs?: number; minutes?: number };
  };
}

/** Field keys of the form's errors: name, dataset, spec, space, space.<row index>, metric, trials, epochs, minutes, parallelism. */
export type FieldErrors = Record<string, string>;

function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

function parseWhole(text: string): number | null {
  const value = parseNumber(text);
  return value !== null && Number.isInteger(value) ? value : null;
}

/** A choice's values: numbers where they read as numbers, else words. */
export function parseChoices(text: string): (number | string)[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => parseNumber(item) ?? item);
}

/** One row as a range of the space, or why it is not one. */
export function rowRange(row: SpaceRow, searcher: Searcher): { range?: SweepRange; error?: string } {
  const name = row.name.trim();
  if (!name) return { error: "Name the parameter (learning_rate, batch_size, <layer>.units…)." };
  if (searcher === "grid" && (row.type === "uniform" || row.type === "log_uniform")) {
    return { error: "The grid searcher takes choices and integer ranges." };
  }
  if (row.type === "choice") {
    const values = parseChoices(row.values);
    if (!values.length) return { error: "Give at least one value, comma separated." };
    return { range: { name, type: "choice", values } };
  }
  const parse = row.type === "int" ? parseWhole : parseNumber;
  const low = parse(row.low);
  const high = parse(row.high);
  const what = row.type === "int" ? "whole numbers" : "numbers";
  if (low === null || high === null) return { error: `Low and high must be ${what}.` };
  if (low > high) return { error: `Low ${low} is above high ${high}.` };
  if (row.type === "int") {
    const step = parseWhole(row.step || "1");
    if (step === null || step < 1) return { error: "The step is a whole number of at least 1." };
    return { range: { name, type: "int", low, high, ...(step !== 1 ? { step } : {}) } };
  }
  if (low === high) return { error: `Low and high are both ${low}: the range is empty; use a choice.` };
  if (row.type === "log_uniform" && low <= 0) return { error: "A log-uniform range needs low above 0." };
  return { range: { name, type: row.type, low, high } };
}

/** The request the form makes, or the errors by field (nothing is sent while there are any). */
export function sweepRequest(
  form: SweepFormValues,
  params: Record<string, unknown>,
): { request?: SweepRequest; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!form.name.trim()) errors.name = "Name the sweep.";
  if (!form.dataset) errors.dataset = "Choose a dataset.";
  if (!form.spec) errors.spec = "Choose a network.";
  const space: SweepRange[] = [];
  const seen = new Map<string, number>();
  form.rows.forEach((row, index) => {
    const { range, error } = rowRange(row, form.searcher);
    if (error) errors[`space.${index}`] = error;
    else if (range) {
      if (seen.has(range.name)) errors[`space.${index}`] = `'${range.name}' is searched twice.`;
      seen.set(range.name, index);
      space.push(range);
    }
  });
  if (!form.rows.length) errors.space = "Search at least one parameter.";
  if (!form.metric.trim()) errors.metric = "Name the metric to optimise.";
  const trials = form.trials.trim() ? parseWhole(form.trials) : undefined;
  const epochs = form.epochs.trim() ? parseWhole(form.epochs) : undefined;
  if (trials === null || (trials !== undefined && trials < 1)) errors.trials = "At least 1 trial.";
  if (epochs === null || (epochs !== undefined && epochs < 1)) errors.epochs = "At least 1 epoch, or leave empty.";
  const minutes = form.minutes.trim() ? parseWhole(form.minutes) : undefined;
  if (minutes === null || (minutes !== undefined && minutes < 1)) errors.minutes = "At least 1 minute, or leave empty.";
  if (trials === undefined && epochs === undefined && minutes === undefined)
    errors.trials = "Give trials, epochs or minutes (or more than one).";
  const parallelism = parseWhole(form.parallelism);
  if (parallelism === null || parallelism < 1 || parallelism > 64) errors.parallelism = "From 1 to 64 trials at once.";
  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    request: {
      name: form.name.trim(),
      dataset: form.dataset,
      spec: form.spec,
      params,
      settings: {
        space,
        searcher: form.searcher === "grid" ? "grid" : "random",
        early_stopping: form.searcher === "asha" ? "asha" : "none",
        metric: form.metric.trim(),
        direction: form.direction,
        budget: { ...(trials ? { trials } : {}), ...(epochs ? { epochs } : {}), ...(minutes ? { minutes } : {}) },
        parallelism: parallelism!,
      },
    },
  };
}

/** The form field of a budget error at `where` ("budget.epochs: ..."): trials unless it names another. */
function budgetField(where: string): "trials" | "epochs" | "minutes" {
  if (where === "budget.epochs") return "epochs";
  if (where === "budget.minutes") return "minutes";
  return "trials";
}

/**
 * Where a server error belongs in the form: a field key (as sweepRequest's errors),
 * `params.<name>` for one of the trials' train settings (`params` when it names none), or null
 * (shown above the submit button).
 */
export function errorField(error: unknown, form: Pick<SweepFormValues, "rows">): string | null {
  if (!(error instanceof ApiError)) return null;
  const rowOf = (name: string) => {
    const index = form.rows.findIndex((row) => row.name.trim() === name);
    return index >= 0 ? `space.${index}` : "space";
  };
  // "space.hidden.units: ..." names the parameter; "space.0.low: ..." (pydantic) its index
  const where = /^([\w.]+?):/.exec(error.message)?.[1] ?? "";
  switch (error.code) {
    case "sweep_metric_unknown":
      return "metric";
    case "sweep_budget_invalid":
      return budgetField(where);
    case "sweep_range_empty":
    case "sweep_range_inverted":
    case "sweep_param_unknown":
      return where.startsWith("space.") ? rowOf(where.slice("space.".length)) : "space";
    case "invalid_params":
      // "params.epochs: ..." is the trials' epochs setting
      return where.startsWith("params.") ? where.split(".", 2).join(".") : "params";
    case "invalid_input": {
      const details = (error.details ?? {}) as Record<string, unknown>;
      return ["name", "dataset", "spec"].find((field) => field in details) ?? null;
    }
    case "invalid_sweep": {
      const index = /^space\.(\d+)\b/.exec(where)?.[1];
      if (index !== undefined) return Number(index) < form.rows.length ? `space.${index}` : "space";
      if (where.startsWith("space.")) return rowOf(where.slice("space.".length));
      if (where === "space") return "space";
      if (where.startsWith("budget")) return budgetField(where);
      if (where === "metric" || where === "parallelism") return where;
      return null;
    }
    default:
      return null;
  }
}

/** "ASHA", "Grid", "TPE + Hyperband"... as the list shows a sweep's searcher. */
export function searcherText(settings: Pick<SweepSettings, "searcher" | "early_stopping">): string {
  const base = { grid: "Grid", random: "Random", tpe: "TPE" }[settings.searcher] ?? settings.searcher;
  if (settings.early_stopping === "asha") return settings.searcher === "random" ? "ASHA" : `${base} + ASHA`;
  if (settings.early_stopping === "hyperband") return `${base} + Hyperband`;
  return base;
}

/** Trials ended (complete, stopped early or failed) of the budget's: "3 / 8". */
export function trialsText(ended: number, settings: Pick<SweepSettings, "budget">): string {
  const budget = settings.budget?.trials;
  return budget ? `${ended} / ${budget}` : `${ended}`;
}

export function endedTrials(trials: Pick<SweepTrial, "state">[]): number {
  return trials.filter((t) => t.state !== "running").length;
}

/** The number of the trial to mark as best: the sweep's own, else the best so far while it runs. */
export function bestTrialNumber(sweep: Pick<SweepDetail, "best_trial" | "best_so_far">): number | null {
  return sweep.best_trial ?? sweep.best_so_far?.number ?? null;
}

/** A trial's value of a parameter, as a cell reads it. */
export function valueText(value: number | string | undefined): string {
  if (value === undefined) return "—";
  if (typeof value === "string") return value;
  if (Number.isInteger(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2);
  return Number(value.toPrecision(4)).toString();
}

export type TrialState = "running" | "complete" | "pruned" | "failed";

/** A trial's state in words: its job's status while it runs, else how it ended. */
export function trialStatus(trial: Pick<SweepTrial, "state" | "status">): string {
  if (trial.state === "pruned") return "pruned";
  if (trial.state === "complete") return "succeeded";
  if (trial.state === "failed") return trial.status === "cancelled" ? "cancelled" : "failed";
  return trial.status;
}

/** One vertical axis of the parallel-coordinates chart. */
export interface ChartAxis {
  name: string;
  /** where a value sits, 0 (bottom) to 1 (top); null if the trial has none */
  position: (value: number | string | undefined) => number | null;
  /** a few labelled ticks: [position, text] */
  ticks: [number, string][];
}

function numericAxis(name: string, values: number[], log: boolean): ChartAxis {
  const scale = (v: number) => (log ? Math.log10(v) : v);
  const scaled = values.map(scale);
  const min = Math.min(...scaled);
  const max = Math.max(...scaled);
  const span = max - min;
  const position = (value: number | string | undefined) => {
    if (typeof value !== "number" || (log && value <= 0)) return null;
    return span === 0 ? 0.5 : (scale(value) - min) / span;
  };
  const lowest = Math.min(...values);
  const highest = Math.max(...values);
  const ticks: [number, string][] =
    lowest === highest
      ? [[0.5, valueText(lowest)]]
      : [
          [0, valueText(lowest)],
          [1, valueText(highest)],
        ];
  return { name, position, ticks };
}

function categoryAxis(name: string, values: (number | string)[]): ChartAxis {
  const categories = [...new Set(values.map(String))];
  const position = (value: number | string | undefined) => {
    if (value === undefined) return null;
    const index = categories.indexOf(String(value));
    if (index < 0) return null;
    return categories.length === 1 ? 0.5 : index / (categories.length - 1);
  };
  return { name, position, ticks: categories.map((c, i) => [position(c) ?? i, c]) };
}

/** The chart's axes: each searched parameter (log scale for log-uniform ones), then the metric. */
export function chartAxes(sweep: Pick<Sweep, "settings">, trials: Pick<SweepTrial, "values" | "value">[]): ChartAxis[] {
  const axes = sweep.settings.space.map((range) => {
    const values = trials.map((t) => t.values[range.name]).filter((v) => v !== undefined);
    const numbers = values.filter((v): v is number => typeof v === "number");
    if (range.type === "choice" || numbers.length !== values.length || !numbers.length) {
      const order = range.type === "choice" ? range.values : values;
      return categoryAxis(range.name, [...order, ...values]);
    }
    return numericAxis(range.name, numbers, range.type === "log_uniform");
  });
  const metrics = trials.map((t) => t.value).filter((v): v is number => typeof v === "number");
  const metric = sweep.settings.metric;
  axes.push(metrics.length ? numericAxis(metric, metrics, false) : { name: metric, position: () => null, ticks: [] });
  return axes;
}
