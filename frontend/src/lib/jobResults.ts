/**
 * Reading what a finished job's `result` says it produced: the models a train job kept (its
 * best epoch and its last), and a batch prediction's report. The worker writes these
 * (runners/train.py, runners/predict.py); the API leaves `result` open, so they are read
 * defensively here.
 */

export interface KeptModel {
  id: string;
  artifact: string;
  name: string;
  epoch: number;
  is_last: boolean;
  is_best: boolean;
  monitor: string;
  monitor_value: number | null;
  cancelled: boolean;
}

export interface ClassReport {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Mistake {
  index: number;
  split: string;
  true: string;
  predicted: string;
  confidence: number;
  position: number;
}

export interface PredictionReport {
  samples: number;
  split: string;
  splits: string[];
  model: {
    id: string;
    name: string;
    job: string | null;
    epoch: number | null;
    is_best: boolean;
    is_last: boolean;
  } | null;
  accuracy: number | null;
  top5: number | null;
  macroF1: number | null;
  perClass: ClassReport[];
  classNames: string[];
  matrix: number[][] | null;
  mistakes: Mistake[];
}

type Loose = Record<string, unknown>;

function record(value: unknown): Loose {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Loose) : {};
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function keptModels(result: unknown): KeptModel[] {
  const models = record(result).models;
  if (!Array.isArray(models)) return [];
  return models.filter((m): m is KeptModel => typeof record(m).id === "string" && typeof record(m).epoch === "number");
}

export function predictionReport(result: unknown): PredictionReport | null {
  const r = record(result);
  const metrics = record(r.metrics);
  if (typeof r.samples !== "number") return null;
  const model = record(r.model);
  const matrix = Array.isArray(metrics.confusion_matrix) ? (metrics.confusion_matrix as number[][]) : null;
  return {
    samples: r.samples,
    split: typeof r.split === "string" ? r.split : "",
    splits: Array.isArray(r.splits) ? r.splits.map(String) : [],
    model:
      typeof model.id === "string"
        ? {
            id: model.id,
            name: typeof model.name === "string" ? model.name : model.id,
            job: typeof model.job === "string" ? model.job : null,
            epoch: num(model.epoch),
            is_best: model.is_best === true,
            is_last: model.is_last === true,
          }
        : null,
    accuracy: num(metrics.accuracy),
    top5: num(metrics.top_5_accuracy),
    macroF1: num(metrics.macro_f1),
    perClass: Array.isArray(metrics.per_class) ? (metrics.per_class as ClassReport[]) : [],
    classNames: Array.isArray(metrics.class_names) ? metrics.class_names.map(String) : [],
    matrix,
    mistakes: Array.isArray(metrics.mistakes) ? (metrics.mistakes as Mistake[]) : [],
  };
}

/** "epoch 3, best and last" */
export function keptRole(model: { epoch: number | null; is_best: boolean; is_last: boolean }): string {
  const roles = [model.is_best && "best", model.is_last && "last"].filter(Boolean).join(" and ");
  return model.epoch == null ? roles : `epoch ${model.epoch}${roles ? `, ${roles}` : ""}`;
}

/** The confusion matrix's cell as a share of its row (its true class), for shading. */
export function rowShares(matrix: number[][]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((n) => (total ? n / total : 0));
  });
}
