import { describe, expect, it } from "vitest";

import {
  compareCurves,
  curveSummary,
  curvesOf,
  dedupeEpochs,
  forLogScale,
  formatTick,
  metricNames,
  metricTitle,
  prefersLogScale,
  smooth,
} from "./curves";

const epochs = [
  { epoch: 1, values: { loss: 1.2, accuracy: 0.6, val_loss: 1.3, val_accuracy: 0.55 } },
  { epoch: 2, values: { loss: 0.8, accuracy: 0.75, val_loss: 0.9, val_accuracy: 0.7 } },
];

describe("learning curves", () => {
  it("puts loss first and pairs each metric with its validation twin", () => {
    expect(metricNames(epochs)).toEqual(["loss", "accuracy"]);
    const [loss, accuracy] = curvesOf(epochs);
    expect(loss!.metric).toBe("loss");
    expect(loss!.epochs).toEqual([1, 2]);
    expect(loss!.series.map((s) => [s.label, s.validation, s.values])).toEqual([
      ["training", false, [1.2, 0.8]],
      ["validation", true, [1.3, 0.9]],
    ]);
    expect(accuracy!.series).toHaveLength(2);
  });

  it("leaves out validation when the job held none out", () => {
    const [loss] = curvesOf([{ epoch: 1, values: { loss: 0.5 } }]);
    expect(loss!.series.map((s) => s.label)).toEqual(["training"]);
  });

  it("keeps one entry per epoch, in order, whatever order they arrived in", () => {
    const arrived = [
      { epoch: 2, values: { loss: 0.8 } },
      { epoch: 1, values: { loss: 1.2 } },
      { epoch: 2, values: { loss: 0.7 } },
    ];
    expect(dedupeEpochs(arrived)).toEqual([
      { epoch: 1, values: { loss: 1.2 } },
      { epoch: 2, values: { loss: 0.7 } },
    ]);
  });

  it("overlays runs of different lengths on one epoch axis with gaps", () => {
    const [loss] = compareCurves([
      { label: "a", epochs },
      { label: "b", epochs: [{ epoch: 1, values: { loss: 2 } }] },
    ]);
    expect(loss!.epochs).toEqual([1, 2]);
    const b = loss!.series.find((s) => s.label === "b · training")!;
    expect(b.group).toBe(1);
    expect(b.values).toEqual([2, null]);
  });

  it("ignores values that are not numbers", () => {
    expect(metricNames([{ epoch: 1, values: { loss: 1, lr_schedule: "cosine" } }])).toEqual(["loss"]);
    const [loss] = curvesOf([
      { epoch: 1, values: { loss: Number.NaN } },
      { epoch: 2, values: { loss: 1 } },
    ]);
    expect(loss!.series[0]!.values).toEqual([null, 1]);
  });

  it("calls an image job's series values, not training", () => {
    const [objective] = compareCurves([{ label: "", epochs: [{ epoch: 1, values: { objective: 0.1 } }] }], {
      mainLabel: "value",
    });
    expect(objective!.series.map((s) => s.label)).toEqual(["value"]);
  });

  it("titles metrics in words", () => {
    expect(metricTitle("sparse_categorical_accuracy")).toBe("Sparse categorical accuracy");
  });
});

describe("chart helpers", () => {
  it("smooths like TensorBoard: debiased, so the first point stays itself", () => {
    expect(smooth([1, 2, 3], 0)).toEqual([1, 2, 3]);
    const smoothed = smooth([10, 0, 0], 0.5);
    expect(smoothed[0]).toBeCloseTo(10);
    expect(smoothed[1]).toBeCloseTo(10 / 3); // (0.5*5 + 0) / (1 - 0.25)
    expect(smoothed[2]!).toBeLessThan(smoothed[1]!);
    expect(smooth([null, 4, null, 4], 0.9)).toEqual([null, 4, null, 4]);
  });

  it("leaves out what a log scale cannot show and picks it for values over decades", () => {
    expect(forLogScale([1, 0, -2, null, 0.5])).toEqual([1, null, null, null, 0.5]);
    const wide = {
      metric: "loss",
      epochs: [1, 2],
      series: [{ label: "value", values: [1e6, 12], validation: false, group: 0 }],
    };
    const narrow = { ...wide, series: [{ ...wide.series[0]!, values: [0.9, 0.4] }] };
    expect(prefersLogScale(wide)).toBe(true);
    expect(prefersLogScale(narrow)).toBe(false);
  });

  it("keeps axis ticks short", () => {
    expect(formatTick(1234567)).toBe("1.23M");
    expect(formatTick(0.25)).toBe("0.25");
    expect(formatTick(0.00012)).toBe("1.2e-4");
    expect(formatTick(0)).toBe("0");
  });

  it("says in words where each line starts, ends and is best", () => {
    const [loss, accuracy] = curvesOf([
      { epoch: 1, values: { loss: 2.3, val_loss: 2.5, accuracy: 0.2 } },
      { epoch: 2, values: { loss: 0.38, val_loss: 0.9, accuracy: 0.8 } },
      { epoch: 3, values: { loss: 0.41, val_loss: 1.0, accuracy: 0.7 } },
    ]);
    expect(curveSummary(loss!)).toBe(
      "Loss, 3 epochs: training from 2.3 to 0.41 (lowest 0.38 at epoch 2); validation from 2.5 to 1 (lowest 0.9 at epoch 2).",
    );
    expect(curveSummary(accuracy!, "epoch")).toContain("highest 0.8 at epoch 2");
  });
});
