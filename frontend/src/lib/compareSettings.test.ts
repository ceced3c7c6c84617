import { describe, expect, it } from "vitest";

import { settingRows } from "./compareSettings";

describe("settings side by side", () => {
  it("lines up every setting of every run and marks the ones that differ", () => {
    const rows = settingRows([
      {
        dataset_name: "digits",
        spec_name: "MLP",
        params: { epochs: 3, learning_rate: 0.01 },
        final_metric: { name: "val_accuracy", value: 0.91234 },
        result: { test_metrics: { accuracy: 0.9 } },
      },
      {
        dataset_name: "digits",
        spec_name: "MLP",
        params: { epochs: 10 },
        final_metric: { name: "val_accuracy", value: 0.95 },
        result: {},
      },
    ]);
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName.dataset).toMatchObject({ values: ["digits", "digits"], differs: false, outcome: false });
    expect(byName.epochs).toMatchObject({ values: ["3", "10"], differs: true });
    expect(byName["learning rate"]).toMatchObject({ values: ["0.01", "—"], differs: true });
    expect(byName["final val accuracy"]).toMatchObject({ values: ["0.9123", "0.95"], differs: true, outcome: true });
    expect(byName["test accuracy"]!.values).toEqual(["0.9", "—"]);
  });

  it("has no metric rows for runs without metrics", () => {
    const rows = settingRows([{ params: { epochs: 1 } }, { params: { epochs: 1 } }]);
    expect(rows.map((r) => r.name)).toEqual(["dataset", "network", "epochs"]);
    expect(rows.every((r) => !r.differs)).toBe(true);
  });
});
