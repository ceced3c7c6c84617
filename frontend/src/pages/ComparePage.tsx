import { useQueries } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";

import { fetchJob, keys, metricsQuery, useJobs, useSpecs } from "../api/queries";
import { isFinal } from "../api/types";
import { ErrorNotice } from "../components/ErrorNotice";
import { LearningCurves, PALETTE } from "../components/LearningCurves";
import { ListTable } from "../components/ListTable";
import { EmptyState, Loading, PageHeader } from "../components/PageHeader";
import { StatusBadge } from "../components/StatusBadge";
import { settingRows, type SettingRow } from "../lib/compareSettings";
import { formatAgo, formatMetric, shortId } from "../lib/format";
import { safeText } from "../lib/safeText";

function SettingsTable({ labels, rows }: { labels: string[]; rows: SettingRow[] }) {
  const differing = rows.filter((row) => row.differs && !row.outcome).length;
  return (
    <div className="compare-settings">
      <h3 id="settings-title">Settings side by side</h3>
      <p className="muted">
        {differing === 0
          ? "The runs share every setting."
          : `${differing === 1 ? "1 setting differs" : `${differing} settings differ`}, marked ≠.`}
      </p>
      <div className="table-scroll">
        <table className="list-table settings-table" aria-labelledby="settings-title" data-testid="compare-settings">
          <thead>
            <tr>
              <th scope="col">Setting</th>
              {labels.map((text, i) => (
                <th scope="col" key={i}>
                  <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} aria-hidden="true" />{" "}
                  <bdi>{text}</bdi>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.name}
                className={`${row.differs ? "differs" : ""}${row.outcome ? " outcome" : ""}`.trim() || undefined}
                data-differs={row.differs}
              >
                <th scope="row">
                  {row.name}
                  {row.differs && (
                    <span className="differs-mark" title="The runs differ here">
                      {" "}
                      ≠<span className="visually-hidden"> (differs)</span>
                    </span>
                  )}
                </th>
                {row.values.map((value, i) => (
                  <td key={i}>
                    <bdi>{value}</bdi>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function ComparePage() {
  const [params, setParams] = useSearchParams();
  // local state answers a click at once; the address keeps the selection for links and reloads
  const [selected, setSelected] = useState(() => (params.get("jobs") ?? "").split(",").filter(Boolean));
  const jobs = useJobs({ kind: "train", limit: 100 });
  const specs = useSpecs();
  // the selected jobs themselves: one may be older than the list's first page
  const chosen = useQueries({
    queries: selected.map((id) => ({ queryKey: keys.job(id), queryFn: () => fetchJob(id) })),
  });
  const byId = new Map(jobs.data?.results.map((j) => [j.id, j]));
  for (const answer of chosen) if (answer.data) byId.set(answer.data.id, answer.data);
  const metrics = useQueries({
    queries: selected.map((id) => ({
      ...metricsQuery(id),
      // a finished job's epochs are all there; an unknown one keeps being asked
      refetchInterval: isFinal(byId.get(id)?.status) ? (false as const) : 5000,
    })),
  });

  const specName = new Map(specs.data?.results.map((s) => [s.id, s.name]));
  const label = (id: string) => {
    const job = byId.get(id);
    if (job?.name) return safeText(job.name);
    const name = job?.spec ? specName.get(job.spec) : undefined;
    return `${safeText(name) || "job"} ${shortId(id)}`;
  };
  const runs = selected.map((id, i) => ({ label: label(id), epochs: metrics[i]?.data ?? [] }));

  const toggle = (id: string) => {
    const next = selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id];
    setSelected(next);
    setParams(next.length ? { jobs: next.join(",") } : {}, { replace: true });
  };

  return (
    <>
      <PageHeader title="Compare" subtitle="Overlay the learning curves of several training jobs." />
      <div className="compare-layout">
        <section className="card" aria-labelledby="pick-title">
          <h2 id="pick-title">Training jobs</h2>
          {jobs.isPending && <Loading what="jobs" />}
          <ErrorNotice error={jobs.error} />
          {jobs.data?.results.length === 0 && <EmptyState title="No training jobs yet." />}
          <ul className="pick-list">
            {jobs.data?.results.map((job) => {
              const index = selected.indexOf(job.id);
              return (
                <li key={job.id}>
                  <label className="pick">
                    <input type="checkbox" checked={index >= 0} onChange={() => toggle(job.id)} />
                    <span
                      className="swatch"
                      style={{ background: index >= 0 ? PALETTE[index % PALETTE.length] : "transparent" }}
                      aria-hidden="true"
                    />
                    <span className="pick-text">
                      <strong>{label(job.id)}</strong>
                      <span className="muted">
                        <StatusBadge status={job.status} /> {formatAgo(job.created_at)}
                      </span>
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        </section>
        <section className="card" aria-labelledby="overlay-title">
          <h2 id="overlay-title">Curves</h2>
          {selected.length === 0 ? (
            <EmptyState title="Pick jobs on the left to compare them." />
          ) : (
            <>
              <LearningCurves runs={runs} emptyText="The selected jobs have no finished epochs yet." />
              <ListTable
                columns={[
                  "Job",
                  { label: "Epochs", num: true },
                  { label: "Last loss", num: true },
                  { label: "Last validation loss", num: true },
                ]}
              >
                {runs.map((run, i) => {
                  const last = run.epochs[run.epochs.length - 1]?.values as Record<string, number> | undefined;
                  return (
                    <tr key={selected[i]}>
                      <td>
                        <span
                          className="swatch"
                          style={{ background: PALETTE[i % PALETTE.length] }}
                          aria-hidden="true"
                        />{" "}
                        <Link to={`/jobs/${selected[i]}`}>{run.label}</Link>
                      </td>
                      <td className="num">{run.epochs.length}</td>
                      <td className="num">{formatMetric(last?.loss)}</td>
                      <td className="num">{formatMetric(last?.val_loss)}</td>
                    </tr>
                  );
                })}
              </ListTable>
              <SettingsTable
                labels={runs.map((run) => run.label)}
                rows={settingRows(selected.map((id) => byId.get(id) ?? {}))}
              />
            </>
          )}
        </section>
      </div>
    </>
  );
}
