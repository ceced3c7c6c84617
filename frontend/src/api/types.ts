/** Names for the generated schema types, and types for the JSON fields the schema leaves open. */
import type { ParamsSchema } from "../lib/paramsSchema";
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Me = Schemas["MeOutput"];
export type Dataset = Schemas["DatasetOutput"];
export type DatasetStatus = NonNullable<Dataset["status"]>;
export type DatasetPreview = Schemas["DatasetPreviewOutput"];
export type Spec = Schemas["SpecOutput"];
export type Job = Schemas["JobOutput"];
export type JobStatus = Schemas["JobStatusEnum"];
/** One finished epoch's metrics by name (`loss`, `val_loss`, `accuracy`, ...). */
export type EpochMetric = Omit<Schemas["EpochMetricOutput"], "values"> & { values: Record<string, unknown> };
export type Artifact = Schemas["ArtifactOutput"];
export type TrainedModel = Schemas["TrainedModelOutput"];
export type Worker = Schemas["WorkerOutput"];
export type Queue = Schemas["QueueOutput"];
export type QueuedJob = Schemas["QueuedJobOutput"];
export type PredictAnswer = Schemas["PredictAnswerOutput"];
/** An entry of the job-kind registry; its params' JSON Schema is what the submit form is made from. */
export type JobKind = Omit<Schemas["JobKindOutput"], "params_schema"> & { params_schema: ParamsSchema };
export type JobKindInput = Schemas["JobKindOutputInputFileOutput"];
export type SweepStatus = Schemas["SweepStatusEnum"];
/** A trial: its values, Optuna's state, and its job's status and epochs. */
export type SweepTrial = Omit<Schemas["TrialOutput"], "values" | "epochs"> & {
  values: Record<string, number | string>;
  epochs: JobProgress | null;
};
export type Sweep = Omit<Schemas["SweepDetailOutput"], "settings" | "params" | "trials" | "best_so_far"> & {
  settings: SweepSettings;
  params: Record<string, unknown>;
};
/** A row of the sweep list: with its trials started and ended and its best value so far. */
export type SweepListItem = Sweep & Pick<Schemas["SweepListOutput"], "trials_started" | "trials_ended" | "best_value">;
export type SweepDetail = Sweep & { trials: SweepTrial[]; best_so_far: SweepTrial | null };

export const FINAL_STATUSES: readonly JobStatus[] = ["succeeded", "failed", "cancelled", "pruned"];
export const ACTIVE_STATUSES: readonly JobStatus[] = ["queued", "running"];
export const JOB_STATUSES: readonly JobStatus[] = [...ACTIVE_STATUSES, ...FINAL_STATUSES];

export function isFinal(status: string | undefined): boolean {
  return FINAL_STATUSES.includes(status as JobStatus);
}

/** `Dataset.stats`, as datasets/ingest.py writes it. */
export interface DatasetStats {
  num_samples?: number;
  num_test_samples?: number;
  num_validation_samples?: number;
  input_shape?: number[];
  dtype?: string;
  value_range?: [number, number];
  task?: string;
  num_classes?: number;
  class_names?: string[];
  class_counts?: number[];
  target_shape?: number[];
  target_range?: [number, number];
}

export function datasetStats(dataset: Dataset): DatasetStats {
  return dataset.stats ?? {};
}

/** `POST /specs/validate/` and `Spec.summary` (specs/services.summary_as_dict). */
export type SpecSummary = Schemas["SummaryOutput"];
export type LayerSummary = Schemas["LayerRowOutput"];
export type MemoryEstimate = Schemas["MemoryOutput"];

/** The network spec language (the parts the UI reads; the server validates the rest). */
export interface SpecLayer {
  type: string;
  name?: string;
  units?: number;
  activation?: string;
  shape?: number[];
  [argument: string]: unknown;
}

export interface NetworkSpec {
  layers: SpecLayer[];
  compile?: Record<string, unknown>;
  [key: string]: unknown;
}

/** `Job.progress`: epochs of a training job, steps of an image job, or a phase before them. */
export interface JobProgress {
  epoch?: number;
  epochs?: number;
  step?: number;
  steps?: number;
  /** e.g. "downloading weights", with bytes so far of total (null: the server did not say) */
  phase?: string;
  bytes?: number;
  total?: number | null;
}

export function jobProgress(job: Pick<Job, "progress">): JobProgress {
  return job.progress ?? {};
}

export type JobError = { code: string; message: string } | null;

/** `GET /api/v1/templates/`: a classic network to start from. */
export type SpecTemplate = Omit<Schemas["TemplateOutput"], "spec" | "params"> & {
  spec: NetworkSpec;
  /** suggested params of the train job */
  params: Record<string, unknown>;
};

/** One searched parameter of `Sweep.settings.space` (neuroyard_core.sweeps.space). */
export type SweepRange =
  | { name: string; type: "uniform" | "log_uniform"; low: number; high: number }
  | { name: string; type: "int"; low: number; high: number; step?: number }
  | { name: string; type: "choice"; values: (number | string)[] };

/** `Sweep.settings`, as the server cleans it. */
export interface SweepSettings {
  space: SweepRange[];
  searcher: "grid" | "random" | "tpe";
  early_stopping: "none" | "asha" | "hyperband";
  min_epochs?: number;
  reduction_factor?: number;
  metric: string;
  direction: "maximize" | "minimize";
  budget: { trials?: number | null; epochs?: number | null };
  parallelism: number;
  seed?: number;
}
