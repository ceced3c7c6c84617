/** How the fleet API's workers read: devices with their memory and load, state, heartbeat. */
import type { Worker } from "../api/types";
import { formatBytes } from "./format";

/** As workers report them (runtime/devices.py): a GPU, or the CPU when there is none. */
export interface Device {
  type?: string;
  index?: number;
  name?: string;
  memory_total_bytes?: number | null;
  memory_used_bytes?: number | null;
  utilization_percent?: number | null;
}

export function devicesOf(worker: Pick<Worker, "devices">): Device[] {
  return Array.isArray(worker.devices) ? (worker.devices as Device[]) : [];
}

export function queuesOf(worker: Pick<Worker, "queues">): string[] {
  return Array.isArray(worker.queues) ? worker.queues.map(String) : [];
}

/** "NVIDIA H100 · 12 GB of 80 GB · 93% busy"; "CPU only · 16 GB". */
export function deviceText(device: Device): string {
  const parts = [device.name ?? (device.type === "cpu" ? "CPU only" : "device")];
  const total = device.memory_total_bytes;
  const used = device.memory_used_bytes;
  if (total != null) parts.push(used != null ? `${formatBytes(used)} of ${formatBytes(total)}` : formatBytes(total));
  if (device.utilization_percent != null) parts.push(`${Math.round(device.utilization_percent)}% busy`);
  return parts.join(" · ");
}

/** The actions a worker in this state can take. */
export function workerActions(state: string | undefined): ("drain" | "resume" | "shutdown")[] {
  switch (state) {
    case "idle":
    case "busy":
      return ["drain", "shutdown"];
    case "draining":
      return ["resume", "shutdown"];
    default:
      return [];
  }
}
