/** Learning curves from per-epoch metrics: one chart per metric, training beside validation. */

export interface EpochValues {
  epoch: number;
  values: Record<string, unknown>;
}

export interface CurveSeries {
  label: string;
  values: (number | null)[];
  /** validation (dashed) or training (solid) */
  validation: boolean;
  /** which of the compared jobs the series belongs to (0 for a single job) */
  group: number;
}

export interface Curve {
  metric: string;
  epochs: number[];
  series: CurveSeries[];
}

const VALIDATION_PREFIX = "val_";

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Metric names in reading order: loss first, then the others alphabetically. */
export function metricNames(epochs: readonly EpochValues[]): string[] {
  const names = new Set<string>();
  for (const { values } of epochs) {
    for (const key of Object.keys(values)) {
      if (typeof values[key] !== "number") continue;
      names.add(key.startsWith(VALIDATION_PREFIX) ? key.slice(VALIDATION_PREFIX.length) : key);
    }
  }
  return [...names].sort((a, b) => (a === "loss" ? -1 : b === "loss" ? 1 : a.localeCompare(b)));
}

/** Epochs sorted, one entry per epoch (a later report of the same epoch wins). */
export function dedupeEpochs<T extends EpochValues>(epochs: readonly T[]): T[] {
  const byEpoch = new Map<number, T>();
  for (const entry of epochs) byEpoch.set(entry.epoch, entry);
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

export function curvesOf(epochs: readonly EpochValues[]): Curve[] {
  return compareCurves([{ label: "", epochs }]);
}

export interface CurveOptions {
  /** what a series that is not validation is called: "training", or "value" for image jobs */
  mainLabel?: string;
}

/**
 * Curves for several runs on a shared epoch axis; a run without a metric gets no series for it,
 * and epochs a run has not reached are gaps (null).
 */
export function compareCurves(
  runs: readonly { label: string; epochs: readonly EpochValues[] }[],
  { mainLabel = "training" }: CurveOptions = {},
): Curve[] {
  const cleaned = runs.map((run) => ({ ...run, epochs: dedupeEpochs(run.epochs) }));
  const allEpochs = [...new Set(cleaned.flatMap((run) => run.epochs.map((e) => e.epoch)))].sort((a, b) => a - b);
  const metrics = metricNames(cleaned.flatMap((run) => run.epochs));
  return metrics.map((metric) => {
    const series: CurveSeries[] = [];
    cleaned.forEach((run, group) => {
      const byEpoch = new Map(run.epochs.map((e) => [e.epoch, e.values]));
      for (const validation of [false, true]) {
        const key = validation ? `${VALIDATION_PREFIX}${metric}` : metric;
        const values = allEpochs.map((epoch) => numberOrNull(byEpoch.get(epoch)?.[key]));
        if (values.every((v) => v === null)) continue;
        const kind = validation ? "validation" : mainLabel;
        series.push({
          label: run.label ? `${run.label} · ${kind}` : kind,
          values,
          validation,
          group,
        });
      }
    });
    return { metric, epochs: allEpochs, series };
  });
}

/** "loss" → "Loss", "sparse_categorical_accuracy" → "Sparse categorical accuracy". */
export function metricTitle(metric: string): string {
  const words = metric.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
