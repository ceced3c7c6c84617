/**
 * Panning and zooming a uPlot chart along x, TensorBoard-style: shift+drag (or drag with the
 * middle button) moves a zoomed chart, Alt+wheel zooms around the cursor, and with the chart
 * focused the arrow keys pan, + and - zoom. The view never leaves the data. The range arithmetic is
 * pure (and tested); the plugin only turns events into ranges.
 */
import type uPlot from "uplot";

export interface Range {
  min: number;
  max: number;
}

/** Keep `range` inside `bounds`, moving it rather than shrinking it; wider than the data → the data. */
export function clampRange(range: Range, bounds: Range): Range {
  const width = range.max - range.min;
  if (width >= bounds.max - bounds.min) return { ...bounds };
  if (range.min < bounds.min) return { min: bounds.min, max: bounds.min + width };
  if (range.max > bounds.max) return { min: bounds.max - width, max: bounds.max };
  return { ...range };
}

/**
 * The x range after dragging the chart `pixels` to the right (the view moves left, toward earlier
 * epochs, as a map does) on a plot `plotWidth` pixels wide.
 */
export function panRange(range: Range, pixels: number, plotWidth: number, bounds: Range): Range {
  if (plotWidth <= 0) return clampRange(range, bounds);
  const shift = (-pixels * (range.max - range.min)) / plotWidth;
  return clampRange({ min: range.min + shift, max: range.max + shift }, bounds);
}

/**
 * The x range after zooming by `factor` (< 1 in, > 1 out) around a point `anchor` of the way across
 * the plot (0 left edge, 1 right edge), which stays under the cursor.
 */
export function zoomRange(range: Range, factor: number, anchor: number, bounds: Range): Range {
  const at = Math.min(Math.max(anchor, 0), 1);
  const width = range.max - range.min;
  const pivot = range.min + at * width;
  const next = width * factor;
  return clampRange({ min: pivot - at * next, max: pivot + (1 - at) * next }, bounds);
}

/** The first and last x of the data, or null when there are none. */
export function dataBounds(xs: ArrayLike<number>): Range | null {
  if (!xs.length) return null;
  const min = xs[0]!;
  const max = xs[xs.length - 1]!;
  return max > min ? { min, max } : null;
}

/** The share of the view one arrow key moves it, and the zoom of one + or - (or wheel notch). */
export const KEY_PAN_SHARE = 0.1;
export const ZOOM_STEP = 1.25;

/** What a key does to the x range, or null when the chart ignores the key. */
export function keyRange(key: string, range: Range, bounds: Range): Range | null {
  const width = range.max - range.min;
  switch (key) {
    case "ArrowLeft":
      return clampRange({ min: range.min - width * KEY_PAN_SHARE, max: range.max - width * KEY_PAN_SHARE }, bounds);
    case "ArrowRight":
      return clampRange({ min: range.min + width * KEY_PAN_SHARE, max: range.max + width * KEY_PAN_SHARE }, bounds);
    case "+":
    case "=":
      return zoomRange(range, 1 / ZOOM_STEP, 0.5, bounds);
    case "-":
      return zoomRange(range, ZOOM_STEP, 0.5, bounds);
    default:
      return null;
  }
}

function sameRange(a: Range, b: Range): boolean {
  return a.min === b.min && a.max === b.max;
}

/**
 * The plugin. `keyTarget` (the focusable box around the chart) takes the keys; the charts `group`
 * gives (`uPlot.sync(key).plots`, those sharing a cursor) follow, as they do a drag-to-zoom.
 */
export function panZoomPlugin(keyTarget?: HTMLElement, group?: () => readonly uPlot[]): uPlot.Plugin {
  return {
    hooks: {
      ready: (u) => {
        const current = (): Range | null => {
          const { min, max } = u.scales.x!;
          return min == null || max == null ? null : { min, max };
        };
        const apply = (next: Range | null) => {
          const now = current();
          if (!next || (now && sameRange(now, next))) return;
          const plots = group?.() ?? [];
          for (const plot of plots.includes(u) ? plots : [u]) {
            const limits = dataBounds(plot.data[0]);
            plot.setScale("x", limits ? clampRange(next, limits) : next);
          }
        };
        const bounds = () => dataBounds(u.data[0]);

        // capture on the root, before uPlot's own drag-to-zoom on the plot area sees the press
        const onDown = (event: MouseEvent) => {
          if (!(event.shiftKey && event.button === 0) && event.button !== 1) return;
          if (!u.over.contains(event.target as Node)) return;
          event.preventDefault();
          event.stopPropagation();
          let lastX = event.clientX;
          const onMove = (move: MouseEvent) => {
            const range = current();
            const limits = bounds();
            if (!range || !limits) return;
            apply(panRange(range, move.clientX - lastX, u.over.getBoundingClientRect().width, limits));
            lastX = move.clientX;
          };
          const onUp = () => {
            document.removeEventListener("mousemove", onMove);
            document.removeEventListener("mouseup", onUp);
          };
          document.addEventListener("mousemove", onMove);
          document.addEventListener("mouseup", onUp);
        };
        const onWheel = (event: WheelEvent) => {
          // a plain wheel scrolls the page; Alt+wheel zooms, as in TensorBoard
          if (!event.altKey || event.deltaY === 0) return;
          const range = current();
          const limits = bounds();
          if (!range || !limits) return;
          event.preventDefault();
          const box = u.over.getBoundingClientRect();
          const anchor = box.width > 0 ? (event.clientX - box.left) / box.width : 0.5;
          apply(zoomRange(range, event.deltaY > 0 ? ZOOM_STEP : 1 / ZOOM_STEP, anchor, limits));
        };
        const onKey = (event: KeyboardEvent) => {
          if (event.ctrlKey || event.metaKey || event.altKey) return;
          const range = current();
          const limits = bounds();
          if (!range || !limits) return;
          const next = keyRange(event.key, range, limits);
          if (!next) return;
          event.preventDefault();
          apply(next);
        };
        u.root.addEventListener("mousedown", onDown, true);
        u.over.addEventListener("wheel", onWheel, { passive: false });
        keyTarget?.addEventListener("keydown", onKey);
        cleanups.set(u, () => {
          u.root.removeEventListener("mousedown", onDown, true);
          u.over.removeEventListener("wheel", onWheel);
          keyTarget?.removeEventListener("keydown", onKey);
        });
      },
      destroy: (u) => {
        cleanups.get(u)?.();
        cleanups.delete(u);
      },
    },
  };
}

const cleanups = new WeakMap<uPlot, () => void>();
