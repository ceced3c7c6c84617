/** Data fetching: one react-query hook per read, one function per write. */
import { keepPreviousData, useQuery, type QueryClient } from "@tanstack/react-query";

import { CSRF_COOKIE, readCookie } from "../lib/csrf";
import type { WeightsBody } from "../lib/weights";
import { allPages, LARGEST_PAGE, type CursorPage } from "./allPages";
import { api, unwrap } from "./client";
import { ApiError } from "./errors";
import type { components, operations } from "./schema";
import type {
  Artifact,
  Dataset,
  DatasetPreview,
  EpochMetric,
  Job,
  JobKind,
  Me,
  NetworkSpec,
  PredictAnswer,
  QueuedJob,
  Spec,
  SpecSummary,
  SpecTemplate,
  SweepDetail,
  SweepListItem,
  TrainedModel,
  Worker,
} from "./types";
import { ACTIVE_STATUSES } from "./types";
import { RESUMABLE_CHUNK_BYTES, uploadForm, uploadResumable, type UploadOptions } from "./upload";

export const keys = {
  me: ["me"] as const,
  datasets: ["datasets"] as const,
  dataset: (id: string) => ["datasets", id] as const,
  preview: (id: string) => ["datasets", id, "preview"] as const,
  specs: ["specs"] as const,
  spec: (id: string) => ["specs", id] as const,
  validation: (spec: string, dataset: string | null) => ["validate", spec, dataset] as const,
  jobs: ["jobs"] as const,
  jobList: (filters: JobFilters) => ["jobs", "list", filters] as const,
  job: (id: string) => ["jobs", id] as const,
  metrics: (id: string) => ["jobs", id, "metrics"] as const,
  artifacts: (id: string) => ["jobs", id, "artifacts"] as const,
  models: ["models"] as const,
  templates: ["templates"] as const,
  workers: ["workers"] as const,
  queues: ["queues"] as const,
  queueJobs: (queue: string) => ["queues", queue, "jobs"] as const,
  kinds: ["job-kinds"] as const,
  weights: (modelId: string) => ["models", modelId, "weights"] as const,
  sweeps: ["sweeps"] as const,
  sweep: (id: string) => ["sweeps", id] as const,
};

const POLL_MS = 2000;

// --- auth -----------------------------------------------------------------------------------

export async function fetchMe(): Promise<Me | null> {
  try {
    return await unwrap(api.GET("/api/v1/auth/me/"));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({ queryKey: keys.me, queryFn: fetchMe, staleTime: 60_000, retry: false });
}

export async function login(username: string, password: string): Promise<Me> {
  return unwrap(api.POST("/api/v1/auth/login/", { body: { username, password } }));
}

export async function logout(): Promise<void> {
  await unwrap(api.POST("/api/v1/auth/logout/"));
}

/** Makes sure the CSRF cookie exists (index.html sets it; the Vite dev server does not). */
export async function ensureCsrfCookie(): Promise<string> {
  const existing = readCookie(CSRF_COOKIE);
  if (existing) return existing;
  const body = await unwrap(api.GET("/api/v1/auth/csrf/"));
  return readCookie(CSRF_COOKIE) ?? body.csrf_token;
}

// --- datasets -------------------------------------------------------------------------------

export function useDatasets() {
  return useQuery({
    queryKey: keys.datasets,
    // every dataset, not a first page: the menus that pick one must offer them all
    queryFn: () =>
      allPages((cursor) =>
        unwrap(api.GET("/api/v1/datasets/", { params: { query: { limit: LARGEST_PAGE, cursor } } })),
      ),
    refetchInterval: (query) => (query.state.data?.results.some((d) => d.status === "processing") ? POLL_MS : false),
  });
}

export function useDataset(id: string) {
  return useQuery({
    queryKey: keys.dataset(id),
    queryFn: () =>
      unwrap(api.GET("/api/v1/datasets/{dataset_id}/", { params: { path: { dataset_id: id } } })) as Promise<Dataset>,
    refetchInterval: (query) => (query.state.data?.status === "processing" ? POLL_MS : false),
  });
}

export function useDatasetPreview(id: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.preview(id),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/datasets/{dataset_id}/preview/", { params: { path: { dataset_id: id } } }),
      ) as Promise<DatasetPreview>,
    enabled,
    staleTime: Infinity,
  });
}

/** What an uploader may declare besides the file: name, format, label_column, task, image_size, ... */
export type DatasetOption = Exclude<keyof components["schemas"]["DatasetListCreateInputRequest"], "file">;

export interface DatasetUpload {
  file: File;
  /** empty ones keep the server's default */
  options?: Partial<Record<DatasetOption, string>>;
}

/** Small files in one request; bigger ones in resumable pieces. */
export async function uploadDataset(upload: DatasetUpload, options: UploadOptions): Promise<Dataset> {
  const fields: Partial<Record<DatasetOption, string>> = {};
  for (const [field, value] of Object.entries(upload.options ?? {}) as [DatasetOption, string][]) {
    if (value.trim()) fields[field] = value.trim();
  }
  if (upload.file.size <= RESUMABLE_CHUNK_BYTES) {
    return uploadForm("/api/v1/datasets/", {}, { ...fields, file: upload.file }, options);
  }
  const id = await uploadResumable(upload.file, fields, options);
  return unwrap(api.GET("/api/v1/datasets/{dataset_id}/", { params: { path: { dataset_id: id } } }));
}

export async function deleteDataset(id: string): Promise<void> {
  await unwrap(api.DELETE("/api/v1/datasets/{dataset_id}/", { params: { path: { dataset_id: id } } }));
}

// --- specs ----------------------------------------------------------------------------------

export function useSpecs() {
  return useQuery({
    queryKey: keys.specs,
    queryFn: () =>
      allPages((cursor) => unwrap(api.GET("/api/v1/specs/", { params: { query: { limit: LARGEST_PAGE, cursor } } }))),
  });
}

export function useSpec(id: string, enabled = true) {
  return useQuery({
    queryKey: keys.spec(id),
    enabled: enabled && Boolean(id),
    queryFn: () => unwrap(api.GET("/api/v1/specs/{spec_id}/", { params: { path: { spec_id: id } } })),
  });
}

export function validateSpec(spec: unknown, dataset: string | null): Promise<SpecSummary> {
  return unwrap(api.POST("/api/v1/specs/validate/", { body: dataset ? { spec, dataset } : { spec } }));
}

export function createSpec(name: string, spec: NetworkSpec): Promise<Spec> {
  return unwrap(api.POST("/api/v1/specs/", { body: { name, spec } }));
}

export function useTemplates() {
  return useQuery({
    queryKey: keys.templates,
    queryFn: () => unwrap(api.GET("/api/v1/templates/")) as Promise<SpecTemplate[]>,
    staleTime: Infinity,
  });
}

// --- jobs -----------------------------------------------------------------------------------

export type JobFilters = NonNullable<operations["v1_jobs_list"]["parameters"]["query"]>;

export function useJobs(filters: JobFilters) {
  return useQuery({
    queryKey: keys.jobList(filters),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/jobs/", {
          params: { query: { limit: 50, ...filters } },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.results.some((j) => ACTIVE_STATUSES.includes(j.status ?? "queued")) ? POLL_MS : false,
  });
}

export function fetchJob(id: string): Promise<Job> {
  return unwrap(api.GET("/api/v1/jobs/{job_id}/", { params: { path: { job_id: id } } }));
}

/** The job row; while it is active, re-read every few seconds for queue position and ETA. */
export function useJob(id: string) {
  return useQuery({
    queryKey: keys.job(id),
    queryFn: () => fetchJob(id),
    refetchInterval: (query) => (ACTIVE_STATUSES.includes(query.state.data?.status ?? "succeeded") ? 3000 : false),
  });
}

export function fetchMetrics(id: string, after = 0): Promise<EpochMetric[]> {
  return unwrap(
    api.GET("/api/v1/jobs/{job_id}/metrics/", { params: { path: { job_id: id }, query: { after } } }),
  ) as Promise<EpochMetric[]>;
}

/** A job's epochs, for useQuery or useQueries. */
export function metricsQuery(id: string) {
  return { queryKey: keys.metrics(id), queryFn: () => fetchMetrics(id) };
}

/** `running`: new artifacts (a dream's frames) can appear, so look again every few seconds. */
export function useArtifacts(id: string, running = false) {
  return useQuery({
    queryKey: keys.artifacts(id),
    refetchInterval: running ? 5000 : false,
    queryFn: () =>
      unwrap(api.GET("/api/v1/jobs/{job_id}/artifacts/", { params: { path: { job_id: id } } })) as Promise<Artifact[]>,
  });
}

export function cancelJob(id: string): Promise<Job> {
  return unwrap(api.POST("/api/v1/jobs/{job_id}/cancel/", { params: { path: { job_id: id } } }));
}

export function renameJob(id: string, name: string): Promise<Job> {
  return unwrap(api.PATCH("/api/v1/jobs/{job_id}/", { params: { path: { job_id: id } }, body: { name } }));
}

export interface JobSubmission {
  kind: string;
  dataset?: string;
  spec?: string;
  model?: string;
  params: Record<string, unknown>;
  files?: Record<string, File>;
}

type JobCreate = components["schemas"]["JobListCreateInputRequest"];

/** A job with files: multipart, the params as a JSON string, each file under its input's name. */
function jobForm(body: JobCreate, files: Record<string, File>): FormData {
  const form = new FormData();
  form.append("kind", body.kind);
  for (const field of ["dataset", "spec", "model"] as const) {
    const id = body[field];
    if (id) form.append(field, id);
  }
  form.append("params", JSON.stringify(body.params));
  for (const [name, file] of Object.entries(files)) form.append(name, file);
  return form;
}

export function submitJob({ files = {}, ...submission }: JobSubmission): Promise<Job> {
  return unwrap(
    api.POST("/api/v1/jobs/", {
      body: submission,
      bodySerializer: Object.keys(files).length ? (value) => jobForm(value, files) : undefined,
    }),
  );
}

/** The server's job-kind registry: the submit form is built from it. */
export function useJobKinds() {
  return useQuery({
    queryKey: keys.kinds,
    queryFn: () => unwrap(api.GET("/api/v1/job-kinds/")) as Promise<JobKind[]>,
    staleTime: Infinity,
  });
}

/** A job kind's title from the registry; its name in words until the registry has answered. */
export function useKindTitle(): (name: string) => string {
  const kinds = useJobKinds().data;
  return (name) => kinds?.find((kind) => kind.name === name)?.title ?? name.replace(/_/g, " ");
}

// --- models ---------------------------------------------------------------------------------

export function useModels() {
  return useQuery({
    queryKey: keys.models,
    queryFn: () => unwrap(api.GET("/api/v1/models/", { params: { query: { limit: 200 } } })),
    // an uploaded model is `checking` until the inference worker has loaded it
    refetchInterval: (query) => (query.state.data?.results.some((m) => m.status === "checking") ? POLL_MS : false),
  });
}

export type ModelFilters = NonNullable<operations["v1_models_list"]["parameters"]["query"]>;

/** The models page's list: searched, and for staff theirs or everyone's. */
export function useModelList(filters: ModelFilters) {
  return useQuery({
    queryKey: [...keys.models, "list", filters],
    queryFn: () => unwrap(api.GET("/api/v1/models/", { params: { query: { limit: 200, ...filters } } })),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.results.some((m) => m.status === "checking") ? POLL_MS : false),
  });
}

export async function deleteModel(id: string): Promise<void> {
  await unwrap(api.DELETE("/api/v1/models/{model_id}/", { params: { path: { model_id: id } } }));
}

export interface ModelUpload {
  file: File;
  name?: string;
  task?: string;
  classNames?: string[];
}

export function uploadModel(upload: ModelUpload, options: UploadOptions): Promise<TrainedModel> {
  const fields = {
    file: upload.file,
    name: upload.name || undefined,
    task: upload.task || undefined,
    class_names: upload.classNames?.length ? JSON.stringify(upload.classNames) : undefined,
  };
  return uploadForm("/api/v1/models/", {}, fields, options);
}

/** A trained dense network's weights for the diagram (an error says why a model has none). */
export function useModelWeights(modelId: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.weights(modelId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/models/{model_id}/weights/", { params: { path: { model_id: modelId } } })) as Promise<
        Partial<WeightsBody>
      >,
    enabled,
    staleTime: Infinity,
  });
}

/** Samples as JSON (numbers, rows, texts), or one image file. */
export type PredictInput = { inputs: unknown[] } | { image: File };

const TOP_K = 5;

export function predict(modelId: string, input: PredictInput): Promise<PredictAnswer> {
  return unwrap(
    api.POST("/api/v1/models/{model_id}/predict/", {
      params: { path: { model_id: modelId } },
      body: "inputs" in input ? { inputs: input.inputs, top_k: TOP_K } : { top_k: TOP_K },
      bodySerializer:
        "image" in input
          ? () => {
              const form = new FormData();
              form.append("top_k", String(TOP_K));
              form.append("image", input.image);
              return form;
            }
          : undefined,
    }),
  );
}

/** What a GAN's generator is asked for: pictures from random or given latent points. */
export interface GenerateRequest {
  count?: number;
  latent?: number[][];
  class?: number | string;
  interpolate?: number;
  seed?: number;
}

export function generate(modelId: string, request: GenerateRequest): Promise<PredictAnswer> {
  return unwrap(
    api.POST("/api/v1/models/{model_id}/predict/", {
      params: { path: { model_id: modelId } },
      body: { ...request, top_k: TOP_K },
    }),
  );
}

/** A prediction the server answered "pending": ask again by its id. */
export function fetchPrediction(modelId: string, requestId: string): Promise<PredictAnswer> {
  return unwrap(
    api.GET("/api/v1/models/{model_id}/predictions/{request_id}/", {
      params: { path: { model_id: modelId, request_id: requestId } },
    }),
  );
}

const PREDICTION_POLL_MS = 1000;
const PREDICTION_POLL_TRIES = 60;

/** The answer, asking again while the server says "pending" (about a minute at most). */
export async function settledPrediction(first: PredictAnswer): Promise<PredictAnswer> {
  let body = first;
  for (let tries = 0; body.status === "pending" && tries < PREDICTION_POLL_TRIES; tries++) {
    await new Promise((resolve) => setTimeout(resolve, PREDICTION_POLL_MS));
    body = await fetchPrediction(body.model, body.id);
  }
  return body;
}

// --- sweeps ---------------------------------------------------------------------------------

export function useSweeps() {
  return useQuery({
    queryKey: keys.sweeps,
    queryFn: () =>
      unwrap(api.GET("/api/v1/sweeps/", { params: { query: { limit: 100 } } })) as Promise<CursorPage<SweepListItem>>,
    refetchInterval: (query) => (query.state.data?.results.some((s) => s.status === "running") ? POLL_MS : false),
  });
}

/** A sweep with its trials; re-read every 2 seconds while it runs (its trials are jobs with live pages). */
export function useSweep(id: string) {
  return useQuery({
    queryKey: keys.sweep(id),
    queryFn: () =>
      unwrap(api.GET("/api/v1/sweeps/{sweep_id}/", { params: { path: { sweep_id: id } } })) as Promise<SweepDetail>,
    refetchInterval: (query) => (query.state.data?.status === "running" ? POLL_MS : false),
  });
}

export function createSweep(body: components["schemas"]["SweepListCreateInputRequest"]): Promise<SweepDetail> {
  return unwrap(api.POST("/api/v1/sweeps/", { body })) as Promise<SweepDetail>;
}

export function cancelSweep(id: string): Promise<SweepDetail> {
  return unwrap(
    api.POST("/api/v1/sweeps/{sweep_id}/cancel/", { params: { path: { sweep_id: id } } }),
  ) as Promise<SweepDetail>;
}

// --- fleet (staff) -------------------------------------------------------------------------

const FLEET_POLL_MS = 5000;

export function useWorkers(enabled: boolean) {
  return useQuery({
    queryKey: keys.workers,
    queryFn: () => unwrap(api.GET("/api/v1/workers/")),
    enabled,
    refetchInterval: FLEET_POLL_MS,
  });
}

export function useQueues(enabled: boolean) {
  return useQuery({
    queryKey: keys.queues,
    queryFn: () => unwrap(api.GET("/api/v1/queues/")),
    enabled,
    refetchInterval: FLEET_POLL_MS,
  });
}

export function useQueueJobs(queue: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.queueJobs(queue),
    queryFn: () =>
      unwrap(api.GET("/api/v1/queues/{queue}/jobs/", { params: { path: { queue }, query: { limit: 50 } } })),
    enabled,
    refetchInterval: FLEET_POLL_MS,
  });
}

const WORKER_ACTIONS = {
  drain: "/api/v1/workers/{worker_id}/drain/",
  resume: "/api/v1/workers/{worker_id}/resume/",
  shutdown: "/api/v1/workers/{worker_id}/shutdown/",
} as const;

export type WorkerAction = keyof typeof WORKER_ACTIONS;

export function workerAction(workerId: number, action: WorkerAction): Promise<Worker> {
  return unwrap(api.POST(WORKER_ACTIONS[action], { params: { path: { worker_id: workerId } } }));
}

export type QueueJobAction = { action: "front" } | { action: "cancel" } | { action: "move"; to: string };

export function queueJobAction(queue: string, jobId: string, change: QueueJobAction): Promise<QueuedJob> {
  const path = { queue, job_id: jobId };
  switch (change.action) {
    case "front":
      return unwrap(api.POST("/api/v1/queues/{queue}/jobs/{job_id}/front/", { params: { path } }));
    case "cancel":
      return unwrap(api.POST("/api/v1/queues/{queue}/jobs/{job_id}/cancel/", { params: { path } }));
    case "move":
      return unwrap(
        api.POST("/api/v1/queues/{queue}/jobs/{job_id}/move/", { params: { path }, body: { queue: change.to } }),
      );
  }
}

/** After a job ends: its row, artifacts and the models list changed. */
export function invalidateJob(client: QueryClient, id: string): Promise<void> {
  return Promise.all([
    client.invalidateQueries({ queryKey: keys.job(id) }),
    client.invalidateQueries({ queryKey: keys.artifacts(id) }),
    client.invalidateQueries({ queryKey: keys.jobs }),
    client.invalidateQueries({ queryKey: keys.models }),
  ]).then(() => undefined);
}
