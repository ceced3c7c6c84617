/** How a job's progress and timing read in lists and on its page. */
import type { Job } from "../api/types";
import { jobProgress } from "../api/types";
import { formatDuration, secondsBetween } from "./format";

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix =
    tens >= 11 && tens <= 13 ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** 0..1 for a job with known progress, else null. */
export function progressFraction(job: Pick<Job, "status" | "progress">): number | null {
  if (job.status === "succeeded") return 1;
  const { epoch, epochs, step, steps } = jobProgress(job);
  if (epochs && epoch !== undefined) return epoch / epochs;
  if (steps && step !== undefined) return step / steps;
  return null;
}

export function progressText(job: Pick<Job, "status" | "progress" | "queue_position">): string {
  const { epoch, epochs, step, steps } = jobProgress(job);
  if (job.status === "queued") {
    return job.queue_position ? `${ordinal(job.queue_position)} in the queue` : "waiting";
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
