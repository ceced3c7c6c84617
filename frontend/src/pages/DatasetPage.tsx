import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { deleteDataset, keys, useDataset } from "../api/queries";
import { datasetStats, type Dataset } from "../api/types";
import { ClassHistogram } from "../components/ClassHistogram";
import { DatasetPreview } from "../components/DatasetPreview";
import { ErrorNotice } from "../components/ErrorNotice";
import { Name } from "../components/Name";
import { Loading, PageHeader } from "../components/PageHeader";
import { ProgressBar } from "../components/ProgressBar";
import { Stat } from "../components/Stat";
import { StatusBadge } from "../components/StatusBadge";
import { formatBytes, formatCount, formatDateTime, formatMetric, formatShape } from "../lib/format";

function Statistics({ dataset }: { dataset: Dataset }) {
  const stats = datasetStats(dataset);
  const range = (r?: [number, number]) => (r ? `${formatMetric(r[0])} … ${formatMetric(r[1])}` : "—");
  return (
    <dl className="stats" data-testid="dataset-stats">
      <Stat label="Training samples">{formatCount(stats.num_samples)}</Stat>
      <Stat label="Test samples">{formatCount(stats.num_test_samples)}</Stat>
      {stats.num_validation_samples !== undefined && (
        <Stat label="Validation samples">{formatCount(stats.num_validation_samples)}</Stat>
      )}
      <Stat label="Input shape">{formatShape(stats.input_shape)}</Stat>
      <Stat label="Values">{`${stats.dtype ?? ""} ${range(stats.value_range)}`}</Stat>
      <Stat label="Task">{dataset.task || stats.task || "—"}</Stat>
      {stats.num_classes !== undefined && <Stat label="Classes">{stats.num_classes}</Stat>}
      {stats.target_range && <Stat label="Targets">{range(stats.target_range)}</Stat>}
      <Stat label="File">{`${dataset.format}, ${formatBytes(dataset.size_bytes)}`}</Stat>
      <Stat label="Added">{formatDateTime(dataset.created_at)}</Stat>
    </dl>
  );
}

export function DatasetPage() {
  const { id = "" } = useParams();
  const dataset = useDataset(id);
  const client = useQueryClient();
  const navigate = useNavigate();
  const [deleteError, setDeleteError] = useState<unknown>(null);

  if (dataset.isPending) return <Loading what="the dataset" />;
  if (dataset.error) return <ErrorNotice error={dataset.error} title="The dataset could not be loaded." />;
  const data = dataset.data;
  const stats = datasetStats(data);

  const onDelete = async () => {
    if (!window.confirm(`Delete the dataset “${data.name}” and its files?`)) return;
    try {
      await deleteDataset(id);
      await client.invalidateQueries({ queryKey: keys.datasets });
      void navigate("/datasets");
    } catch (error) {
      setDeleteError(error);
    }
  };

  return (
    <>
      <PageHeader
        pageTitle={`Dataset ${data.name}`}
        title={
          <>
            <Name text={data.name} /> <StatusBadge status={data.status} />
            {data.public && <span className="badge badge-example">Example</span>}
          </>
        }
        subtitle={<code title={data.sha256}>sha256 {data.sha256.slice(0, 16)}…</code>}
        actions={
          <>
            {data.status === "ready" && (
              <Link className="button button-primary" to={`/jobs/new?dataset=${data.id}`}>
                Train on this dataset
              </Link>
            )}
            {!data.public && (
              <button type="button" className="button button-danger" onClick={onDelete}>
                Delete
              </button>
            )}
          </>
        }
      />
      <ErrorNotice error={deleteError} />
      {data.status === "processing" && (
        <section className="card">
          <ProgressBar label="Ingesting the dataset" value={null} text="Checking and converting the data…" />
          <p className="muted">This page updates by itself when the dataset is ready.</p>
        </section>
      )}
      {data.status === "invalid" && (
        <div className="notice notice-error" role="alert" data-testid="dataset-error">
          <strong className="notice-title">This dataset cannot be used.</strong>
          <span>{data.error || "It did not pass the checks."}</span>
          {data.error_code && <code className="notice-code">{data.error_code}</code>}
        </div>
      )}
      {data.status === "ready" && (
        <>
          <section className="card" aria-labelledby="stats-title">
            <h2 id="stats-title">Statistics</h2>
            <Statistics dataset={data} />
          </section>
          {stats.class_counts && stats.class_counts.length > 0 && (
            <section className="card" aria-labelledby="classes-title">
              <h2 id="classes-title">Samples per class</h2>
              <ClassHistogram names={stats.class_names ?? []} counts={stats.class_counts} />
            </section>
          )}
          <section className="card" aria-labelledby="preview-title">
            <h2 id="preview-title">First samples</h2>
            <DatasetPreview datasetId={data.id} stats={stats} />
          </section>
        </>
      )}
    </>
  );
}
