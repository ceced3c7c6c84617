/** A batch prediction's report: the headline metrics, which model and split, precision /
 * recall / F1 per class, the confusion matrix with class names and counts, and the most
 * confident mistakes as thumbnails cut from one strip. */
import { Link } from "react-router";

import type { Artifact, Job } from "../api/types";
import { formatCount, formatMetric, formatPercent } from "../lib/format";
import { keptRole, predictionReport, rowShares, type Mistake, type PredictionReport } from "../lib/jobResults";
import { Stat } from "./Stat";
import "./results.css";

const THUMBNAIL = 64; // pixels, as engine/mistakes.py draws them
const COUNTS_IN_CELLS_UP_TO = 40; // classes; beyond, counts show on hover only

/** 0.9234 → "92.3%": a headline figure, finer than formatPercent's whole percents */
function headline(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

function ConfusionMatrix({ names, matrix }: { names: string[]; matrix: number[][] }) {
  const shares = rowShares(matrix);
  const counts = matrix.length <= COUNTS_IN_CELLS_UP_TO;
  const name = (i: number) => names[i] ?? String(i);
  return (
    <div className="table-scroll confusion-scroll">
      <table className="confusion-matrix" data-testid="confusion-matrix">
        <caption className="muted">
          Rows: the true class. Columns: the predicted class. Shade: share of the row.
        </caption>
        <thead>
          <tr>
            <th scope="col" className="confusion-corner">
              true ↓ / predicted →
            </th>
            {matrix.map((_, c) => (
              <th key={c} scope="col" className="confusion-column">
                <span>{name(c)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, r) => (
            <tr key={r}>
              <th scope="row">{name(r)}</th>
              {row.map((n, c) => {
                const share = shares[r]?.[c] ?? 0;
                return (
                  <td
                    key={c}
                    className={`confusion-cell${r === c ? " confusion-diagonal" : ""}`}
                    style={{
                      background: `rgb(79 70 229 / ${Math.round(share * 90)}%)`,
                      color: share > 0.5 ? "#fff" : undefined,
                    }}
                    title={`true ${name(r)}, predicted ${name(c)}: ${n} (${formatPercent(share)} of ${name(r)})`}
                  >
                    {counts && n > 0 ? n : ""}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MistakesGallery({ mistakes, strip }: { mistakes: Mistake[]; strip: Artifact }) {
  return (
    <ul className="mistakes" data-testid="mistakes">
      {mistakes.map((m) => (
        <li key={m.position} className="mistake">
          <div
            className="mistake-picture"
            role="img"
            aria-label={`sample ${m.index}: a ${m.true} taken for a ${m.predicted}`}
            style={{
              backgroundImage: `url(${strip.download_url})`,
              backgroundPosition: `-${m.position * THUMBNAIL}px 0`,
            }}
          />
          <span>
            <strong>{m.predicted}</strong> {formatPercent(m.confidence)}
          </span>
          <span className="muted">
            was {m.true} · #{m.index}
          </span>
        </li>
      ))}
    </ul>
  );
}

function splitText(report: PredictionReport): string {
  const used = `${report.splits.join(" and ") || "no"} split${report.splits.length > 1 ? "s" : ""}`;
  if (report.split === "auto") return `the ${used} (chosen automatically)`;
  if (report.split === "all") return `all of it: the ${used}`;
  return `the ${used}`;
}

/** The pictures this section shows itself, which the page's other galleries can leave out. */
export function shownInPredictResults(artifact: Artifact): boolean {
  return artifact.name === "mistakes.png";
}

export function PredictResults({ job, artifacts }: { job: Job; artifacts: Artifact[] }) {
  const report = predictionReport(job.result);
  if (!report) return null;
  const strip = artifacts.find((a) => a.name === "mistakes.png");
  const given = artifacts.some((a) => a.kind === "input");
  return (
    <section className="card results-section" aria-labelledby="predict-results-title" data-testid="predict-results">
      <h2 id="predict-results-title">Prediction results</h2>
      <dl className="stats">
        {report.accuracy !== null && <Stat label="Accuracy">{headline(report.accuracy)}</Stat>}
        {report.top5 !== null && <Stat label="Top-5 accuracy">{headline(report.top5)}</Stat>}
        {report.macroF1 !== null && <Stat label="Mean F1">{formatMetric(report.macroF1)}</Stat>}
        <Stat label="Samples">{formatCount(report.samples)}</Stat>
        {report.model && (
          <Stat label="Model">
            <Link to="/models">{report.model.name}</Link>
            {report.model.epoch !== null && <span className="muted"> ({keptRole(report.model)})</span>}
          </Stat>
        )}
        <Stat label="Data">{given ? "the file given with the job" : splitText(report)}</Stat>
      </dl>
      {report.accuracy === null && <p className="muted">The samples had no labels, so there are no metrics.</p>}
      {report.perClass.length > 0 && (
        <>
          <h3>Per class</h3>
          <div className="table-scroll">
            <table className="per-class" data-testid="per-class">
              <thead>
                <tr>
                  <th scope="col">Class</th>
                  <th scope="col">Precision</th>
                  <th scope="col">Recall</th>
                  <th scope="col">F1</th>
                  <th scope="col">Samples</th>
                </tr>
              </thead>
              <tbody>
                {report.perClass.map((c) => (
                  <tr key={c.class}>
                    <th scope="row">{c.class}</th>
                    <td className="numeric">{formatMetric(c.precision)}</td>
                    <td className="numeric">{formatMetric(c.recall)}</td>
                    <td className="numeric">{formatMetric(c.f1)}</td>
                    <td className="numeric">{formatCount(c.support)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {report.matrix && (
        <>
          <h3>Confusion matrix</h3>
          <ConfusionMatrix names={report.classNames} matrix={report.matrix} />
        </>
      )}
      {strip && report.mistakes.length > 0 && (
        <>
          <h3>Most confident mistakes</h3>
          <p className="muted">The wrong answers the network was surest of: what it said, and what it was.</p>
          <MistakesGallery mistakes={report.mistakes} strip={strip} />
        </>
      )}
    </section>
  );
}
