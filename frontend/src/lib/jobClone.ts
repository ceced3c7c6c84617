/** "Train again": the submit form's state for a new job with every setting of an earlier one. */
import type { Job } from "../api/types";
import { collectParams, fieldText, type ParamField } from "./paramsSchema";

export interface ClonedForm {
  kind: string;
  dataset: string;
  spec: string;
  model: string;
  /** each parameter field's text, as the form shows it */
  texts: Record<string, string>;
}

type JobSource = Pick<Job, "kind" | "dataset" | "spec" | "params"> & { model?: string | null };

/** The form state that submits `job` again: its kind, inputs and every parameter it was given
 * (a parameter it left out shows the kind's default, as it did then). */
export function cloneJob(job: JobSource, fields: readonly ParamField[]): ClonedForm {
  const params = (job.params ?? {}) as Record<string, unknown>;
  const texts: Record<string, string> = {};
  for (const field of fields) {
    if (field.name in params) texts[field.name] = fieldText(field, params[field.name]);
  }
  return { kind: job.kind, dataset: job.dataset ?? "", spec: job.spec ?? "", model: job.model ?? "", texts };
}

/** The parameters the cloned form submits, for checking that nothing was lost on the way. */
export function clonedParams(form: ClonedForm, fields: readonly ParamField[]): Record<string, unknown> {
  return collectParams(fields, form.texts).params;
}
