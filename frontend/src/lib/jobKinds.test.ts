import { describe, expect, it } from "vitest";

import { jobKind } from "../test/jobKinds";
import { chosenParams, listedParams, modelFitsKind } from "./jobKinds";

const train = jobKind("train");

describe("the settings a job's page lists first", () => {
  it("are the primary ones and those changed from their defaults", () => {
    const params = {
      epochs: 5,
      batch_size: 128,
      validation_split: 0,
      seed: 0,
      head: "replace",
      head_dropout: 0,
      mixed_precision: true,
      backbone: null,
    };

    const { chosen, rest } = chosenParams("train", params, train.params_schema);

    expect(chosen.map(([name]) => name)).toEqual(["epochs", "batch_size", "validation_split", "mixed_precision"]);
    expect(rest.map(([name]) => name)).toEqual(["seed", "head", "head_dropout"]);
  });

  it("list everything when the kind's defaults are unknown", () => {
    const { chosen, rest } = chosenParams("custom", { steps: 10 }, undefined);
    expect(chosen).toEqual([["steps", 10]]);
    expect(rest).toEqual([]);
  });
});

describe("the model menu", () => {
  it("offers a DeepDream or style job ConvNets only, other kinds any model", () => {
    const convnet = { layers: [{ type: "InputLayer" }, { type: "Conv2D" }, { type: "Dense" }] };
    const dense = { layers: [{ type: "InputLayer" }, { type: "Dense" }] };
    expect([convnet, dense].filter((m) => modelFitsKind("deepdream", m))).toEqual([convnet]);
    expect([convnet, dense].filter((m) => modelFitsKind("style_transfer", m))).toEqual([convnet]);
    expect([convnet, dense].filter((m) => modelFitsKind("predict", m))).toEqual([convnet, dense]);
  });
});

describe("the weights a creative job's page lists", () => {
  const params = { octaves: 1, weights: "imagenet" };

  it("are the ones asked for while the job runs", () => {
    expect(listedParams(params, {})).toEqual(params);
  });

  it("are the ones it used once its result names them, not the request beside them", () => {
    expect(listedParams(params, { weights: "imagenet", network: "inception_v3" })).toEqual({ octaves: 1 });
  });
});
