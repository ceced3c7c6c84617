/**
 * Form fields from a job kind's parameter JSON Schema (pydantic's), and the values they give.
 * The server's job-kind registry describes every kind; its form is made from that alone.
 */
import { valueText } from "./format";

export interface JsonSchemaProperty {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  anyOf?: JsonSchemaProperty[];
  items?: JsonSchemaProperty;
  /** the keywords the form does not read (pattern, maxItems, ...); the server checks them */
  [keyword: string]: unknown;
}

export interface ParamsSchema {
  properties?: Record<string, JsonSchemaProperty>;
  required?: string[];
  [keyword: string]: unknown;
}

/** "list": a list of strings or numbers, typed as "a, b, c". */
export type FieldKind = "integer" | "number" | "boolean" | "string" | "choice" | "list" | "json";

export interface ParamField {
  name: string;
  label: string;
  kind: FieldKind;
  description?: string;
  default?: unknown;
  required: boolean;
  min?: number;
  max?: number;
  /** exclusive bounds: the value must differ from min / max */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  choices?: string[];
  nullable: boolean;
  /** the type of a list's items */
  items?: "string" | "number" | "integer";
}

function typesOf(prop: JsonSchemaProperty): string[] {
  if (prop.anyOf) return prop.anyOf.flatMap(typesOf);
  if (Array.isArray(prop.type)) return prop.type;
  return prop.type ? [prop.type] : [];
}

const SCALARS = ["string", "number", "integer"] as const;

/** The item type of a list of scalars, else undefined. */
function listItems(prop: JsonSchemaProperty): ParamField["items"] {
  const array = prop.type === "array" ? prop : prop.anyOf?.find((p) => p.type === "array");
  const itemType = array?.items?.type;
  return SCALARS.find((t) => t === itemType);
}

function fieldKind(prop: JsonSchemaProperty): FieldKind {
  const choices = prop.enum ?? prop.anyOf?.find((p) => p.enum)?.enum;
  if (choices) return "choice";
  const types = typesOf(prop).filter((t) => t !== "null");
  if (types.length !== 1) return "json";
  const [type] = types;
  if (type === "integer" || type === "number" || type === "boolean" || type === "string") return type;
  if (type === "array" && listItems(prop)) return "list";
  return "json";
}

const ACRONYMS = new Set(["xla", "gpu", "cpu", "lr", "id", "url", "fgsm", "tv", "rgb"]);

function humanize(name: string): string {
  const words = name.split("_").map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function paramFields(schema: ParamsSchema): ParamField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    const bounds = prop.anyOf?.find((p) => p.minimum !== undefined || p.maximum !== undefined) ?? prop;
    const min = bounds.minimum ?? bounds.exclusiveMinimum;
    const max = bounds.maximum ?? bounds.exclusiveMaximum;
    const choices = (prop.enum ?? prop.anyOf?.find((p) => p.enum)?.enum)?.map(String);
    return {
      name,
      label: humanize(name),
      kind: fieldKind(prop),
      description: prop.description,
      default: prop.default,
      required: required.has(name) && prop.default === undefined,
      min,
      max,
      minExclusive: bounds.exclusiveMinimum !== undefined && bounds.minimum === undefined,
      maxExclusive: bounds.exclusiveMaximum !== undefined && bounds.maximum === undefined,
      choices,
      nullable: typesOf(prop).includes("null"),
      items: listItems(prop),
    };
  });
}

/** The text a field shows for a value. */
export function fieldText(field: ParamField, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (field.kind === "list" && Array.isArray(value)) return value.join(", ");
  if (field.kind === "json") return JSON.stringify(value);
  return valueText(value);
}

export type Coerced = { ok: true; value: unknown } | { ok: false; error: string };

/** A field's text as the value to send; `undefined` leaves the server default. */
export function coerceField(field: ParamField, text: string): Coerced {
  const trimmed = text.trim();
  if (trimmed === "") {
    if (field.required) return { ok: false, error: `${field.label} is required.` };
    return { ok: true, value: undefined };
  }
  switch (field.kind) {
    case "integer":
    case "number": {
      const value = Number(trimmed);
      if (!Number.isFinite(value)) return { ok: false, error: `${field.label} must be a number.` };
      if (field.kind === "integer" && !Number.isInteger(value)) {
        return { ok: false, error: `${field.label} must be a whole number.` };
      }
      if (field.min !== undefined && (value < field.min || (field.minExclusive && value === field.min))) {
        return {
          ok: false,
          error: `${field.label} must be ${field.minExclusive ? "above" : "at least"} ${field.min}.`,
        };
      }
      if (field.max !== undefined && (value > field.max || (field.maxExclusive && value === field.max))) {
        return { ok: false, error: `${field.label} must be ${field.maxExclusive ? "below" : "at most"} ${field.max}.` };
      }
      return { ok: true, value };
    }
    case "boolean":
      return { ok: true, value: trimmed === "true" };
    case "choice":
      return field.choices?.includes(trimmed)
        ? { ok: true, value: trimmed }
        : { ok: false, error: `${field.label} must be one of ${field.choices?.join(", ")}.` };
    case "string":
      return { ok: true, value: trimmed };
    case "list": {
      const parts = trimmed
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean);
      if (field.items === "string") return { ok: true, value: parts };
      const values = parts.map(Number);
      const bad = parts.find(
        (_, i) => !Number.isFinite(values[i]) || (field.items === "integer" && !Number.isInteger(values[i])),
      );
      return bad === undefined
        ? { ok: true, value: values }
        : {
            ok: false,
            error: `${field.label}: “${bad}” is not a ${field.items === "integer" ? "whole number" : "number"}.`,
          };
    }
    case "json":
      try {
        return { ok: true, value: JSON.parse(trimmed) };
      } catch {
        return { ok: false, error: `${field.label} must be JSON.` };
      }
  }
}

/** The params object for a whole form, or the errors by field name. */
export function collectParams(
  fields: readonly ParamField[],
  texts: Record<string, string>,
): { params: Record<string, unknown>; errors: Record<string, string> } {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const result = coerceField(field, texts[field.name] ?? fieldText(field, field.default));
    if (!result.ok) errors[field.name] = result.error;
    else if (result.value !== undefined) params[field.name] = result.value;
  }
  return { params, errors };
}
