import { describe, expect, it } from "vitest";

import { jobKind } from "../test/jobKinds";
import { coerceField, collectParams, paramFields, type ParamsSchema } from "./paramsSchema";

const schema: ParamsSchema = {
  properties: {
    epochs: { type: "integer", minimum: 1, maximum: 1000, default: 10, title: "Epochs" },
    validation_split: { type: "number", minimum: 0, exclusiveMaximum: 1, default: 0 },
    time_limit: { anyOf: [{ type: "integer", minimum: 1 }, { type: "null" }], default: null },
    optimizer: { enum: ["adam", "sgd"], default: "adam" },
    mixed_precision: { type: "boolean", default: false },
    layers: { type: "array", items: { type: "string" } },
    epsilons: { anyOf: [{ type: "array", items: { type: "number" } }, { type: "null" }], default: [0.01, 0.1] },
    schedule: { type: "object" },
  },
  required: ["layers"],
};

describe("job parameter forms", () => {
  const fields = paramFields(schema);
  const field = (name: string) => fields.find((f) => f.name === name)!;

  it("makes one field per parameter, of the right kind, with its bounds", () => {
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ["epochs", "integer"],
      ["validation_split", "number"],
      ["time_limit", "integer"],
      ["optimizer", "choice"],
      ["mixed_precision", "boolean"],
      ["layers", "list"],
      ["epsilons", "list"],
      ["schedule", "json"],
    ]);
    expect(field("validation_split")).toMatchObject({ label: "Validation split", min: 0, max: 1, maxExclusive: true });
    expect(field("time_limit")).toMatchObject({ min: 1, nullable: true, required: false });
    expect(field("layers").required).toBe(true);
  });

  it("refuses values out of bounds with a sentence", () => {
    expect(coerceField(field("epochs"), "0")).toEqual({ ok: false, error: "Epochs must be at least 1." });
    expect(coerceField(field("epochs"), "2.5")).toEqual({ ok: false, error: "Epochs must be a whole number." });
    expect(coerceField(field("validation_split"), "1")).toEqual({
      ok: false,
      error: "Validation split must be below 1.",
    });
    expect(coerceField(field("optimizer"), "lbfgs").ok).toBe(false);
    expect(coerceField(field("schedule"), "{oops").ok).toBe(false);
    expect(coerceField(field("epsilons"), "0.1, x")).toEqual({ ok: false, error: "Epsilons: “x” is not a number." });
  });

  it("sends typed values, and leaves empty optional fields to the server's default", () => {
    const { params, errors } = collectParams(fields, {
      epochs: "5",
      validation_split: "0.2",
      time_limit: "",
      mixed_precision: "true",
      layers: "mixed3, mixed5",
      schedule: '{"decay": 0.5}',
    });
    expect(errors).toEqual({});
    expect(params).toEqual({
      epochs: 5,
      validation_split: 0.2,
      optimizer: "adam",
      mixed_precision: true,
      layers: ["mixed3", "mixed5"],
      epsilons: [0.01, 0.1],
      schedule: { decay: 0.5 },
    });
  });

  it("reports every invalid field by name", () => {
    const { errors } = collectParams(fields, { epochs: "-1", layers: "" });
    expect(Object.keys(errors).sort()).toEqual(["epochs", "layers"]);
  });

  it("builds the train form from the registry", () => {
    const train = jobKind("train");
    expect(train.needs_dataset && train.accepts_spec && train.accepts_model).toBe(true);
    expect(paramFields(train.params_schema).map((f) => f.name)).toEqual(
      expect.arrayContaining(["epochs", "batch_size"]),
    );
  });
});
