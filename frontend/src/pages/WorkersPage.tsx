import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";

import {
  keys,
  queueJobAction,
  useMe,
  useQueueJobs,
  useKindTitle,
  useQueues,
  useWorkers,
  workerAction,
  type QueueJobAction,
  type WorkerAction,
} from "../api/queries";
import type { Queue, Worker } from "../api/types";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListTable } from "../components/ListTable";
import { EmptyState, Loading, PageHeader } from "../components/PageHeader";
import { StatusBadge } from "../components/StatusBadge";
import { deviceText, devicesOf, queuesOf, workerActions } from "../lib/fleet";
import { formatAgo, formatCount, formatDuration, shortId } from "../lib/format";
import { progressText } from "../lib/jobText";

const ACTION_WORDS: Record<WorkerAction, string> = { drain: "Drain", resume: "Resume", shutdown: "Shut down" };

function WorkerRow({ worker, onError }: { worker: Worker; onError: (error: unknown) => void }) {
  const kindTitle = useKindTitle();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const job = worker.current_job as { id?: string; kind?: string; progress?: unknown } | null;
  const act = async (action: WorkerAction) => {
    if (action === "shutdown" && !window.confirm(`Shut down ${worker.name} after its current job?`)) return;
    setBusy(true);
    try {
      await workerAction(worker.id, action);
      await client.invalidateQueries({ queryKey: keys.workers });
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-testid="worker-row">
      <td>
        <strong>{worker.name}</strong>
        <div className="muted">
          {worker.host} · pid {worker.pid}
          {worker.version && ` · v${worker.version}`}
        </div>
      </td>
      <td>
        <StatusBadge status={worker.state} />
      </td>
      <td>{queuesOf(worker).join(", ") || "—"}</td>
      <td>
        {devicesOf(worker).map((device, i) => (
          <div key={i}>{deviceText(device)}</div>
        ))}
      </td>
      <td>
        {job?.id ? (
          <>
            <Link to={`/jobs/${job.id}`}>{kindTitle(job.kind ?? "job")}</Link>{" "}
            <span className="muted">
              {progressText({ status: "running", progress: job.progress, queue_position: null })}
            </span>
          </>
        ) : (
          "—"
        )}
      </td>
      <td className="num">
        {formatCount(worker.jobs_done)} / {formatCount(worker.jobs_failed)}
      </td>
      <td title={worker.last_heartbeat}>{formatDuration(worker.heartbeat_age_seconds)} ago</td>
      <td>
        <div className="row-actions">
          {workerActions(worker.state).map((action) => (
            <button
              key={action}
              type="button"
              className={`button button-small${action === "shutdown" ? " button-danger" : ""}`}
              disabled={busy}
              onClick={() => act(action)}
            >
              {ACTION_WORDS[action]}
            </button>
          ))}
        </div>
      </td>
    </tr>
  );
}

function QueueJobs({ queue, queues, onError }: { queue: string; queues: string[]; onError: (error: unknown) => void }) {
  const kindTitle = useKindTitle();
  const client = useQueryClient();
  const jobs = useQueueJobs(queue, true);
  const act = async (jobId: string, change: QueueJobAction) => {
    try {
      await queueJobAction(queue, jobId, change);
      await Promise.all([
        client.invalidateQueries({ queryKey: keys.queues }),
        client.invalidateQueries({ queryKey: keys.jobs }),
      ]);
    } catch (error) {
      onError(error);
    }
  };
  if (jobs.isPending) return <Loading what="waiting jobs" />;
  if (jobs.error) return <ErrorNotice error={jobs.error} />;
  if (!jobs.data.results.length) return <p className="muted">Nothing is waiting in {queue}.</p>;
  const others = queues.filter((q) => q !== queue);
  return (
    <ListTable columns={[{ label: "#", num: true }, "Job", "Owner", "Submitted", "Actions"]}>
      {jobs.data.results.map((job) => (
        <tr key={job.id}>
          <td className="num">{job.position ?? "—"}</td>
          <td>
            <Link to={`/jobs/${job.id}`}>{kindTitle(job.kind)}</Link> <code className="muted">{shortId(job.id)}</code>
          </td>
          <td>{job.owner}</td>
          <td>{formatAgo(job.created_at)}</td>
          <td>
            <div className="row-actions">
              <button
                type="button"
                className="button button-small"
                onClick={() => act(job.id, { action: "front" })}
                disabled={job.position === 1}
              >
                Start next
              </button>
              {others.length > 0 && (
                <select
                  aria-label={`Move job ${shortId(job.id)} to another queue`}
                  value=""
                  onChange={(e) => e.target.value && act(job.id, { action: "move", to: e.target.value })}
                >
                  <option value="">Move to…</option>
                  {others.map((q) => (
                    <option key={q} value={q}>
                      {q}
                    </option>
                  ))}
                </select>
              )}
              <button
                type="button"
                className="button button-small button-danger"
                onClick={() => act(job.id, { action: "cancel" })}
              >
                Cancel
              </button>
            </div>
          </td>
        </tr>
      ))}
    </ListTable>
  );
}

function Queues({ queues, onError }: { queues: Queue[]; onError: (error: unknown) => void }) {
  const kindTitle = useKindTitle();
  const [open, setOpen] = useState<string | null>(null);
  const names = queues.map((q) => q.name);
  return (
    <section className="card" aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      <ListTable
        columns={[
          "Queue",
          { label: "Waiting", num: true },
          { label: "In the broker", num: true },
          { label: "Running", num: true },
          { label: "Workers", num: true },
          "Oldest waiting",
          "",
        ]}
      >
        {queues.map((queue) => (
          <tr key={queue.name} data-testid="queue-row">
            <td>
              <strong>{queue.name}</strong>
            </td>
            <td className="num">{formatCount(queue.length)}</td>
            <td className="num">{formatCount(queue.broker_length)}</td>
            <td className="num">{formatCount(queue.by_state.running ?? 0)}</td>
            <td className="num">{formatCount(queue.workers)}</td>
            <td>
              {queue.oldest_waiting ? (
                <>
                  <Link to={`/jobs/${queue.oldest_waiting.job}`}>{kindTitle(queue.oldest_waiting.kind)}</Link>{" "}
                  <span className="muted">for {formatDuration(queue.oldest_waiting.age_seconds)}</span>
                </>
              ) : (
                "—"
              )}
            </td>
            <td>
              <button
                type="button"
                className="button button-small"
                aria-expanded={open === queue.name}
                onClick={() => setOpen(open === queue.name ? null : queue.name)}
                disabled={!queue.length}
              >
                {open === queue.name ? "Hide jobs" : "Show jobs"}
              </button>
            </td>
          </tr>
        ))}
      </ListTable>
      {open && (
        <div className="queue-jobs">
          <h3>Waiting in {open}</h3>
          <QueueJobs queue={open} queues={names} onError={onError} />
        </div>
      )}
    </section>
  );
}

export function WorkersPage() {
  const me = useMe();
  const staff = me.data?.is_staff ?? false;
  const workers = useWorkers(staff);
  const queues = useQueues(staff);
  const [actionError, setActionError] = useState<unknown>(null);
  if (!staff) return <EmptyState title="Only staff can see the workers." />;
  if (workers.isPending) return <Loading what="workers" />;
  if (workers.error) return <ErrorNotice error={workers.error} />;
  return (
    <>
      <PageHeader
        title="Workers"
        subtitle="Every worker process, what it runs on and what it is doing. Refreshed every 5 seconds."
      />
      <ErrorNotice error={actionError} title="The action was refused." />
      {queues.data && <Queues queues={queues.data} onError={setActionError} />}
      <section className="card" aria-labelledby="workers-title">
        <h2 id="workers-title">Workers</h2>
        {workers.data.length === 0 ? (
          <EmptyState title="No workers have registered." />
        ) : (
          <ListTable
            columns={[
              "Worker",
              "State",
              "Queues",
              "Devices",
              "Current job",
              { label: "Done / failed", num: true },
              "Last heartbeat",
              "",
            ]}
          >
            {workers.data.map((worker) => (
              <WorkerRow key={worker.id} worker={worker} onError={setActionError} />
            ))}
          </ListTable>
        )}
      </section>
    </>
  );
}
