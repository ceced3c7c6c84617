/** Data fetching: one react-query hook per read, one function per write. */
import { keepPreviousData, useQuery, type QueryClient } from "@tanstack/react-query";

import { BUILT_IN_KINDS, kindsFromResponse, type JobKindInfo } from "../lib/jobKinds";
import type { WeightsBody } from "../lib/weights";
import { uploadForm, type UploadOptions } from "../lib/upload";
import { api, endpointExists, request, unwrap } from "./client";
import { ApiError } from "./errors";
import type {
  Artifact,
  Dataset,
  DatasetPreview,
  EpochMetric,
  Job,
  Me,
  NetworkSpec,
  Page,
  Queue,
  QueuedJob,
  Spec,
  SpecSummary,
  SpecTemplate,
  TrainedModel,
  Worker,
} from "./types";
import { ACTIVE_STATUSES } from "./types";

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
  predict: (modelId: string) => ["models", modelId, "predict-available"] as const,
};

const POLL_MS = 2000;

function page<T>(url: string, params: Record<string, string | number | undefined> = {}): Promise<Page<T>> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") query.set(key, String(value));
  }
  const qs = query.toString();
  return request<Page<T>>("GET", qs ? `${url}?${qs}` : url);
}

/** An endpoint that arrives with a later issue: null while this server does not have it. */
async function optional<T>(url: string): Promise<T | null> {
  try {
    return await request<T>("GET", url);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

function resultsOf<T>(body: T[] | Page<T> | null): T[] | null {
  if (body === null) return null;
  return Array.isArray(body) ? body : body.results;
}

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

// --- datasets -------------------------------------------------------------------------------

export function useDatasets() {
  return useQuery({
    queryKey: keys.datasets,
    queryFn: () => page<Dataset>("/api/v1/datasets/", { limit: 200 }),
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

export interface DatasetUpload {
  file: File;
  /** name, format, label_column, task, image_size, ...: empty ones keep the server's default */
  options?: Record<string, string>;
}

export function uploadDataset(upload: DatasetUpload, options: UploadOptions): Promise<Dataset> {
  const form = new FormData();
  form.append("file", upload.file);
  for (const [field, value] of Object.entries(upload.options ?? {})) {
    if (value.trim()) form.append(field, value.trim());
  }
  return uploadForm<Dataset>("/api/v1/datasets/", form, options);
}

export async function deleteDataset(id: string): Promise<void> {
  await request("DELETE", `/api/v1/datasets/${id}/`);
}

// --- specs ----------------------------------------------------------------------------------

export function useSpecs() {
  return useQuery({ queryKey: keys.specs, queryFn: () => page<Spec>("/api/v1/specs/", { limit: 200 }) });
}

export function useSpec(id: string, enabled = true) {
  return useQuery({
    queryKey: keys.spec(id),
    enabled: enabled && Boolean(id),
    queryFn: () => unwrap(api.GET("/api/v1/specs/{spec_id}/", { params: { path: { spec_id: id } } })),
  });
}

export function validateSpec(spec: unknown, dataset: string | null): Promise<SpecSummary> {
  return request<SpecSummary>("POST", "/api/v1/specs/validate/", dataset ? { spec, dataset } : { spec });
}

export function createSpec(name: string, spec: NetworkSpec): Promise<Spec> {
  return unwrap(api.POST("/api/v1/specs/", { body: { name, spec } }));
}

export function useTemplates() {
  return useQuery({
    queryKey: keys.templates,
    queryFn: async () => resultsOf(await optional<SpecTemplate[] | Page<SpecTemplate>>("/api/v1/templates/")),
    staleTime: Infinity,
  });
}

// --- jobs -----------------------------------------------------------------------------------

export interface JobFilters {
  status?: string;
  kind?: string;
  limit?: number;
  offset?: number;
}

export function useJobs(filters: JobFilters) {
  return useQuery({
    queryKey: keys.jobList(filters),
    queryFn: () => page<Job>("/api/v1/jobs/", { limit: 50, ...filters }),
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

export interface JobSubmission {
  kind: string;
  dataset?: string;
  spec?: string;
  model?: string;
  params: Record<string, unknown>;
  files?: Record<string, File>;
}

export function submitJob(submission: JobSubmission): Promise<Job> {
  const { files, ...body } = submission;
  if (files && Object.keys(files).length) {
    const form = new FormData();
    form.append("kind", body.kind);
    for (const field of ["dataset", "spec", "model"] as const) {
      if (body[field]) form.append(field, body[field]!);
    }
    form.append("params", JSON.stringify(body.params));
    for (const [name, file] of Object.entries(files)) form.append(name, file);
    return request<Job>("POST", "/api/v1/jobs/", form);
  }
  return request<Job>("POST", "/api/v1/jobs/", body);
}

export function useJobKinds() {
  return useQuery({
    queryKey: keys.kinds,
    queryFn: async (): Promise<JobKindInfo[]> => {
      try {
        return kindsFromResponse(await optional<unknown>("/api/v1/jobs/kinds/")) ?? BUILT_IN_KINDS;
      } catch {
        return BUILT_IN_KINDS;
      }
    },
    staleTime: Infinity,
  });
}

// --- models ---------------------------------------------------------------------------------

export function useModels() {
  return useQuery({
    queryKey: keys.models,
    queryFn: () => page<TrainedModel>("/api/v1/models/", { limit: 200 }),
    // an uploaded model is `checking` until the inference worker has loaded it
    refetchInterval: (query) => (query.state.data?.results.some((m) => m.status === "checking") ? POLL_MS : false),
  });
}

export function useModelUploadAvailable() {
  return useQuery({
    queryKey: [...keys.models, "upload-available"],
    queryFn: () => endpointExists("/api/v1/models/", "POST"),
    staleTime: Infinity,
  });
}

export interface ModelUpload {
  file: File;
  name?: string;
  task?: string;
  classNames?: string[];
}

export function uploadModel(upload: ModelUpload, options: UploadOptions): Promise<TrainedModel> {
  const form = new FormData();
  form.append("file", upload.file);
  if (upload.name) form.append("name", upload.name);
  if (upload.task) form.append("task", upload.task);
  if (upload.classNames?.length) form.append("class_names", JSON.stringify(upload.classNames));
  return uploadForm<TrainedModel>("/api/v1/models/", form, options);
}

/** A trained dense network's weights for the diagram; null where the server has no such endpoint. */
export function useModelWeights(modelId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.models, modelId, "weights"],
    queryFn: () => optional<WeightsBody>(`/api/v1/models/${modelId}/weights/`),
    enabled,
    staleTime: Infinity,
  });
}

export function usePredictAvailable(modelId: string | undefined) {
  return useQuery({
    queryKey: keys.predict(modelId ?? ""),
    queryFn: () => endpointExists(`/api/v1/models/${modelId}/predict/`),
    enabled: Boolean(modelId),
    staleTime: Infinity,
  });
}

export function predict(modelId: string, input: FormData | Record<string, unknown>): Promise<unknown> {
  return request<unknown>("POST", `/api/v1/models/${modelId}/predict/`, input);
}

// --- fleet (staff) -------------------------------------------------------------------------

export function useFleetAvailable(isStaff: boolean) {
  return useQuery({
    queryKey: [...keys.workers, "available"],
    queryFn: () => endpointExists("/api/v1/workers/"),
    enabled: isStaff,
    staleTime: Infinity,
  });
}

const FLEET_POLL_MS = 5000;

export function useWorkers(enabled: boolean) {
  return useQuery({
    queryKey: keys.workers,
    queryFn: async () => resultsOf(await optional<Worker[] | Page<Worker>>("/api/v1/workers/")),
    enabled,
    refetchInterval: (query) => (query.state.data === null ? false : FLEET_POLL_MS),
  });
}

export function useQueues(enabled: boolean) {
  return useQuery({
    queryKey: keys.queues,
    queryFn: async () => resultsOf(await optional<Queue[] | Page<Queue>>("/api/v1/queues/")),
    enabled,
    refetchInterval: (query) => (query.state.data === null ? false : FLEET_POLL_MS),
  });
}

export function useQueueJobs(queue: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.queueJobs(queue),
    queryFn: () => page<QueuedJob>(`/api/v1/queues/${encodeURIComponent(queue)}/jobs/`, { limit: 50 }),
    enabled,
    refetchInterval: FLEET_POLL_MS,
  });
}

export type WorkerAction = "drain" | "resume" | "shutdown";

export function workerAction(workerId: number, action: WorkerAction): Promise<Worker> {
  return request<Worker>("POST", `/api/v1/workers/${workerId}/${action}/`);
}

export type QueueJobAction = { action: "front" } | { action: "cancel" } | { action: "move"; to: string };

export function queueJobAction(queue: string, jobId: string, change: QueueJobAction): Promise<QueuedJob> {
  const url = `/api/v1/queues/${encodeURIComponent(queue)}/jobs/${jobId}/${change.action}/`;
  return request<QueuedJob>("POST", url, change.action === "move" ? { queue: change.to } : undefined);
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
