import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useLocation, useSearchParams } from "react-router";

import { deleteModel, keys, useMe, useModelList } from "../api/queries";
import type { TrainedModel } from "../api/types";
import { Disclosure } from "../components/Disclosure";
import { ErrorNotice } from "../components/ErrorNotice";
import { Name } from "../components/Name";
import { EmptyState, Loading, PageHeader } from "../components/PageHeader";
import { ModelDownloads } from "../components/ModelDownloads";
import { ModelUploader } from "../components/ModelUploader";
import { StatusBadge } from "../components/StatusBadge";
import { DrawPictures } from "../components/DrawPictures";
import { TryModel } from "../components/TryModel";
import { WeightsDiagram } from "../components/WeightsDiagram";
import { formatAgo, formatBytes, formatCount, formatMetric, formatShape } from "../lib/format";
import { OwnerFilter, SearchFilter } from "../components/ListFilters";

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

function DeleteModel({ model }: { model: TrainedModel }) {
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const onDelete = async () => {
    if (!window.confirm(`Delete the model “${model.name}” and its files? This cannot be undone.`)) return;
    setBusy(true);
    setError(null);
    try {
      await deleteModel(model.id);
      await client.invalidateQueries({ queryKey: keys.models });
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button button-small button-danger" onClick={onDelete} disabled={busy}>
        Delete
      </button>
      <ErrorNotice error={error} title="The model was not deleted." />
    </>
  );
}

export function ModelsPage() {
  const [params, setParams] = useSearchParams();
  const me = useMe();
  const staff = me.data?.is_staff ?? false;
  const owner = params.get("owner") === "me" ? "me" : "all";
  const search = params.get("q") ?? "";
  const models = useModelList({ search: search || undefined, owner });
  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
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
      <div className="filters card" role="group" aria-label="Filters">
        <SearchFilter id="model-search" value={search} onSearch={(value) => setParam("q", value)} />
        {staff && (
          <OwnerFilter
            id="model-owner"
            value={owner}
            onChange={(value) => setParam("owner", value === "me" ? "me" : "")}
          />
        )}
      </div>
      {models.isPending && <Loading what="models" />}
      <ErrorNotice error={models.error} />
      {models.data?.results.length === 0 && search && (
        <section className="card">
          <EmptyState title="No models match the search." />
        </section>
      )}
      {models.data?.results.length === 0 && !search && (
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
                  <Name text={model.name} />
                  {model.source === "uploaded" && <span className="badge badge-example">Uploaded</span>}
                  {model.status && model.status !== "ready" && <StatusBadge status={model.status} />}
                </h2>
                <p className="muted">
                  {model.task} · input {formatShape(model.input_shape as number[])} · {formatCount(model.param_count)}{" "}
                  parameters · {formatBytes(model.size_bytes)} · {formatAgo(model.created_at)}
                  {staff && (
                    <span data-testid="model-owner">
                      {" · by "}
                      <Name text={model.owner} />
                    </span>
                  )}
                  {model.job && (
                    <>
                      {" · "}
                      <Link to={`/jobs/${model.job}`}>training job</Link>
                    </>
                  )}
                </p>
              </div>
              <div className="model-actions">
                {model.status === "ready" && <ModelDownloads model={model} />}
                {(!staff || model.owner === me.data?.username) && <DeleteModel model={model} />}
              </div>
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
