import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { Link, useParams } from "react-router";

import {
  cancelJob,
  fetchJob,
  fetchMetrics,
  invalidateJob,
  keys,
  useArtifacts,
  useDatasets,
  useJob,
  useJobKinds,
  useKindTitle,
  useMe,
  useModels,
  useSpecs,
} from "../api/queries";
import { isFinal, jobProgress, type Job, type JobError } from "../api/types";
import { ArtifactDownloads, ArtifactGallery } from "../components/ArtifactList";
import { Disclosure } from "../components/Disclosure";
import { ErrorNotice } from "../components/ErrorNotice";
import { JobName } from "../components/JobName";
import { KeptModels } from "../components/KeptModels";
import { LearningCurves } from "../components/LearningCurves";
import { PredictResults, shownInPredictResults } from "../components/PredictResults";
import { isSamplePicture, SampleGallery, sampleGrids } from "../components/SampleGallery";
import { Name } from "../components/Name";
import { Loading, PageHeader } from "../components/PageHeader";
import { ProgressBar } from "../components/ProgressBar";
import { Stat } from "../components/Stat";
import { StatusBadge } from "../components/StatusBadge";
import { formatDateTime, formatDuration, formatMetric, shortId } from "../lib/format";
import { useJobLive, type JobLiveSources } from "../lib/jobLive";
import { chosenParams, listedParams } from "../lib/jobKinds";
import { failureHeadline, jobDuration, outcomeText, progressFraction, progressText, weightsText } from "../lib/jobText";
import { useNow } from "../lib/useNow";

const LIVE_SOURCES: JobLiveSources = {
  EventSource: typeof window !== "undefined" && "EventSource" in window ? window.EventSource : null,
  fetchJob,
  fetchMetrics,
  pollMs: 2000,
  connectTimeoutMs: 6000,
  now: () => Date.now(),
};

function TestMetrics({ result }: { result: unknown }) {
  const metrics = (result as { test_metrics?: Record<string, number> } | null)?.test_metrics;
  if (!metrics || !Object.keys(metrics).length) return null;
  return (
    <dl className="stats" data-testid="test-metrics">
      {Object.entries(metrics).map(([name, value]) => (
        <Stat key={name} label={`Test ${name.replace(/_/g, " ")}`}>
          {formatMetric(value)}
        </Stat>
      ))}
    </dl>
  );
}

function Details({ job }: { job: Job }) {
  const datasets = useDatasets();
  const specs = useSpecs();
  const dataset = datasets.data?.results.find((d) => d.id === job.dataset);
  const spec = specs.data?.results.find((s) => s.id === job.spec);
  const kinds = useJobKinds();
  const schema = kinds.data?.find((k) => k.name === job.kind)?.params_schema;
  const result = (job.result ?? {}) as Record<string, unknown>;
  const { chosen, rest } = chosenParams(
    job.kind,
    listedParams((job.params ?? {}) as Record<string, unknown>, result),
    schema,
  );
  const param = ([name, value]: [string, unknown]) => (
    <Stat key={name} label={name.replace(/_/g, " ")}>
      <code>{JSON.stringify(value)}</code>
    </Stat>
  );
  const list = (
    <dl className="stats">
      {job.sweep && (
        <Stat label="Sweep">
          <Link to={`/sweeps/${job.sweep}`}>trial of sweep {shortId(job.sweep)}</Link>
        </Stat>
      )}
      {job.dataset && (
        <Stat label="Dataset">
          {dataset ? (
            <Link to={`/datasets/${dataset.id}`}>
              <Name text={dataset.name} />
            </Link>
          ) : (
            shortId(job.dataset)
          )}
        </Stat>
      )}
      {job.spec && (
        <Stat label="Network">
          {spec ? (
            <Link to={`/networks/${spec.id}`}>
              <Name text={spec.name} />
            </Link>
          ) : (
            shortId(job.spec)
          )}
        </Stat>
      )}
      {chosen.map(param)}
      {typeof result.weights === "string" && (
        <Stat label="Weights">
          <span data-testid="weights-used">{weightsText(result.weights, result.network)}</span>
        </Stat>
      )}
      <Stat label="Submitted">{formatDateTime(job.created_at)}</Stat>
      <Stat label="Started">{formatDateTime(job.started_at)}</Stat>
      <Stat label="Finished">{formatDateTime(job.finished_at)}</Stat>
      <Stat label="Attempt">{job.attempt ?? 0}</Stat>
      {job.worker && <Stat label="Worker">{job.worker}</Stat>}
    </dl>
  );
  return rest.length === 0 ? (
    list
  ) : (
    <>
      {list}
      <Disclosure className="more-settings" summary={`Settings left at their defaults (${rest.length})`}>
        <dl className="stats">{rest.map(param)}</dl>
      </Disclosure>
    </>
  );
}

export function JobPage() {
  const kindTitle = useKindTitle();
  const { id = "" } = useParams();
  const client = useQueryClient();
  const job = useJob(id);
  const me = useMe();
  const onEnd = useCallback(() => void invalidateJob(client, id), [client, id]);
  const live = useJobLive(id, LIVE_SOURCES, onEnd);
  const status = live.status ?? job.data?.status ?? null;
  const running = status === "running" || status === "queued";
  const artifacts = useArtifacts(id, status === "running");
  const models = useModels();
  const now = useNow(running);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>(null);
  // each epoch of a GAN stores a grid of samples before the epoch arrives: fetch the new files
  const epochsSeen = live.epochs.length;
  useEffect(() => {
    if (epochsSeen > 0) void client.invalidateQueries({ queryKey: keys.artifacts(id) });
  }, [client, id, epochsSeen]);

  if (job.isPending) return <Loading what="the job" />;
  if (job.error) return <ErrorNotice error={job.error} title="The job could not be loaded." />;
  const data = job.data;
  // the live view is newer than the row until the row is read again
  const merged: Job = {
    ...data,
    status: status ?? data.status,
    progress: live.progress.epoch !== undefined || live.progress.step !== undefined ? live.progress : data.progress,
  };
  const error: JobError = live.error ?? (data.error as JobError) ?? null;
  // the job's model: its last epoch's (a train job also lists its best apart, in KeptModels)
  const jobModels = models.data?.results.filter((m) => m.job === id) ?? [];
  const model = jobModels.find((m) => m.is_last) ?? jobModels[0];
  const files = artifacts.data ?? [];
  const otherImages = files.filter((a) => !isSamplePicture(a) && !shownInPredictResults(a));
  // epochs (train, gan) or optimisation steps (the image jobs)
  const byEpoch = data.kind === "train" || jobProgress(merged).epoch !== undefined || sampleGrids(files).length > 0;

  const finished = isFinal(merged.status);
  // the activity before the failure: its last line is the failure itself, said above
  const earlierLines = error ? live.log.filter((line) => !line.text.includes(error.message)).slice(-5) : [];
  const onCancel = async () => {
    const what = data.name ? `“${data.name}”` : "this job";
    if (!window.confirm(`Cancel ${what}? A running job stops at its next batch; this cannot be undone.`)) return;
    setCancelling(true);
    setCancelError(null);
    try {
      client.setQueryData(keys.job(id), await cancelJob(id));
    } catch (caught) {
      setCancelError(caught);
    } finally {
      setCancelling(false);
    }
  };

  return (
    <>
      <PageHeader
        pageTitle={data.name || kindTitle(data.kind)}
        title={
          <>
            <JobName job={data} fallback={kindTitle(data.kind)} canRename={me.data?.username === data.owner} />{" "}
            <StatusBadge status={merged.status} />
          </>
        }
        subtitle={
          <span data-testid="transport">
            {kindTitle(data.kind)} <code>{shortId(data.id)}</code>
            {data.owner && me.data?.username !== data.owner && (
              <>
                {" "}
                · by <Name text={data.owner} />
              </>
            )}
            {" · "}
            {finished && "Finished."}
            {!finished && live.transport === "events" && "Live: updates as they happen."}
            {!finished && live.transport === "polling" && "Live: checking every 2 seconds."}
            {!finished && live.transport === "connecting" && "Connecting…"}
          </span>
        }
        actions={
          <>
            {!finished && (
              <button
                type="button"
                className="button button-danger"
                onClick={onCancel}
                disabled={cancelling || data.cancel_requested}
              >
                {data.cancel_requested ? "Cancelling…" : "Cancel job"}
              </button>
            )}
            {data.kind === "train" && (
              <Link className="button" to={`/jobs/new?from=${data.id}`}>
                Train again
              </Link>
            )}
            {data.kind === "train" && data.dataset && data.spec && (
              <Link className="button" to={`/sweeps/new?dataset=${data.dataset}&spec=${data.spec}`}>
                Sweep its settings
              </Link>
            )}
          </>
        }
      />
      <ErrorNotice error={cancelError} />
      <section className="card status-card" aria-labelledby="progress-title">
        <h2 id="progress-title" className="visually-hidden">
          Progress
        </h2>
        {finished ? (
          <p className="job-outcome" data-testid="job-outcome">
            {outcomeText(merged)}
          </p>
        ) : merged.status === "queued" ? (
          <ProgressBar label="Waiting in the queue" value={null} text={progressText(merged)} />
        ) : (
          <ProgressBar label="Job progress" value={progressFraction(merged)} text={progressText(merged)} />
        )}
        <dl className="stats stats-inline">
          <Stat label="Running time">{jobDuration(merged, now)}</Stat>
          {merged.status === "running" && data.eta_seconds != null && (
            <Stat label="Time left">about {formatDuration(data.eta_seconds)}</Stat>
          )}
        </dl>
        {merged.status === "failed" && error && (
          <div className="notice notice-error" role="alert" data-testid="job-error">
            <strong className="notice-title">The job failed. {failureHeadline(error.code)}</strong>
            <span>
              {error.message} <code className="notice-code">{error.code}</code>
            </span>
            {earlierLines.length > 0 && (
              <div className="failure-log">
                <span className="muted">Its last activity:</span>
                <ol data-testid="failure-log">
                  {earlierLines.map((line, i) => (
                    <li key={i}>{line.text}</li>
                  ))}
                </ol>
              </div>
            )}
          </div>
        )}
        {merged.status === "cancelled" && <p className="muted">The job was cancelled.</p>}
        {merged.status === "pruned" && (
          <p className="muted">Its sweep stopped it early: other trials were doing better.</p>
        )}
        <TestMetrics result={data.result} />
      </section>

      {(data.kind === "train" || live.epochs.length > 0) && (
        <section className="card" aria-labelledby="curves-title">
          <h2 id="curves-title">{byEpoch ? "Learning curves" : "Step by step"}</h2>
          <LearningCurves
            runs={[{ label: "", epochs: live.epochs }]}
            xLabel={byEpoch ? "epoch" : "step"}
            emptyText={finished ? `It ended before its first ${byEpoch ? "epoch" : "step"}.` : undefined}
          />
        </section>
      )}

      {data.kind === "train" && finished && <KeptModels job={{ ...data, status: merged.status }} />}
      {data.kind === "predict" && <PredictResults job={data} artifacts={files} />}

      {files.some(isSamplePicture) && (
        <section className="card" aria-labelledby="samples-title">
          <h2 id="samples-title">Samples, epoch by epoch</h2>
          <SampleGallery artifacts={files} running={!finished} />
        </section>
      )}

      {otherImages.some((a) => a.content_type.startsWith("image/")) && (
        <section className="card" aria-labelledby="gallery-title">
          <h2 id="gallery-title">Outputs</h2>
          <ArtifactGallery artifacts={otherImages} />
        </section>
      )}

      <div className="two-columns">
        <section className="card" aria-labelledby="downloads-title">
          <h2 id="downloads-title">Downloads</h2>
          {model && data.kind !== "train" && (
            <p>
              Trained model:{" "}
              <Link to="/models">
                <Name text={model.name} />
              </Link>
            </p>
          )}
          {artifacts.data ? (
            <ArtifactDownloads
              artifacts={artifacts.data}
              emptyText={finished ? "This job left no files." : undefined}
            />
          ) : (
            <Loading what="files" />
          )}
        </section>
        <section className="card" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <Details job={data} />
        </section>
      </div>

      <section className="card" aria-labelledby="log-title">
        <h2 id="log-title">Activity</h2>
        <ol className="log" aria-live="polite" data-testid="activity-log" reversed>
          {[...live.log].reverse().map((line, i) => (
            <li key={i}>
              <time dateTime={new Date(line.at).toISOString()}>{new Date(line.at).toLocaleTimeString()}</time>{" "}
              {line.text}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
