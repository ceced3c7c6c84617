/**
 * What a dataset preview shows: thumbnails when samples are images (served PNGs, or arrays that
 * are pictures: 2-D, 3-D with 1 or 3 channels, or a flat square like the 8×8 digits), a table
 * for tables and texts, else each sample's first values.
 */
import { valueText } from "./format";

export interface PreviewRow {
  x?: unknown;
  y?: unknown;
  [field: string]: unknown;
}

export interface PixelImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel */
  rgba: Uint8ClampedArray;
}

export type PreviewSample =
  | { kind: "url"; src: string; label: string }
  | { kind: "pixels"; image: PixelImage; label: string }
  | { kind: "values"; values: unknown; label: string };

const URL_FIELDS = ["thumbnail_url", "thumbnail", "image_url", "image", "url", "src"];
const MIN_SQUARE_PIXELS = 49;

function label(row: PreviewRow): string {
  const y = row.y ?? row.label ?? row.class_name ?? row.target;
  return valueText(y);
}

function imageUrl(row: PreviewRow): string | null {
  for (const field of URL_FIELDS) {
    const value = row[field];
    if (
      typeof value === "string" &&
      (/^(\/|https?:|data:image\/)/.test(value) || /\.(png|jpe?g|gif|webp)$/i.test(value))
    ) {
      return value;
    }
  }
  return null;
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === "number");
}

/** [height, width, channels] of an array that is a picture, else null. */
export function pictureShape(x: unknown): [number, number, number] | null {
  if (isNumberArray(x)) {
    const side = Math.round(Math.sqrt(x.length));
    return x.length >= MIN_SQUARE_PIXELS && side * side === x.length ? [side, side, 1] : null;
  }
  if (!Array.isArray(x) || x.length === 0) return null;
  if (x.every(isNumberArray)) {
    const width = (x[0] as number[]).length;
    return width > 0 && x.every((r) => r.length === width) ? [x.length, width, 1] : null;
  }
  if (x.every((r) => Array.isArray(r) && r.every(isNumberArray))) {
    const rows = x;
    const width = rows[0]!.length;
    const channels = rows[0]![0]?.length ?? 0;
    const regular = rows.every((r) => r.length === width && r.every((p) => p.length === channels));
    return regular && width > 0 && (channels === 1 || channels === 3) ? [rows.length, width, channels] : null;
  }
  return null;
}

/** The picture's pixels scaled from [lo, hi] to 0..255. */
export function toPixels(x: unknown, range?: readonly [number, number]): PixelImage | null {
  const shape = pictureShape(x);
  if (!shape) return null;
  const [height, width, channels] = shape;
  const flat = (x as unknown[]).flat(2) as number[];
  const lo = range?.[0] ?? Math.min(...flat);
  const hi = range?.[1] ?? Math.max(...flat);
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      const value = flat[p * channels + (channels === 3 ? c : 0)] ?? lo;
      rgba[p * 4 + c] = (value - lo) * scale;
    }
    rgba[p * 4 + 3] = 255;
  }
  return { width, height, rgba };
}

export function previewSamples(rows: readonly PreviewRow[], range?: readonly [number, number]): PreviewSample[] {
  return rows.map((row) => {
    const src = imageUrl(row);
    if (src) return { kind: "url", src, label: label(row) };
    const image = toPixels(row.x, range);
    if (image) return { kind: "pixels", image, label: label(row) };
    return { kind: "values", values: row.x, label: label(row) };
  });
}

/** `GET /datasets/{id}/preview/`: `kind` says which of the other fields carry the samples. */
export interface PreviewBody {
  kind?: string;
  columns?: string[] | null;
  rows?: unknown[];
  thumbnails?: { index: number; label: unknown; split?: string; url: string }[];
}

export type PreviewView =
  | { mode: "pictures"; samples: PreviewSample[] }
  | { mode: "table"; columns: string[]; rows: unknown[][] }
  | { mode: "values"; samples: PreviewSample[] };

export function previewView(body: PreviewBody, range?: readonly [number, number]): PreviewView {
  if (body.thumbnails?.length) {
    return {
      mode: "pictures",
      samples: body.thumbnails.map((t) => ({ kind: "url", src: t.url, label: valueText(t.label) })),
    };
  }
  const rows = body.rows ?? [];
  if (body.columns && rows.every(Array.isArray)) {
    return { mode: "table", columns: body.columns, rows: rows as unknown[][] };
  }
  const samples = previewSamples(rows as PreviewRow[], range);
  return samples.length && samples.every((s) => s.kind !== "values")
    ? { mode: "pictures", samples }
    : { mode: "values", samples };
}
