import { describe, expect, it } from "vitest";

import { ApiError } from "../api/errors";
import type { SweepSettings, SweepTrial } from "../api/types";
import {
  chartAxes,
  defaultForm,
  errorField,
  newRow,
  parseChoices,
  rowRange,
  searchableNames,
  searcherText,
  sweepRequest,
  trialStatus,
  trialsText,
  valueText,
  type SweepFormValues,
} from "./sweeps";

function form(change: Partial<SweepFormValues> = {}): SweepFormValues {
  return { ...defaultForm("d1", "s1"), name: "search", ...change };
}

describe("the sweep request", () => {
  it("builds the settings from the rows: ASHA is random search with early stopping", () => {
    const rows = [
      newRow({ name: "learning_rate", type: "log_uniform", low: "1e-4", high: "0.1" }),
      newRow({ name: "hidden.units", type: "int", low: "8", high: "64", step: "8" }),
      newRow({ name: "drop.rate", type: "uniform", low: "0", high: "0.5" }),
      newRow({ name: "optimizer", type: "choice", values: "adam, sgd" }),
      newRow({ name: "batch_size", type: "choice", values: "16,32" }),
    ];
    const { request, errors } = sweepRequest(form({ rows, trials: "12", epochs: "60", parallelism: "3" }), {
      epochs: 9,
      validation_split: 0.2,
    });
    expect(errors).toEqual({});
    expect(request).toEqual({
      name: "search",
      dataset: "d1",
      spec: "s1",
      params: { epochs: 9, validation_split: 0.2 },
      settings: {
        space: [
          { name: "learning_rate", type: "log_uniform", low: 1e-4, high: 0.1 },
          { name: "hidden.units", type: "int", low: 8, high: 64, step: 8 },
          { name: "drop.rate", type: "uniform", low: 0, high: 0.5 },
          { name: "optimizer", type: "choice", values: ["adam", "sgd"] },
          { name: "batch_size", type: "choice", values: [16, 32] },
        ],
        searcher: "random",
        early_stopping: "asha",
        metric: "val_accuracy",
        direction: "maximize",
        budget: { trials: 12, epochs: 60 },
        parallelism: 3,
      },
    });
  });

  it("maps grid and random to their searcher without early stopping, and leaves the epoch budget out when empty", () => {
    const rows = [newRow({ name: "optimizer", type: "choice", values: "adam" })];
    for (const searcher of ["grid", "random"] as const) {
      const settings = sweepRequest(form({ rows, searcher }), {}).request!.settings;
      expect([settings.searcher, settings.early_stopping]).toEqual([searcher, "none"]);
      expect(settings.budget).toEqual({ trials: 8 });
    }
  });

  it("refuses each bad field with its reason, and sends nothing", () => {
    const { request, errors } = sweepRequest(
      form({
        name: " ",
        dataset: "",
        rows: [
          newRow({ name: "learning_rate", type: "uniform", low: "0.1", high: "0.01" }),
          newRow({ name: "learning_rate", type: "choice", values: "0.1" }),
          newRow({ name: "", type: "choice", values: "1" }),
        ],
        metric: "",
        trials: "0",
        epochs: "1.5",
        parallelism: "65",
      }),
      {},
    );
    expect(request).toBeUndefined();
    expect(errors).toEqual({
      name: "Name the sweep.",
      dataset: "Choose a dataset.",
      "space.0": "Low 0.1 is above high 0.01.",
      "space.2": "Name the parameter (learning_rate, batch_size, <layer>.units…).",
      metric: "Name the metric to optimise.",
      trials: "At least 1 trial.",
      epochs: "At least 1 epoch, or leave empty.",
      parallelism: "From 1 to 64 trials at once.",
    });
  });

  it("says a parameter searched twice, and needs trials or epochs", () => {
    const rows = [
      newRow({ name: "optimizer", type: "choice", values: "adam" }),
      newRow({ name: "optimizer", type: "choice", values: "sgd" }),
    ];
    const { errors } = sweepRequest(form({ rows, trials: "", epochs: "" }), {});
    expect(errors["space.1"]).toBe("'optimizer' is searched twice.");
    expect(errors.trials).toBe("Give trials, epochs or minutes (or more than one).");
    expect(sweepRequest(form({ trials: "", epochs: "40" }), {}).request?.settings.budget).toEqual({ epochs: 40 });
  });

  it("takes a time budget in minutes, alone or beside the others", () => {
    expect(sweepRequest(form({ trials: "", minutes: "90" }), {}).request?.settings.budget).toEqual({ minutes: 90 });
    expect(sweepRequest(form({ trials: "12", minutes: "5" }), {}).request?.settings.budget).toEqual({
      trials: 12,
      minutes: 5,
    });
    expect(sweepRequest(form({ minutes: "0" }), {}).errors.minutes).toBe("At least 1 minute, or leave empty.");
    expect(sweepRequest(form({ minutes: "1.5" }), {}).errors.minutes).toBe("At least 1 minute, or leave empty.");
  });
});

describe("a range row", () => {
  it("refuses empty, inverted and non-numeric ranges as the server would", () => {
    const row = (values: Parameters<typeof newRow>[0]) => rowRange(newRow({ name: "x", ...values }), "random");
    expect(row({ type: "uniform", low: "0.1", high: "0.1" }).error).toMatch(/range is empty/);
    expect(row({ type: "log_uniform", low: "0", high: "1" }).error).toMatch(/low above 0/);
    expect(row({ type: "uniform", low: "a", high: "1" }).error).toBe("Low and high must be numbers.");
    expect(row({ type: "int", low: "1.5", high: "4" }).error).toBe("Low and high must be whole numbers.");
    expect(row({ type: "int", low: "4", high: "2" }).error).toBe("Low 4 is above high 2.");
    expect(row({ type: "int", low: "1", high: "4", step: "0" }).error).toMatch(/step/);
    expect(row({ type: "choice", values: " , " }).error).toMatch(/at least one value/);
    // one integer is a range of one point; step 1 is the default, left out
    expect(row({ type: "int", low: "4", high: "4" }).range).toEqual({ name: "x", type: "int", low: 4, high: 4 });
  });

  it("the grid searcher takes choices and integer ranges only", () => {
    const continuous = newRow({ name: "x", type: "uniform", low: "0", high: "1" });
    expect(rowRange(continuous, "grid").error).toMatch(/grid searcher/);
    expect(rowRange(continuous, "asha").range).toBeDefined();
  });

  it("reads choices as numbers where they are numbers", () => {
    expect(parseChoices("adam, 0.5,1e-3, ,relu")).toEqual(["adam", 0.5, 0.001, "relu"]);
  });
});

describe("where a server refusal goes in the form", () => {
  const rows = [newRow({ name: "learning_rate" }), newRow({ name: "hidden.units" })];
  const refusal = (code: string, message: string, details: unknown = {}) =>
    errorField(new ApiError(400, code, message, details), { rows });

  it("puts range and parameter errors beside their row, by name or by index", () => {
    expect(refusal("sweep_param_unknown", "space.hidden.units: layer 'hidden' has no 'units'.")).toBe("space.1");
    expect(refusal("sweep_range_inverted", "space.learning_rate: low 1 is above high 0.")).toBe("space.0");
    expect(refusal("sweep_param_unknown", "space.momentum: not a parameter of this job")).toBe("space");
    expect(refusal("invalid_sweep", "space.1.int.low: Input should be a valid integer")).toBe("space.1");
    expect(refusal("invalid_sweep", "space: 'x' is searched twice.")).toBe("space");
  });

  it("puts metric, budget, params and input errors beside theirs; the rest above the button", () => {
    expect(refusal("sweep_metric_unknown", "metric: the trials log loss, accuracy, not 'val_auc'.")).toBe("metric");
    expect(refusal("sweep_budget_invalid", "budget.epochs: at least 1, not 0.")).toBe("epochs");
    expect(refusal("sweep_budget_invalid", "budget: give at least one of trials, epochs and minutes.")).toBe("trials");
    expect(refusal("sweep_budget_invalid", "budget.minutes: at most 43200 (30 days).")).toBe("minutes");
    expect(refusal("invalid_params", "params.epochs: Input should be greater than or equal to 1")).toBe(
      "params.epochs",
    );
    expect(refusal("invalid_input", "name: This field may not be blank.", { name: ["blank"] })).toBe("name");
    expect(refusal("invalid_sweep", "The grid has 2000 points; at most 1000.")).toBeNull();
    expect(refusal("not_found", "Dataset not found.")).toBeNull();
    expect(errorField(new Error("offline"), { rows })).toBeNull();
  });
});

const settings: SweepSettings = {
  space: [
    { name: "learning_rate", type: "log_uniform", low: 1e-4, high: 1e-2 },
    { name: "optimizer", type: "choice", values: ["adam", "sgd"] },
  ],
  searcher: "random",
  early_stopping: "asha",
  metric: "val_accuracy",
  direction: "maximize",
  budget: { trials: 4, epochs: null },
  parallelism: 2,
};

function trial(number: number, values: SweepTrial["values"], value: number | null, state: SweepTrial["state"]) {
  return { number, values, value, state, status: "running" } as SweepTrial;
}

describe("reading a sweep", () => {
  it("names its searcher and counts its trials against the budget", () => {
    expect(searcherText(settings)).toBe("ASHA");
    expect(searcherText({ searcher: "grid", early_stopping: "none" })).toBe("Grid");
    expect(searcherText({ searcher: "tpe", early_stopping: "hyperband" })).toBe("TPE + Hyperband");
    expect(trialsText(3, settings)).toBe("3 / 4");
    expect(trialsText(3, { budget: { epochs: 20 } })).toBe("3");
  });

  it("says how a trial ended: stopped early is not failed", () => {
    expect(trialStatus({ state: "pruned", status: "pruned" })).toBe("pruned");
    expect(trialStatus({ state: "complete", status: "succeeded" })).toBe("succeeded");
    expect(trialStatus({ state: "failed", status: "cancelled" })).toBe("cancelled");
    expect(trialStatus({ state: "running", status: "queued" })).toBe("queued");
  });

  it("writes values short", () => {
    expect([valueText(0.000123456), valueText(0.0123456), valueText(32), valueText("adam")]).toEqual([
      "1.23e-4",
      "0.01235",
      "32",
      "adam",
    ]);
  });

  it("offers the train settings and the named layers' units, filters and rates to search", () => {
    const spec = {
      layers: [
        { type: "Input", shape: [64] },
        { type: "Dense", name: "hidden", units: 16 },
        { type: "Dropout", name: "drop", rate: 0.1 },
        { type: "Dense", units: 10 },
      ],
    };
    expect(searchableNames(spec)).toEqual([
      "learning_rate",
      "optimizer",
      "batch_size",
      "epochs",
      "hidden.units",
      "drop.rate",
    ]);
  });
});

describe("the parallel-coordinates axes", () => {
  const trials = [
    trial(0, { learning_rate: 1e-4, optimizer: "adam" }, 0.5, "pruned"),
    trial(1, { learning_rate: 1e-2, optimizer: "sgd" }, 0.9, "complete"),
    trial(2, { learning_rate: 1e-3, optimizer: "adam" }, null, "running"),
  ];
  const [rate, optimizer, metric] = chartAxes({ settings }, trials);

  it("puts a log-uniform parameter on a log scale", () => {
    expect(rate!.name).toBe("learning_rate");
    expect([1e-4, 1e-3, 1e-2].map((v) => rate!.position(v))).toEqual([0, 0.5, 1]);
    expect(rate!.ticks).toEqual([
      [0, "1.00e-4"],
      [1, "0.01"],
    ]);
  });

  it("spreads a choice's values in their order, and scales the metric to the trials'", () => {
    expect([optimizer!.position("adam"), optimizer!.position("sgd"), optimizer!.position("rmsprop")]).toEqual([
      0,
      1,
      null,
    ]);
    expect(metric!.name).toBe("val_accuracy");
    expect([metric!.position(0.5), metric!.position(0.9), metric!.position(undefined)]).toEqual([0, 1, null]);
  });

  it("has a metric axis without ticks before any trial has a value", () => {
    const axes = chartAxes({ settings }, [trial(0, { learning_rate: 1e-3, optimizer: "sgd" }, null, "running")]);
    expect(axes).toHaveLength(3);
    expect(axes[0]!.position(1e-3)).toBe(0.5); // one value: the middle
    expect(axes[2]!.ticks).toEqual([]);
  });
});
