import { describe, expect, it } from "vitest";

import { compareCurves, curvesOf, dedupeEpochs, metricNames, metricTitle } from "./curves";

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
