import { describe, expect, it } from "vitest";

import { cloneJob, clonedParams } from "./jobClone";
import { paramFields, type ParamsSchema } from "./paramsSchema";

const schema: ParamsSchema = {
  properties: {
    epochs: { type: "integer", minimum: 1, default: 10 },
    batch_size: { type: "integer", minimum: 1, default: 32 },
    validation_split: { type: "number", minimum: 0, exclusiveMaximum: 1, default: 0 },
    time_limit: { anyOf: [{ type: "integer", minimum: 1 }, { type: "null" }], default: null },
    backbone: { anyOf: [{ enum: ["mobilenet_v2", "resnet50"] }, { type: "null" }], default: null },
    mixed_precision: { type: "boolean", default: false },
    freeze_until: { anyOf: [{ type: "array", items: { type: "string" } }, { type: "null" }], default: null },
    schedule: { type: "object" },
  },
};

const job = {
  kind: "train",
  dataset: "d-1",
  spec: "s-1",
  model: "m-1",
  params: {
    epochs: 7,
    batch_size: 16,
    validation_split: 0.25,
    time_limit: 600,
    backbone: "resnet50",
    mixed_precision: true,
    freeze_until: ["block1", "block2"],
    schedule: { type: "cosine", steps: 100 },
  },
};

describe("Train again (clone a job into the form)", () => {
  const fields = paramFields(schema);

  it("keeps the kind and every input", () => {
    const form = cloneJob(job, fields);
    expect([form.kind, form.dataset, form.spec, form.model]).toEqual(["train", "d-1", "s-1", "m-1"]);
  });

  it("submits every setting of the original job unchanged", () => {
    expect(clonedParams(cloneJob(job, fields), fields)).toEqual(job.params);
  });

  it("leaves a setting the job did not give at the kind's default, and missing inputs empty", () => {
    const form = cloneJob({ kind: "train", dataset: null, spec: null, params: { epochs: 3 } }, fields);
    expect(form.texts).toEqual({ epochs: "3" });
    expect([form.dataset, form.spec, form.model]).toEqual(["", "", ""]);
    expect(clonedParams(form, fields)).toMatchObject({ epochs: 3, batch_size: 32 });
  });
});
