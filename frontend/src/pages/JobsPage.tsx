import { useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { useDatasets, useJobKinds, useJobs, useKindTitle, useMe, useSpecs } from "../api/queries";
import { ACTIVE_STATUSES, JOB_STATUSES } from "../api/types";
import { ErrorNotice } from "../components/ErrorNotice";
import { OwnerFilter, SearchFilter } from "../components/ListFilters";
import { ListTable, type Column } from "../components/ListTable";
import { Name } from "../components/Name";
import { EmptyState, Loading, PageHeader } from "../components/PageHeader";
import { ProgressBar } from "../components/ProgressBar";
import { StatusBadge } from "../components/StatusBadge";
import { formatAgo, formatMetric, shortId } from "../lib/format";
import { metricTitle } from "../lib/curves";
import { hasJobFilters, JOB_SORTS, readJobFilters, withJobFilter, type JobListFilters } from "../lib/listParams";
import { jobDuration, progressFraction, progressText } from "../lib/jobText";
import { safeText } from "../lib/safeText";
import { useNow } from "../lib/useNow";

const PAGE = 50;

export function JobsPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const filters = readJobFilters(params);
  const { status, kind } = filters;
  const cursor = params.get("cursor") ?? undefined;
  const sweep = filters.sweep;
  const me = useMe();
  const staff = me.data?.is_staff ?? false;
  const jobs = useJobs({
    status: JOB_STATUSES.find((known) => known === status),
    kind: kind || undefined,
    search: filters.search || undefined,
    dataset: filters.dataset || undefined,
    spec: filters.spec || undefined,
    sort: filters.sort,
    owner: filters.owner,
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

  const setFilter = <K extends keyof JobListFilters>(name: K, value: JobListFilters[K]) =>
    setParams(withJobFilter(params, name, value));
  const columns: Column[] = [
    { label: <span className="visually-hidden">Select to compare</span> },
    "Name",
    ...(staff ? ["Owner"] : []),
    "Status",
    "Progress",
    { label: "Final metric", num: true },
    "Dataset",
    "Network",
    "Duration",
    "Submitted",
  ];
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
          {/* the URL (and the list) follow once typing pauses */}
          <SearchFilter
            id="filter-search"
            value={filters.search}
            onSearch={(search) => setParams(withJobFilter(params, "search", search), { replace: true })}
          />
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
          <div className="field">
            <label htmlFor="filter-dataset">Dataset</label>
            <select id="filter-dataset" value={filters.dataset} onChange={(e) => setFilter("dataset", e.target.value)}>
              <option value="">All</option>
              {(datasets.data?.results ?? []).map((d) => (
                <option key={d.id} value={d.id}>
                  {safeText(d.name)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-network">Network</label>
            <select id="filter-network" value={filters.spec} onChange={(e) => setFilter("spec", e.target.value)}>
              <option value="">All</option>
              {(specs.data?.results ?? []).map((n) => (
                <option key={n.id} value={n.id}>
                  {safeText(n.name)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-sort">Sort</label>
            <select
              id="filter-sort"
              value={filters.sort}
              onChange={(e) => setFilter("sort", e.target.value as JobListFilters["sort"])}
            >
              {JOB_SORTS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          {staff && (
            <OwnerFilter id="filter-owner" value={filters.owner} onChange={(owner) => setFilter("owner", owner)} />
          )}
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
          <EmptyState title={hasJobFilters(filters) ? "No jobs match the filters." : "No jobs yet."}>
            <p>
              <Link to="/jobs/new">Submit one</Link> to train a network.
            </p>
          </EmptyState>
        )}
        {jobs.data && jobs.data.results.length > 0 && (
          <ListTable className="jobs-table" columns={columns}>
            {jobs.data.results.map((job) => {
              const fraction = progressFraction(job);
              return (
                <tr key={job.id} data-testid="job-row">
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select job ${job.name || shortId(job.id)} to compare`}
                      checked={selected.includes(job.id)}
                      onChange={() => toggle(job.id)}
                    />
                  </td>
                  <td>
                    <Link to={`/jobs/${job.id}`}>
                      <Name text={job.name} fallback={kindTitle(job.kind)} />
                    </Link>
                    <span className="muted cell-sub">
                      {kindTitle(job.kind)} · <code>{shortId(job.id)}</code>
                    </span>
                  </td>
                  {staff && (
                    <td data-testid="job-owner">
                      <Name text={job.owner} />
                    </td>
                  )}
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
                  <td className="num" data-testid="job-metric">
                    {job.final_metric ? (
                      <span title={metricTitle(job.final_metric.name)}>
                        {formatMetric(job.final_metric.value)}{" "}
                        <span className="muted cell-sub-inline">{metricTitle(job.final_metric.name)}</span>
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    {job.dataset ? (
                      <Link to={`/datasets/${job.dataset}`}>
                        <Name text={job.dataset_name} fallback={shortId(job.dataset)} />
                      </Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    {job.spec ? (
                      <Link to={`/networks/${job.spec}`}>
                        <Name text={job.spec_name} fallback={shortId(job.spec)} />
                      </Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
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
