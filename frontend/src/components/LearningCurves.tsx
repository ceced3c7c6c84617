/**
 * Learning curves: one uPlot chart per metric (training solid, validation dashed), a table below.
 * Hover for the values (the legend under each chart reads them out), drag to zoom, shift+drag to
 * pan, Alt+wheel to zoom around the cursor (arrows and +/- when the chart has focus), smoothing and
 * a log scale for all the charts at once; each chart is described in words for screen readers.
 */
import { useEffect, useId, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import {
  compareCurves,
  curveSummary,
  forLogScale,
  formatTick,
  metricTitle,
  prefersLogScale,
  smooth,
  type Curve,
  type CurveSeries,
  type EpochValues,
} from "../lib/curves";
import { dataBounds, panZoomPlugin } from "../lib/chartPan";
import { formatMetric } from "../lib/format";

export const PALETTE = ["#6366f1", "#f59e0b", "#10b981", "#f43f5e", "#0ea5e9", "#a855f7", "#84cc16", "#ec4899"];
const AXIS = "#8a8fa3";
const GRID = "rgba(138, 143, 163, 0.18)";

// epochs are whole numbers: no tick at 2.5
const EPOCH_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000];

/** One run: training and validation in two colours. Several: a colour per run, dashed validation. */
export function seriesColour(series: CurveSeries, single: boolean): string {
  const index = single ? (series.validation ? 1 : 0) : series.group;
  return PALETTE[index % PALETTE.length]!;
}

function padRange(_u: uPlot, min: number, max: number): uPlot.Range.MinMax {
  return min === max ? [min - 1, max + 1] : [min, max];
}

/** Tick labels; a log axis leaves out some ticks (null) where labels would crowd. */
function tickTexts(_u: uPlot, ticks: (number | null)[]): string[] {
  return ticks.map((tick) => (tick == null ? "" : formatTick(tick)));
}

/** The legend's value: the hovered point's, or with no cursor on the chart, the series' last. */
function shown(u: uPlot, value: number | null, series: number, idx: number | null): number | null {
  if (idx != null) return value;
  const values = u.data[series] ?? [];
  for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i] as number;
  return null;
}

interface ChartProps {
  /** the charts of one job move their cursors together */
  syncKey: string;
  curve: Curve;
  height: number;
  xLabel: string;
  smoothing: number;
  logScale: boolean;
}

function CurveChart({ syncKey, curve, height, xLabel, smoothing, logScale }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [zoomed, setZoomed] = useState(false);
  const data = useMemo(
    () =>
      [
        curve.epochs,
        ...curve.series.map((s) => {
          const values = smooth(s.values, smoothing);
          return logScale ? forLogScale(values) : values;
        }),
      ] as uPlot.AlignedData,
    [curve, smoothing, logScale],
  );
  // a new chart when the set of series changes; new data alone only updates it
  const structure = curve.series.map((s) => `${s.group}:${s.label}`).join("|");
  const single = curve.series.every((s) => s.group === 0);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const axis = { stroke: AXIS, grid: { stroke: GRID }, ticks: { stroke: GRID } };
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 240),
      height,
      scales: {
        x: { time: false, range: padRange },
        y: logScale ? { distr: 3 } : { range: padRange },
      },
      axes: [
        { ...axis, label: xLabel, incrs: EPOCH_STEPS, values: tickTexts },
        { ...axis, size: 60, values: tickTexts },
      ],
      series: [
        {
          label: xLabel,
          value: (u: uPlot, v: number | null, i: number, idx: number | null) => String(shown(u, v, i, idx) ?? "—"),
        },
        ...curve.series.map((s) => ({
          label: s.label,
          stroke: seriesColour(s, single),
          width: 2,
          dash: s.validation ? [6, 4] : undefined,
          spanGaps: true,
          points: { show: curve.epochs.length <= 40, size: 5 },
          value: (u: uPlot, v: number | null, i: number, idx: number | null) => formatMetric(shown(u, v, i, idx)),
        })),
      ],
      // drag across the chart to zoom into those epochs; "Reset zoom" or a double click goes back
      cursor: { drag: { x: true, y: false, setScale: true }, sync: { key: syncKey } },
      legend: { live: true },
      plugins: [panZoomPlugin(element, () => uPlot.sync(syncKey).plots)],
      hooks: {
        // zoomed: showing less than all the data, however it came to be (a drag, a pan, a key, the
        // chart beside); the x range shown is in the markup, for the tests and for anyone curious
        setScale: [
          (u, key) => {
            const { min, max } = u.scales.x!;
            if (key !== "x" || min == null || max == null) return;
            element.dataset.xMin = String(min);
            element.dataset.xMax = String(max);
            const all = dataBounds(u.data[0]);
            setZoomed(all !== null && (min > all.min || max < all.max));
          },
        ],
      },
    };
    const chart = new uPlot(options, data, element);
    plot.current = chart;
    setZoomed(false);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 240), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [structure, height, single, xLabel, logScale, syncKey]);

  useEffect(() => {
    // keep a zoom the user chose while new epochs arrive
    plot.current?.setData(data, !zoomed);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data]);

  // the job's charts zoom and pan together, and go back together
  const resetZoom = () => {
    const chart = plot.current;
    if (!chart) return;
    const group = uPlot.sync(syncKey).plots;
    for (const each of group.includes(chart) ? group : [chart]) {
      const all = dataBounds(each.data[0]);
      if (all) each.setScale("x", all);
    }
    setZoomed(false);
  };

  return (
    <>
      <div
        ref={box}
        className="chart-canvas"
        role="img"
        aria-label={curveSummary(curve, xLabel)}
        aria-keyshortcuts="ArrowLeft ArrowRight + -"
        // focusable so that the arrow keys can pan and + and - zoom
        tabIndex={0}
        onDoubleClick={() => setZoomed(false)}
      />
      {zoomed && (
        <button type="button" className="button button-small chart-reset" onClick={resetZoom}>
          Reset zoom
        </button>
      )}
    </>
  );
}

function ChartControls({
  smoothing,
  onSmoothing,
  logScale,
  onLogScale,
}: {
  smoothing: number;
  onSmoothing: (value: number) => void;
  logScale: boolean;
  onLogScale: (value: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="chart-controls">
      <label htmlFor={`${id}-smoothing`}>Smoothing</label>
      <input
        id={`${id}-smoothing`}
        type="range"
        min={0}
        max={0.99}
        step={0.01}
        value={smoothing}
        onChange={(event) => onSmoothing(Number(event.target.value))}
        data-testid="chart-smoothing"
      />
      <output htmlFor={`${id}-smoothing`}>{smoothing.toFixed(2)}</output>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={logScale}
          onChange={(event) => onLogScale(event.target.checked)}
          data-testid="chart-log-scale"
        />{" "}
        Log scale
      </label>
      <span className="muted chart-hint">
        Hover for values; drag across a chart to zoom, shift+drag (or middle-drag) to pan, Alt+wheel to zoom around the
        cursor; with a chart focused, arrows pan and + / - zoom.
      </span>
    </div>
  );
}

interface Props {
  runs: { label: string; epochs: readonly EpochValues[] }[];
  height?: number;
  emptyText?: string;
  /** what one point is: an epoch of training, a step of an optimisation */
  xLabel?: string;
}

export function LearningCurves({
  xLabel = "epoch",
  runs,
  height = 240,
  emptyText = "The curves appear after the first epoch.",
}: Props) {
  const mainLabel = xLabel === "epoch" ? "training" : "value";
  const curves = useMemo(() => compareCurves(runs, { mainLabel }), [runs, mainLabel]);
  const epochs = curves[0]?.epochs ?? [];
  const [smoothing, setSmoothing] = useState(0);
  const syncKey = useId();
  // null: not chosen; the step charts of the image jobs (losses over decades) start on a log scale
  const [logChoice, setLogChoice] = useState<boolean | null>(null);
  const logScale = logChoice ?? (xLabel !== "epoch" && curves.some(prefersLogScale));
  if (!curves.length) {
    return (
      <div className="chart-empty" data-testid="learning-curves" data-epochs={0}>
        {emptyText}
      </div>
    );
  }
  return (
    <div className="curves" data-testid="learning-curves" data-epochs={epochs.length}>
      <ChartControls smoothing={smoothing} onSmoothing={setSmoothing} logScale={logScale} onLogScale={setLogChoice} />
      <div className="curve-grid">
        {curves.map((curve) => (
          <figure key={curve.metric} className="curve" data-testid="curve" data-metric={curve.metric}>
            <figcaption>
              {metricTitle(curve.metric)}
              {smoothing > 0 && <span className="muted"> (smoothed)</span>}
            </figcaption>
            <CurveChart
              syncKey={syncKey}
              curve={curve}
              height={height}
              xLabel={xLabel}
              smoothing={smoothing}
              logScale={logScale}
            />
          </figure>
        ))}
      </div>
      <details className="epoch-table">
        <summary>
          Values per {xLabel} ({epochs.length} {xLabel}
          {epochs.length === 1 ? "" : "s"})
        </summary>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{metricTitle(xLabel)}</th>
                {curves.flatMap((c) =>
                  c.series.map((s) => (
                    <th scope="col" key={`${c.metric}-${s.label}`}>
                      {metricTitle(c.metric)} · {s.label}
                    </th>
                  )),
                )}
              </tr>
            </thead>
            <tbody>
              {epochs.map((epoch, row) => (
                <tr key={epoch} data-testid="epoch-row">
                  <th scope="row">{epoch}</th>
                  {curves.flatMap((c) =>
                    c.series.map((s) => <td key={`${c.metric}-${s.label}`}>{formatMetric(s.values[row])}</td>),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
