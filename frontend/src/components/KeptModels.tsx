/** A train job's kept models: its best epoch by the monitored metric and its last, each to
 * download or to predict with; a cancelled job's last checkpointed epoch, said as such. */
import { Link } from "react-router";

import type { Job } from "../api/types";
import { formatMetric } from "../lib/format";
import { keptModels, keptRole } from "../lib/jobResults";
import { downloadUrl } from "./ModelDownloads";
import "./results.css";

export function KeptModels({ job }: { job: Job }) {
  const models = keptModels(job.result);
  const cancelled = job.status === "cancelled";
  if (!models.length && !cancelled) return null;
  const first = models[0];
  const completed = (job.result as { epochs_completed?: number } | null)?.epochs_completed ?? 0;
  return (
    <section className="card" aria-labelledby="kept-models-title" data-testid="kept-models">
      <h2 id="kept-models-title">Trained models</h2>
      {cancelled && (
        <p className="muted" data-testid="cancelled-model-note">
          {models.length
            ? `The job was cancelled after ${completed} epoch${completed === 1 ? "" : "s"}: the last completed epoch is kept as a model.`
            : "The job was cancelled before its first epoch ended, so no model was kept."}
        </p>
      )}
      {models.length > 0 && (
        <>
          {!cancelled && models.length === 1 && first?.is_best && first.is_last && (
            <p className="muted">The last epoch was also the best, so one model is kept.</p>
          )}
          <div className="table-scroll">
            <table className="kept-models">
              <thead>
                <tr>
                  <th scope="col">Kept</th>
                  <th scope="col">Epoch</th>
                  <th scope="col">{first?.monitor ? `Monitored: ${first.monitor}` : "Monitored metric"}</th>
                  <th scope="col">Model</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {models.map((model) => (
                  <tr key={model.id} data-testid={`kept-${model.is_last ? "last" : "best"}`}>
                    <td>
                      {model.is_best && <span className="badge badge-kept-best">best</span>}{" "}
                      {model.is_last && <span className="badge badge-kept-last">last</span>}
                    </td>
                    <td className="numeric">{model.epoch}</td>
                    <td className="numeric">{model.monitor_value == null ? "—" : formatMetric(model.monitor_value)}</td>
                    <td>
                      <Link to="/models" title={keptRole(model)}>
                        {model.name}
                      </Link>
                    </td>
                    <td>
                      <div className="page-actions">
                        <a className="button" href={downloadUrl(model.id, "keras")} download>
                          Download .keras
                        </a>
                        <Link
                          className="button"
                          to={`/jobs/new?kind=predict&model=${model.id}${job.dataset ? `&dataset=${job.dataset}` : ""}`}
                        >
                          Use for predict
                        </Link>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
