import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";

import { cancelSweep, keys, useDatasets, useModels, useSpecs, useSweep } from "../api/queries";
import type { SweepDetail, SweepTrial } from "../api/types";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListTable } from "../components/ListTable";
import { Name } from "../components/Name";
import { Loading, PageHeader } from "../components/PageHeader";
import { ProgressBar } from "../components/ProgressBar";
import { Stat } from "../components/Stat";
import { StatusBadge } from "../components/StatusBadge";
import { SweepChart } from "../components/SweepChart";
import { formatDateTime, formatMetric, secondsBetween, formatDuration, shortId } from "../lib/format";
import { safeText } from "../lib/safeText";
import { bestTrialNumber, endedTrials, searcherText, trialStatus, trialsText, valueText } from "../lib/sweeps";
import { useNow } from "../lib/useNow";

function Epochs({ trial }: { trial: SweepTrial }) {
  const { epoch, epochs } = trial.epochs ?? {};
  if (epoch == null) return <span className="muted">—</span>;
  return (
    <>
      {epoch}
      {epochs ? ` / ${epochs}` : ""}
    </>
  );
}

function TrialsTable({ sweep }: { sweep: SweepDetail }) {
  const names = sweep.settings.space.map((range) => range.name);
  const best = bestTrialNumber(sweep);
  return (
    <ListTable
      className="trials-table"
      columns={[
        "Trial",
        "Status",
        ...names.map((name) => ({ label: <code>{name}</code>, num: true })),
        { label: "Epochs", num: true },
        { label: sweep.settings.metric, num: true },
        "Job",
      ]}
    >
      {sweep.trials.map((trial) => (
        <tr
          key={trial.number}
          data-testid="trial-row"
          data-state={trial.state}
          className={trial.number === best ? "row-best" : undefined}
        >
          <td>
            #{trial.number}
            {trial.number === best && <span className="badge badge-best">Best</span>}
          </td>
          <td>
            <StatusBadge status={trialStatus(trial)} />
          </td>
          {names.map((name) => (
            <td key={name} className="num">
              {valueText(trial.values[name])}
            </td>
          ))}
          <td className="num">
            <Epochs trial={trial} />
          </td>
          <td className="num">{formatMetric(trial.value)}</td>
          <td>
            <Link to={`/jobs/${trial.job}`} aria-label={`Job of trial ${trial.number}`}>
              {shortId(trial.job)}
            </Link>
          </td>
        </tr>
      ))}
    </ListTable>
  );
}

function BestTrial({ sweep }: { sweep: SweepDetail }) {
  const models = useModels();
  const client = useQueryClient();
  // the best model is registered as the sweep ends: a models list read before lacks it
  const missing = Boolean(
    sweep.best_model && models.data && !models.data.results.some((m) => m.id === sweep.best_model),
  );
  useEffect(() => {
    if (missing) void client.invalidateQueries({ queryKey: keys.models });
  }, [client, missing]);
  const best = sweep.best_so_far;
  const ended = sweep.status !== "running";
  if (!best) {
    return <p className="muted">{ended ? "No trial completed." : "No trial has completed yet."}</p>;
  }
  const modelId = sweep.best_model ?? models.data?.results.find((m) => m.job === best.job)?.id;
  const model = models.data?.results.find((m) => m.id === modelId);
  return (
    <div data-testid="best-trial">
      <dl className="stats">
        <Stat label={sweep.settings.metric}>
          <strong className="best-value">{formatMetric(best.value)}</strong>
        </Stat>
        <Stat label="Trial">#{best.number}</Stat>
        {model && (
          <Stat label="Model">
            <Name text={model.name} />
          </Stat>
        )}
        {Object.entries(best.values).map(([name, value]) => (
          <Stat key={name} label={name}>
            <code>{valueText(value)}</code>
          </Stat>
        ))}
      </dl>
      <p className="actions-row">
        {modelId ? (
          <Link className="button button-primary" to={`/models#model-${modelId}`}>
            Open its model
          </Link>
        ) : (
          <span className="muted">Its model is registered when the sweep ends.</span>
        )}
        <Link className="button" to={`/jobs/${best.job}`}>
          Its training job
        </Link>
      </p>
    </div>
  );
}

export function SweepPage() {
  const { id = "" } = useParams();
  const client = useQueryClient();
  const sweep = useSweep(id);
  const datasets = useDatasets();
  const specs = useSpecs();
  const running = sweep.data?.status === "running";
  const now = useNow(running);
  const [confirming, setConfirming] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>(null);

  if (sweep.isPending) return <Loading what="the sweep" />;
  if (sweep.error) return <ErrorNotice error={sweep.error} title="The sweep could not be loaded." />;
  const data = sweep.data;
  const settings = data.settings;
  const ended = endedTrials(data.trials);
  const budget = settings.budget?.trials ?? null;
  const dataset = datasets.data?.results.find((d) => d.id === data.dataset);
  const spec = specs.data?.results.find((s) => s.id === data.spec);
  const counts = (state: SweepTrial["state"]) => data.trials.filter((t) => t.state === state).length;

  const onCancel = async () => {
    setCancelling(true);
    setCancelError(null);
    try {
      client.setQueryData(keys.sweep(id), await cancelSweep(id));
      await client.invalidateQueries({ queryKey: keys.sweeps });
      setConfirming(false);
    } catch (caught) {
      setCancelError(caught);
    } finally {
      setCancelling(false);
    }
  };

  return (
    <>
      <PageHeader
        pageTitle={safeText(data.name)}
        title={
          <>
            <Name text={data.name} /> <StatusBadge status={data.status} />
          </>
        }
        subtitle={
          <span data-testid="transport">
            {running ? "Live: checking every 2 seconds." : `Ended ${formatDateTime(data.finished_at)}.`}
          </span>
        }
        actions={
          <>
            {running && !confirming && (
              <button
                type="button"
                className="button button-danger"
                onClick={() => setConfirming(true)}
                disabled={data.cancel_requested}
              >
                {data.cancel_requested ? "Cancelling…" : "Cancel sweep"}
              </button>
            )}
            <Link className="button" to={`/jobs?sweep=${data.id}`}>
              Its jobs
            </Link>
          </>
        }
      />
      {confirming && running && (
        <div className="notice notice-warning confirm" role="alertdialog" aria-labelledby="confirm-cancel-title">
          <strong id="confirm-cancel-title" className="notice-title">
            Cancel the whole sweep?
          </strong>
          <span>No trial starts any more, and the {data.trials.length - ended} running stop.</span>
          <span className="actions-row">
            <button type="button" className="button button-danger" onClick={onCancel} disabled={cancelling}>
              {cancelling ? "Cancelling…" : "Yes, cancel it"}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              Keep it running
            </button>
          </span>
        </div>
      )}
      <ErrorNotice error={cancelError} title="The sweep was not cancelled." />
      {data.status === "failed" && (
        <div className="notice notice-error" role="alert" data-testid="sweep-error">
          <strong className="notice-title">The sweep failed.</strong>
          <span>{data.error_message || "No trial completed."}</span>
          {data.error_code && <code className="notice-code">{data.error_code}</code>}
        </div>
      )}

      <section className="card status-card" aria-labelledby="progress-title">
        <h2 id="progress-title" className="visually-hidden">
          Progress
        </h2>
        <ProgressBar
          label="Trials ended"
          value={budget ? Math.min(1, ended / budget) : null}
          text={`${trialsText(ended, settings)} trials ended`}
        />
        <dl className="stats stats-inline" data-testid="sweep-counts">
          <Stat label="Running">{counts("running")}</Stat>
          <Stat label="Completed">{counts("complete")}</Stat>
          <Stat label="Stopped early">{counts("pruned")}</Stat>
          <Stat label="Failed">{counts("failed")}</Stat>
          <Stat label="Running time">{formatDuration(secondsBetween(data.created_at, data.finished_at, now))}</Stat>
        </dl>
      </section>

      <div className="two-columns">
        <section className="card" aria-labelledby="best-title">
          <h2 id="best-title">{running ? "Best so far" : "Best trial"}</h2>
          <BestTrial sweep={data} />
        </section>
        <section className="card" aria-labelledby="settings-title">
          <h2 id="settings-title">Search</h2>
          <dl className="stats">
            <Stat label="Dataset">
              {dataset ? (
                <Link to={`/datasets/${dataset.id}`}>
                  <Name text={dataset.name} />
                </Link>
              ) : (
                "—"
              )}
            </Stat>
            <Stat label="Network">
              {spec ? (
                <Link to={`/networks/${spec.id}`}>
                  <Name text={spec.name} />
                </Link>
              ) : (
                "—"
              )}
            </Stat>
            <Stat label="Searcher">{searcherText(settings)}</Stat>
            <Stat label="Metric">
              <code>{settings.metric}</code> ({settings.direction})
            </Stat>
            <Stat label="Budget">
              {[
                settings.budget?.trials && `${settings.budget.trials} trials`,
                settings.budget?.epochs && `${settings.budget.epochs} epochs`,
              ]
                .filter(Boolean)
                .join(", ")}
            </Stat>
            <Stat label="Trials at once">{settings.parallelism}</Stat>
            {typeof data.params.epochs === "number" && <Stat label="Epochs per trial">{data.params.epochs}</Stat>}
          </dl>
        </section>
      </div>

      {data.trials.length > 0 && (
        <section className="card" aria-labelledby="chart-title">
          <h2 id="chart-title">Parameters against {settings.metric}</h2>
          <SweepChart sweep={data} trials={data.trials} best={bestTrialNumber(data)} />
        </section>
      )}

      <section className="card" aria-labelledby="trials-title">
        <h2 id="trials-title">Trials</h2>
        {data.trials.length === 0 ? (
          <p className="muted">{running ? "The first trials are starting…" : "No trial ran."}</p>
        ) : (
          <TrialsTable sweep={data} />
        )}
      </section>
    </>
  );
}
