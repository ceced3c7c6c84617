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

/**
 * TensorBoard's smoothing: an exponential moving average, debiased so the first points are not
 * pulled toward zero. `weight` 0 leaves the values as they are, 0.99 nearly flattens them; gaps
 * (null) stay gaps and do not reset the average.
 */
export function smooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return [...values];
  let last = 0;
  let seen = 0;
  return values.map((value) => {
    if (value === null) return null;
    seen += 1;
    last = last * weight + (1 - weight) * value;
    return last / (1 - weight ** seen);
  });
}

/** A log scale shows only positive values: the others become gaps. */
export function forLogScale(values: readonly (number | null)[]): (number | null)[] {
  return values.map((value) => (value !== null && value > 0 ? value : null));
}

/** Whether a log scale reads better: every value positive, spread over three decades or more. */
export function prefersLogScale(curve: Curve): boolean {
  const values = curve.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  if (!values.length || values.some((v) => v <= 0)) return false;
  return Math.max(...values) / Math.min(...values) >= 1000;
}

/** Axis ticks that stay short: 1234567 → "1.23M", 0.00012 → "1.2e-4", 0.25 → "0.25". */
export function formatTick(value: number): string {
  const size = Math.abs(value);
  if (value === 0) return "0";
  if (size >= 1e4) {
    return new Intl.NumberFormat("en", { notation: "compact", maximumSignificantDigits: 3 }).format(value);
  }
  if (size < 1e-3) return value.toExponential(1).replace(/\.0e/, "e");
  return Number(value.toPrecision(3)).toString();
}

function short(value: number): string {
  return formatTick(value);
}

/**
 * A chart in words, for people who cannot see it: where each line starts and ends and its best
 * point. "Loss, 10 epochs: training from 2.3 to 0.41 (lowest 0.38 at epoch 9); validation …".
 */
export function curveSummary(curve: Curve, xLabel = "epoch"): string {
  const count = curve.epochs.length;
  const lowerIsBetter = /loss|error|mae|mse/.test(curve.metric);
  const parts = curve.series.map((series) => {
    const points = series.values
      .map((value, i) => [curve.epochs[i]!, value] as const)
      .filter((point): point is readonly [number, number] => point[1] !== null);
    if (!points.length) return `${series.label}: no values`;
    const [, first] = points[0]!;
    const [lastX, last] = points[points.length - 1]!;
    const best = points.reduce((a, b) => ((lowerIsBetter ? b[1] < a[1] : b[1] > a[1]) ? b : a));
    const bestText = `${lowerIsBetter ? "lowest" : "highest"} ${short(best[1])} at ${xLabel} ${best[0]}`;
    if (points.length === 1) return `${series.label}: ${short(first)} at ${xLabel} ${lastX}`;
    return `${series.label} from ${short(first)} to ${short(last)} (${bestText})`;
  });
  return `${metricTitle(curve.metric)}, ${count} ${xLabel}${count === 1 ? "" : "s"}: ${parts.join("; ")}.`;
}
