/** How a job's progress and timing read in lists and on its page. */
import type { Job } from "../api/types";
import { jobProgress } from "../api/types";
import { formatDuration, secondsBetween } from "./format";

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix =
    tens >= 11 && tens <= 13 ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** 0..1 for a job with known progress, else null. */
export function progressFraction(job: Pick<Job, "status" | "progress">): number | null {
  if (job.status === "succeeded") return 1;
  const { epoch, epochs, step, steps, phase, bytes, total } = jobProgress(job);
  if (phase && job.status === "running") return total && bytes !== undefined ? bytes / total : null;
  if (epochs && epoch !== undefined) return epoch / epochs;
  if (steps && step !== undefined) return step / steps;
  return null;
}

export function progressText(job: Pick<Job, "status" | "progress" | "queue_position">): string {
  const { epoch, epochs, step, steps, phase, bytes, total } = jobProgress(job);
  if (job.status === "queued") {
    return job.queue_position ? `${ordinal(job.queue_position)} in the queue` : "waiting";
  }
  if (phase && job.status === "running") {
    const done = bytes !== undefined ? `: ${megabytes(bytes)}` : "";
    return `${phase}${done}${total && bytes !== undefined ? ` of ${megabytes(total)}` : ""}`;
  }
  if (epochs) return `epoch ${epoch ?? 0} of ${epochs}`;
  if (steps) return `step ${step ?? 0} of ${steps}`;
  return job.status === "running" ? "starting" : "";
}

/** Running or done: the time it ran; queued: the time it has waited. */
export function jobDuration(
  job: Pick<Job, "status" | "created_at" | "started_at" | "finished_at">,
  now = Date.now(),
): string {
  if (job.status === "queued") return `waiting ${formatDuration(secondsBetween(job.created_at, null, now))}`;
  if (!job.started_at) return "—";
  return formatDuration(secondsBetween(job.started_at, job.finished_at, now));
}

/** Which weights a creative job looked through: the answer to "why does my dream look like noise". */
export function weightsText(weights: string, network: unknown): string {
  const name = typeof network === "string" ? network : "the network";
  if (weights === "imagenet") return `ImageNet (${name}, as published by Keras)`;
  if (weights === "random") return `random (${name} sees nothing: asked for)`;
  if (weights === "trained") return `the model's own (${name})`;
  return weights;
}

/** What kind of failure it was, in a sentence, before the error's own message. */
export function failureHeadline(code: string): string {
  if (code === "worker_lost") return "The worker running it stopped answering, more than once.";
  if (code === "input_corrupted") return "A file it needed was damaged on the way.";
  if (code.startsWith("dataset_")) return "Something in the dataset stopped it.";
  if (code.startsWith("spec_") || code.startsWith("network_")) return "The network could not be built or trained.";
  if (code.includes("memory")) return "It needed more memory than the worker had.";
  if (code.includes("time_limit") || code.includes("timeout")) return "It ran out of time.";
  if (code.startsWith("weights_")) return "The network's weights were not available.";
  if (code.startsWith("model_")) return "The model it started from could not be used.";
  return "It stopped with an error.";
}

/** What the page says about a job that has ended, where a live job shows its progress bar. */
export function outcomeText(job: Pick<Job, "status" | "progress" | "queue_position">): string {
  const where = progressText(job);
  const at = where ? ` at ${where}` : "";
  if (job.status === "succeeded") return where ? `Finished: ${where}.` : "Finished.";
  if (job.status === "failed") return `Failed${at}.`;
  if (job.status === "cancelled") return `Cancelled${at}.`;
  if (job.status === "pruned") return `Stopped early by its sweep${at}.`;
  return "";
}
