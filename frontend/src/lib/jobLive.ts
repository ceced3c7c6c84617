/**
 * A job as it happens: server-sent events (`/jobs/{id}/events/`: snapshot, epoch, status), with
 * polling of the job and its new metrics as the fallback when the event stream cannot be used.
 */
import { useEffect, useLayoutEffect, useReducer, useRef } from "react";

import { getUrl } from "../api/client";
import type { EpochMetric, Job, JobError, JobProgress, JobStatus } from "../api/types";
import { isFinal, jobProgress } from "../api/types";
import { dedupeEpochs, type EpochValues } from "./curves";
import { formatMetric } from "./format";

export type Transport = "connecting" | "events" | "polling" | "closed";

export interface LogLine {
  at: number;
  text: string;
}

export interface JobLiveState {
  status: JobStatus | null;
  progress: JobProgress;
  epochs: EpochValues[];
  error: JobError;
  transport: Transport;
  log: LogLine[];
}

export interface Snapshot {
  status: JobStatus;
  progress?: JobProgress;
  epochs: EpochValues[];
  error?: JobError;
}

/** The events of `GET /jobs/{id}/events/` by name, and the JSON each carries. */
interface StreamEvents {
  snapshot: Snapshot;
  epoch: { epoch: number; epochs?: number; values?: Record<string, unknown> };
  step: { step: number; steps?: number; values?: Record<string, unknown> };
  progress: { progress: JobProgress };
  status: { status: JobStatus; error?: JobError };
}

export type JobLiveAction =
  | { type: "snapshot"; snapshot: Snapshot; at: number }
  | { type: "epoch"; epoch: number; epochs?: number; values: Record<string, unknown>; at: number }
  /** an optimisation step of an image job: a point on its curves, like an epoch */
  | { type: "step"; step: number; steps?: number; values: Record<string, unknown>; at: number }
  /** a phase before the steps, e.g. the download of pretrained weights */
  | { type: "progress"; progress: JobProgress; at: number }
  | { type: "status"; status: JobStatus; error?: JobError; at: number }
  | { type: "polled"; job: Job; metrics: EpochMetric[]; at: number }
  | { type: "transport"; transport: Transport };

export const initialJobLive: JobLiveState = {
  status: null,
  progress: {},
  epochs: [],
  error: null,
  transport: "connecting",
  log: [],
};

const MAX_LOG_LINES = 500;

function pointLine(unit: string, n: number, total: number | undefined, values: Record<string, unknown>): string {
  const metrics = Object.entries(values)
    .filter(([, v]) => typeof v === "number")
    .map(([k, v]) => `${k} ${formatMetric(v as number)}`)
    .join(", ");
  return `${unit} ${n}${total ? ` of ${total}` : ""}${metrics ? `: ${metrics}` : ""}`;
}

/** Steps come by the hundred: the log keeps about 20 of a run's, and its last. */
function stepWorthLogging(step: number, steps: number | undefined): boolean {
  if (!steps) return true;
  return step === steps || step % Math.max(1, Math.floor(steps / 20)) === 0;
}

function statusLine(status: JobStatus, error: JobError | undefined): string {
  const words: Record<JobStatus, string> = {
    queued: "Waiting in the queue",
    running: "Running",
    succeeded: "Succeeded",
    failed: "Failed",
    cancelled: "Cancelled",
    pruned: "Stopped early by its sweep",
  };
  return error ? `${words[status]}: ${error.message}` : words[status];
}

function withLog(state: JobLiveState, at: number, text: string): LogLine[] {
  return [...state.log, { at, text }].slice(-MAX_LOG_LINES);
}

export function jobLiveReducer(state: JobLiveState, action: JobLiveAction): JobLiveState {
  switch (action.type) {
    case "snapshot": {
      const { snapshot } = action;
      const epochs = dedupeEpochs(snapshot.epochs);
      // the image jobs' rows are optimisation steps, not epochs
      const unit = snapshot.progress?.steps !== undefined || snapshot.progress?.step !== undefined ? "step" : "epoch";
      const done = epochs.length ? `, ${epochs.length} ${unit}${epochs.length > 1 ? "s" : ""} done` : "";
      return {
        ...state,
        status: snapshot.status,
        progress: snapshot.progress ?? state.progress,
        epochs,
        error: snapshot.error ?? null,
        log: withLog(state, action.at, `${statusLine(snapshot.status, snapshot.error)}${done}`),
      };
    }
    case "epoch": {
      const entry = { epoch: action.epoch, values: action.values };
      return {
        ...state,
        // an epoch can only arrive while running, even if the "running" event was missed
        status: state.status === null || state.status === "queued" ? "running" : state.status,
        progress: { ...state.progress, epoch: action.epoch, epochs: action.epochs ?? state.progress.epochs },
        epochs: dedupeEpochs([...state.epochs, entry]),
        log: withLog(state, action.at, pointLine("Epoch", action.epoch, action.epochs, action.values)),
      };
    }
    case "step": {
      const entry = { epoch: action.step, values: action.values };
      return {
        ...state,
        status: state.status === null || state.status === "queued" ? "running" : state.status,
        progress: { ...state.progress, step: action.step, steps: action.steps ?? state.progress.steps },
        epochs: dedupeEpochs([...state.epochs, entry]),
        log: stepWorthLogging(action.step, action.steps)
          ? withLog(state, action.at, pointLine("Step", action.step, action.steps, action.values))
          : state.log,
      };
    }
    case "progress": {
      const starting = action.progress.phase !== undefined && action.progress.phase !== state.progress.phase;
      return {
        ...state,
        status: state.status === null || state.status === "queued" ? "running" : state.status,
        progress: action.progress,
        log: starting ? withLog(state, action.at, `Started ${action.progress.phase}.`) : state.log,
      };
    }
    case "status": {
      if (state.status === action.status && !action.error) return state;
      return {
        ...state,
        status: action.status,
        error: action.error ?? (isFinal(action.status) ? state.error : null),
        log: withLog(state, action.at, statusLine(action.status, action.error)),
      };
    }
    case "polled": {
      const { job, metrics } = action;
      const progress = jobProgress(job);
      let next = state;
      for (const m of metrics) {
        if (next.epochs.some((e) => e.epoch === m.epoch)) continue;
        const values = m.values;
        next = jobLiveReducer(
          next,
          progress.steps !== undefined
            ? { type: "step", step: m.epoch, steps: progress.steps, values, at: action.at }
            : { type: "epoch", epoch: m.epoch, epochs: progress.epochs, values, at: action.at },
        );
      }
      const status = job.status ?? "queued";
      const error = (job.error as JobError) ?? null;
      next = jobLiveReducer(next, { type: "status", status, error, at: action.at });
      return { ...next, progress: jobProgress(job), error };
    }
    case "transport":
      return state.transport === action.transport ? state : { ...state, transport: action.transport };
  }
}

export interface JobLiveSources {
  /** The EventSource class; null where there is none (the hook then polls). */
  EventSource: typeof EventSource | null;
  fetchJob: (jobId: string) => Promise<Job>;
  fetchMetrics: (jobId: string, after: number) => Promise<EpochMetric[]>;
  pollMs: number;
  /** Give up on events and poll when no snapshot came within this many ms. */
  connectTimeoutMs: number;
  now: () => number;
}

export function lastEpoch(state: Pick<JobLiveState, "epochs">): number {
  return state.epochs.length ? state.epochs[state.epochs.length - 1]!.epoch : 0;
}

/** Follows a job until it ends; `onEnd` runs once when it reaches a final status. */
export function useJobLive(jobId: string, sources: JobLiveSources, onEnd?: (status: JobStatus) => void): JobLiveState {
  const [state, dispatch] = useReducer(jobLiveReducer, initialJobLive);
  const stateRef = useRef(state);
  const onEndRef = useRef(onEnd);
  const sourcesRef = useRef(sources);
  // the effect's callbacks read the latest of these without restarting the stream
  useLayoutEffect(() => {
    stateRef.current = state;
    onEndRef.current = onEnd;
    sourcesRef.current = sources;
  });

  useEffect(() => {
    const { EventSource: ES, fetchJob, fetchMetrics, pollMs, connectTimeoutMs, now } = sourcesRef.current;
    let stopped = false;
    let ended = false;
    let source: EventSource | null = null;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    let connectTimer: ReturnType<typeof setTimeout> | undefined;

    const end = (status: JobStatus) => {
      if (ended) return;
      ended = true;
      source?.close();
      clearTimeout(connectTimer);
      clearTimeout(pollTimer);
      dispatch({ type: "transport", transport: "closed" });
      onEndRef.current?.(status);
    };

    const poll = async () => {
      if (stopped || ended) return;
      try {
        const job = await fetchJob(jobId);
        const metrics = await fetchMetrics(jobId, lastEpoch(stateRef.current));
        if (stopped) return;
        dispatch({ type: "polled", job, metrics, at: now() });
        if (isFinal(job.status)) {
          end(job.status as JobStatus);
          return;
        }
      } catch {
        // a failed poll is retried at the next tick
      }
      if (!stopped && !ended) pollTimer = setTimeout(() => void poll(), pollMs);
    };

    const startPolling = () => {
      if (stopped || ended || stateRef.current.transport === "polling") return;
      source?.close();
      source = null;
      clearTimeout(connectTimer);
      dispatch({ type: "transport", transport: "polling" });
      void poll();
    };

    if (!ES) {
      startPolling();
    } else {
      let gotSnapshot = false;
      source = new ES(getUrl("/api/v1/jobs/{job_id}/events/", { path: { job_id: jobId } }));
      connectTimer = setTimeout(() => {
        if (!gotSnapshot) startPolling();
      }, connectTimeoutMs);
      const stream = source;
      const on = <Name extends keyof StreamEvents>(name: Name, handle: (data: StreamEvents[Name]) => void) =>
        stream.addEventListener(name, (event) =>
          handle(JSON.parse((event as MessageEvent<string>).data) as StreamEvents[Name]),
        );
      on("snapshot", (snapshot) => {
        gotSnapshot = true;
        clearTimeout(connectTimer);
        dispatch({ type: "transport", transport: "events" });
        dispatch({ type: "snapshot", snapshot, at: now() });
        if (isFinal(snapshot.status)) end(snapshot.status);
      });
      on("epoch", (data) => {
        dispatch({ type: "epoch", epoch: data.epoch, epochs: data.epochs, values: data.values ?? {}, at: now() });
      });
      on("step", (data) => {
        dispatch({ type: "step", step: data.step, steps: data.steps, values: data.values ?? {}, at: now() });
      });
      on("progress", (data) => {
        dispatch({ type: "progress", progress: data.progress, at: now() });
      });
      on("status", (data) => {
        dispatch({ type: "status", status: data.status, error: data.error, at: now() });
        if (isFinal(data.status)) end(data.status);
      });
      source.onerror = () => {
        if (ended || stopped) return;
        // CONNECTING: the browser reconnects by itself and gets a fresh snapshot. CLOSED: the
        // server refused the stream (not an event stream): poll instead.
        if (source && source.readyState === 2) startPolling();
      };
    }

    return () => {
      stopped = true;
      source?.close();
      clearTimeout(pollTimer);
      clearTimeout(connectTimer);
    };
  }, [jobId]);

  return state;
}
