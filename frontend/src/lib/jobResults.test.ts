import { describe, expect, it } from "vitest";

import { keptModels, keptRole, predictionReport, rowShares } from "./jobResults";

describe("reading what a job produced", () => {
  it("lists the kept models a train job reports, ignoring malformed entries", () => {
    const result = {
      models: [
        { id: "m1", epoch: 5, is_last: true, is_best: false, monitor: "val_loss", monitor_value: 2.9 },
        { id: "m2", epoch: 1, is_last: false, is_best: true, monitor: "val_loss", monitor_value: 1.0 },
        { epoch: 3 },
        "junk",
      ],
    };
    expect(keptModels(result).map((m) => m.id)).toEqual(["m1", "m2"]);
    expect(keptModels({})).toEqual([]);
    expect(keptModels(null)).toEqual([]);
  });

  it("names a model's role", () => {
    expect(keptRole({ epoch: 3, is_best: true, is_last: true })).toBe("epoch 3, best and last");
    expect(keptRole({ epoch: 1, is_best: true, is_last: false })).toBe("epoch 1, best");
    expect(keptRole({ epoch: null, is_best: false, is_last: true })).toBe("last");
  });

  it("reads a batch prediction's report, top-5 absent with few classes", () => {
    const report = predictionReport({
      samples: 6,
      split: "auto",
      splits: ["test"],
      model: { id: "m1", name: "net", epoch: 2, is_best: true, is_last: false },
      metrics: {
        accuracy: 0.5,
        macro_f1: 0.4,
        class_names: ["cat", "dog"],
        confusion_matrix: [
          [2, 1],
          [2, 1],
        ],
        per_class: [],
      },
    });
    expect(report).toMatchObject({ accuracy: 0.5, top5: null, macroF1: 0.4, classNames: ["cat", "dog"] });
    expect(report?.model).toMatchObject({ id: "m1", epoch: 2, is_best: true });
    expect(predictionReport({ status: "nothing" })).toBeNull();
  });

  it("shades confusion cells by their row's share, an empty row at zero", () => {
    expect(
      rowShares([
        [3, 1],
        [0, 0],
      ]),
    ).toEqual([
      [0.75, 0.25],
      [0, 0],
    ]);
  });
});
