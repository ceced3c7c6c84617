/** Parallel coordinates of a sweep: one axis per searched parameter and one for the metric, one line per trial. */
import type { Sweep, SweepTrial } from "../api/types";
import { chartAxes, trialStatus, valueText } from "../lib/sweeps";

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { top: 28, bottom: 30, side: 70 };

export function SweepChart({
  sweep,
  trials,
  best,
}: {
  sweep: Pick<Sweep, "settings">;
  trials: SweepTrial[];
  best: number | null;
}) {
  const axes = chartAxes(sweep, trials);
  const x = (i: number) => PAD.side + (axes.length === 1 ? 0 : (i * (WIDTH - 2 * PAD.side)) / (axes.length - 1));
  const y = (position: number) => PAD.top + (1 - position) * (HEIGHT - PAD.top - PAD.bottom);
  const metric = sweep.settings.metric;
  const scored = trials.filter((t) => t.value != null).length;
  return (
    <figure className="sweep-chart" data-testid="sweep-chart" data-lines={trials.length}>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Parameters against ${metric}: ${trials.length} trials, ${scored} with a ${metric}`}
      >
        {/* the best line last, over the others */}
        {[...trials.filter((t) => t.number !== best), ...trials.filter((t) => t.number === best)].map((trial) => {
          const points = axes.map((axis, i) => {
            const name = axis.name;
            const value = i === axes.length - 1 ? (trial.value ?? undefined) : trial.values[name];
            const position = axis.position(value);
            return position === null ? null : `${x(i)},${y(position)}`;
          });
          // a trial without a metric yet ends its line at its last parameter
          const drawn = points.filter((p): p is string => p !== null);
          const status = trialStatus(trial);
          const isBest = trial.number === best;
          return (
            <polyline
              key={trial.number}
              points={drawn.join(" ")}
              className={`sweep-line sweep-line-${status}${isBest ? " sweep-line-best" : ""}`}
            >
              <title>
                {`Trial ${trial.number}: ${Object.entries(trial.values)
                  .map(([k, v]) => `${k} ${valueText(v)}`)
                  .join(", ")}; ${metric} ${valueText(trial.value ?? undefined)} (${status})`}
              </title>
            </polyline>
          );
        })}
        {axes.map((axis, i) => (
          <g key={axis.name} className="sweep-axis">
            <line x1={x(i)} x2={x(i)} y1={y(0)} y2={y(1)} />
            <text x={x(i)} y={PAD.top - 12} textAnchor="middle" className="sweep-axis-name">
              {axis.name}
            </text>
            {/* beside the axis, on the side fewer lines cross: the last axis's right, else its left */}
            {axis.ticks.map(([position, label]) => {
              const right = i === axes.length - 1 && i > 0;
              return (
                <text
                  key={label}
                  x={x(i) + (right ? 6 : -6)}
                  y={y(position) + 4}
                  textAnchor={right ? "start" : "end"}
                  className="sweep-tick"
                >
                  {label}
                </text>
              );
            })}
          </g>
        ))}
      </svg>
      <figcaption className="muted">
        One line per trial: <span className="legend legend-succeeded">completed</span>{" "}
        <span className="legend legend-pruned">stopped early</span>{" "}
        <span className="legend legend-running">running</span> <span className="legend legend-best">best</span>
      </figcaption>
    </figure>
  );
}
