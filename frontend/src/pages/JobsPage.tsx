import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { useDatasets, useJobKinds, useJobs, useKindTitle, useSpecs } from "../api/queries";
import { ACTIVE_STATUSES, JOB_STATUSES } from "../api/types";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListTable } from "../components/ListTable";
import { EmptyState, Loading, PageHeader } from "../components/PageHeader";
import { ProgressBar } from "../components/ProgressBar";
import { StatusBadge } from "../components/StatusBadge";
import { formatAgo, shortId } from "../lib/format";
import { jobDuration, progressFraction, progressText } from "../lib/jobText";
import { useNow } from "../lib/useNow";

const PAGE = 50;

export function JobsPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const status = params.get("status") ?? "";
  const kind = params.get("kind") ?? "";
  const cursor = params.get("cursor") ?? undefined;
  const sweep = params.get("sweep") ?? "";
  const jobs = useJobs({
    status: JOB_STATUSES.find((known) => known === status),
    kind: kind || undefined,
    sweep: sweep || undefined,
    limit: PAGE,
    cursor,
  });
  const kinds = useJobKinds();
  const kindTitle = useKindTitle();
  const datasets = useDatasets();
  const specs = useSpecs();
  const [selected, setSelected] = useState<string[]>([]);
  const active = jobs.data?.results.some((j) => ACTIVE_STATUSES.includes(j.status ?? "queued")) ?? false;
  const now = useNow(active);

  const datasetName = new Map(datasets.data?.results.map((d) => [d.id, d.name]));
  const specName = new Map(specs.data?.results.map((s) => [s.id, s.name]));

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete("cursor");
    setParams(next);
  };
  // The API's next/previous links carry an opaque cursor: the page keeps it in its own URL.
  const goTo = (link: string | null | undefined) => {
    const next = new URLSearchParams(params);
    const target = link ? new URL(link, window.location.origin).searchParams.get("cursor") : null;
    if (target) next.set("cursor", target);
    else next.delete("cursor");
    setParams(next);
  };
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));

  return (
    <>
      <PageHeader
        title="Jobs"
        subtitle="Everything queued, running and done."
        actions={
          <>
            <button
              type="button"
              className="button"
              disabled={selected.length < 2}
              onClick={() => navigate(`/compare?jobs=${selected.join(",")}`)}
            >
              Compare {selected.length > 0 ? selected.length : ""} selected
            </button>
            <Link className="button" to="/sweeps/new">
              New sweep
            </Link>
            <Link className="button button-primary" to="/jobs/new">
              New job
            </Link>
          </>
        }
      />
      <section className="card">
        <div className="filters" role="group" aria-label="Filters">
          <div className="field">
            <label htmlFor="filter-status">Status</label>
            <select id="filter-status" value={status} onChange={(e) => setFilter("status", e.target.value)}>
              <option value="">All</option>
              {JOB_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-kind">Kind</label>
            <select id="filter-kind" value={kind} onChange={(e) => setFilter("kind", e.target.value)}>
              <option value="">All</option>
              {(kinds.data ?? []).map((k) => (
                <option key={k.name} value={k.name}>
                  {k.title}
                </option>
              ))}
            </select>
          </div>
        </div>
        {sweep && (
          <p className="notice notice-info" data-testid="sweep-filter">
            <span>
              The trials of <Link to={`/sweeps/${sweep}`}>sweep {shortId(sweep)}</Link>.
            </span>{" "}
            <button type="button" className="button button-ghost" onClick={() => setFilter("sweep", "")}>
              Show all jobs
            </button>
          </p>
        )}
        {jobs.isPending && <Loading what="jobs" />}
        <ErrorNotice error={jobs.error} />
        {jobs.data?.results.length === 0 && (
          <EmptyState title={status || kind || sweep ? "No jobs match the filters." : "No jobs yet."}>
            <p>
              <Link to="/jobs/new">Submit one</Link> to train a network.
            </p>
          </EmptyState>
        )}
        {jobs.data && jobs.data.results.length > 0 && (
          <ListTable
            className="jobs-table"
            columns={[
              { label: <span className="visually-hidden">Select to compare</span> },
              "Job",
              "Status",
              "Progress",
              "Data and network",
              "Duration",
              "Submitted",
            ]}
          >
            {jobs.data.results.map((job) => {
              const fraction = progressFraction(job);
              return (
                <tr key={job.id} data-testid="job-row">
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select job ${shortId(job.id)} to compare`}
                      checked={selected.includes(job.id)}
                      onChange={() => toggle(job.id)}
                    />
                  </td>
                  <td>
                    <Link to={`/jobs/${job.id}`}>{kindTitle(job.kind)}</Link>{" "}
                    <code className="muted">{shortId(job.id)}</code>
                  </td>
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                  <td className="cell-progress">
                    {job.status === "running" || job.status === "succeeded" ? (
                      <ProgressBar
                        label={`Progress of job ${shortId(job.id)}`}
                        value={fraction}
                        text={progressText(job)}
                      />
                    ) : (
                      <span className="muted">{progressText(job)}</span>
                    )}
                  </td>
                  <td className="muted">
                    {[job.dataset && datasetName.get(job.dataset), job.spec && specName.get(job.spec)]
                      .filter(Boolean)
                      .join(" · ") || "—"}
                  </td>
                  <td>{jobDuration(job, now)}</td>
                  <td>{formatAgo(job.created_at, now)}</td>
                </tr>
              );
            })}
          </ListTable>
        )}
        {jobs.data && (jobs.data.next || jobs.data.previous) && (
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="button"
              disabled={!jobs.data.previous}
              onClick={() => goTo(jobs.data.previous)}
            >
              Newer
            </button>
            <span className="muted">
              {jobs.data.count}
              {jobs.data.count_exact ? "" : "+"} jobs
            </span>
            <button type="button" className="button" disabled={!jobs.data.next} onClick={() => goTo(jobs.data.next)}>
              Older
            </button>
          </nav>
        )}
      </section>
    </>
  );
}
