/** Learning curves: one uPlot chart per metric (training solid, validation dashed), a table below. */
import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import { compareCurves, metricTitle, type Curve, type CurveSeries, type EpochValues } from "../lib/curves";
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

function CurveChart({ curve, height, xLabel }: { curve: Curve; height: number; xLabel: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useMemo(() => [curve.epochs, ...curve.series.map((s) => s.values)] as uPlot.AlignedData, [curve]);
  // a new chart when the set of series changes; new data alone only updates it
  const structure = curve.series.map((s) => `${s.group}:${s.label}`).join("|");
  const single = curve.series.every((s) => s.group === 0);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 240),
      height,
      scales: { x: { time: false, range: padRange } },
      axes: [
        { label: xLabel, stroke: AXIS, grid: { stroke: GRID }, ticks: { stroke: GRID }, incrs: EPOCH_STEPS },
        { stroke: AXIS, grid: { stroke: GRID }, ticks: { stroke: GRID }, size: 60 },
      ],
      series: [
        { label: xLabel },
        ...curve.series.map((s) => ({
          label: s.label,
          stroke: seriesColour(s, single),
          width: 2,
          dash: s.validation ? [6, 4] : undefined,
          spanGaps: true,
          points: { show: curve.epochs.length <= 40, size: 5 },
          value: (_u: uPlot, v: number | null) => formatMetric(v),
        })),
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: false },
    };
    const chart = new uPlot(options, data, element);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 240), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [structure, height, single, xLabel]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div ref={box} className="chart-canvas" />;
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
  if (!curves.length) {
    return (
      <div className="chart-empty" data-testid="learning-curves" data-epochs={0}>
        {emptyText}
      </div>
    );
  }
  return (
    <div className="curves" data-testid="learning-curves" data-epochs={epochs.length}>
      <div className="curve-grid">
        {curves.map((curve) => (
          <figure key={curve.metric} className="curve">
            <figcaption>{metricTitle(curve.metric)}</figcaption>
            <CurveChart curve={curve} height={height} xLabel={xLabel} />
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
