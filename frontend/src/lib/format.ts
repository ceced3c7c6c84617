/** How numbers, sizes, shapes and times read in the UI. */

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatCount(value: number | null | undefined): string {
  return value == null ? "—" : value.toLocaleString("en-US");
}

export function formatShape(shape: readonly number[] | null | undefined): string {
  if (!shape) return "—";
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

/** A layer's output with the batch axis, as Keras prints it: "(None, 512)". */
export function kerasShape(shape: readonly number[]): string {
  return `(${["None", ...shape].join(", ")})`;
}

/** Metric values: 4 significant digits, exponent for tiny ones. */
export function formatMetric(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return "—";
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2);
  return Number(value.toPrecision(4)).toString();
}

export function formatPercent(fraction: number): string {
  if (fraction > 0 && fraction < 0.005) return "<1%";
  return `${Math.round(fraction * 100)}%`;
}

/** 3725 s → "1 h 2 min"; 42.4 → "42 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${s % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Seconds between two ISO times; to `now` when the end is missing. */
export function secondsBetween(
  start: string | null | undefined,
  end: string | null | undefined,
  now: number = Date.now(),
): number | null {
  if (!start) return null;
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now;
  return Number.isFinite(from) && Number.isFinite(to) ? Math.max(0, (to - from) / 1000) : null;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? "—"
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "3 min ago", for recent times. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return "—";
  const seconds = (now - Date.parse(iso)) / 1000;
  if (!Number.isFinite(seconds)) return "—";
  if (seconds < 5) return "just now";
  return `${formatDuration(seconds).split(" ").slice(0, 2).join(" ")} ago`;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** A JSON value as text: strings and numbers as they are, lists and objects as JSON. */
export function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value === undefined || value === null) return "";
  return JSON.stringify(value) ?? "";
}
