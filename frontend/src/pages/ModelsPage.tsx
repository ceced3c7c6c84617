import { useEffect } from "react";
import { Link, useLocation } from "react-router";

import { useModels } from "../api/queries";
import { Disclosure } from "../components/Disclosure";
import { ErrorNotice } from "../components/ErrorNotice";
import { EmptyState, Loading, PageHeader } from "../components/PageHeader";
import { ModelDownloads } from "../components/ModelDownloads";
import { ModelUploader } from "../components/ModelUploader";
import { StatusBadge } from "../components/StatusBadge";
import { DrawPictures } from "../components/DrawPictures";
import { TryModel } from "../components/TryModel";
import { WeightsDiagram } from "../components/WeightsDiagram";
import { formatAgo, formatBytes, formatCount, formatMetric, formatShape } from "../lib/format";

function Metrics({ metrics }: { metrics: unknown }) {
  const groups = (metrics ?? {}) as Record<string, Record<string, number> | number>;
  const flat: [string, number][] = [];
  for (const [group, value] of Object.entries(groups)) {
    if (typeof value === "number") flat.push([group, value]);
    else if (value && typeof value === "object") {
      for (const [name, v] of Object.entries(value)) if (typeof v === "number") flat.push([`${group} ${name}`, v]);
    }
  }
  if (!flat.length) return <span className="muted">—</span>;
  return (
    <span className="metric-chips">
      {flat.map(([name, value]) => (
        <span key={name} className="chip">
          {name.replace(/_/g, " ")} <strong>{formatMetric(value)}</strong>
        </span>
      ))}
    </span>
  );
}

export function ModelsPage() {
  const models = useModels();
  // `/models#model-<id>` (a sweep's best model, one click away): that card, scrolled to and marked
  const picked = useLocation().hash.replace(/^#model-/, "");
  const loaded = Boolean(models.data);
  useEffect(() => {
    if (picked && loaded) document.getElementById(`model-${picked}`)?.scrollIntoView({ block: "start" });
  }, [picked, loaded]);
  return (
    <>
      <PageHeader title="Models" subtitle="Trained networks, ready to download and use." />
      <ModelUploader />
      {models.isPending && <Loading what="models" />}
      <ErrorNotice error={models.error} />
      {models.data?.results.length === 0 && (
        <section className="card">
          <EmptyState title="No models yet.">
            <p>
              A model appears here when a <Link to="/jobs/new">training job</Link> succeeds.
            </p>
          </EmptyState>
        </section>
      )}
      <ul className="model-list">
        {models.data?.results.map((model) => (
          <li
            key={model.id}
            id={`model-${model.id}`}
            className={`card model-card${model.id === picked ? " model-picked" : ""}`}
            data-testid="model-card"
            aria-current={model.id === picked || undefined}
          >
            <div className="model-head">
              <div>
                <h2>
                  {model.name}
                  {model.source === "uploaded" && <span className="badge badge-example">Uploaded</span>}
                  {model.status && model.status !== "ready" && <StatusBadge status={model.status} />}
                </h2>
                <p className="muted">
                  {model.task} · input {formatShape(model.input_shape as number[])} · {formatCount(model.param_count)}{" "}
                  parameters · {formatBytes(model.size_bytes)} · {formatAgo(model.created_at)}
                  {model.job && (
                    <>
                      {" · "}
                      <Link to={`/jobs/${model.job}`}>training job</Link>
                    </>
                  )}
                </p>
              </div>
              {model.status === "ready" && <ModelDownloads model={model} />}
            </div>
            {model.status === "invalid" && (
              <div className="notice notice-error" role="alert" data-testid="model-error">
                <strong className="notice-title">This model cannot be used.</strong>
                <span>{model.error || "It did not pass the checks."}</span>
                {model.error_code && <code className="notice-code">{model.error_code}</code>}
              </div>
            )}
            <Metrics metrics={model.metrics} />
            {model.status === "ready" && (
              <Disclosure className="try-box" summary="Network diagram">
                <WeightsDiagram modelId={model.id} />
              </Disclosure>
            )}
            {model.status === "ready" && (
              <Disclosure className="try-box" summary={model.task === "generator" ? "Draw pictures" : "Try it"}>
                {model.task === "generator" ? <DrawPictures model={model} /> : <TryModel model={model} />}
              </Disclosure>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
