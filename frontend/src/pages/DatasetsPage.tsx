import { Link } from "react-router";

import { useDatasets } from "../api/queries";
import { datasetStats } from "../api/types";
import { Name } from "../components/Name";
import { DatasetUploader } from "../components/DatasetUploader";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListTable } from "../components/ListTable";
import { EmptyState, Loading, PageHeader } from "../components/PageHeader";
import { StatusBadge } from "../components/StatusBadge";
import { formatAgo, formatBytes, formatCount, formatShape } from "../lib/format";

export function DatasetsPage() {
  const datasets = useDatasets();
  return (
    <>
      <PageHeader title="Datasets" subtitle="What your networks learn from. Each is checked once, when it comes in." />
      <DatasetUploader />
      <section className="card" aria-labelledby="datasets-title">
        <h2 id="datasets-title">Your datasets</h2>
        {datasets.isPending && <Loading what="datasets" />}
        <ErrorNotice error={datasets.error} />
        {datasets.data && datasets.data.results.length === 0 && (
          <EmptyState title="No datasets yet.">
            <p>Drop a file above to add your first one.</p>
          </EmptyState>
        )}
        {datasets.data && datasets.data.results.length > 0 && (
          <ListTable
            columns={[
              "Name",
              "Status",
              "Format",
              { label: "Samples", num: true },
              "Input shape",
              { label: "Classes", num: true },
              { label: "Size", num: true },
              "Added",
            ]}
          >
            {datasets.data.results.map((dataset) => {
              const stats = datasetStats(dataset);
              return (
                <tr key={dataset.id}>
                  <td>
                    <Link to={`/datasets/${dataset.id}`}>
                      <Name text={dataset.name} />
                    </Link>
                    {dataset.public && <span className="badge badge-example">Example</span>}
                  </td>
                  <td>
                    <StatusBadge status={dataset.status} />
                  </td>
                  <td>{dataset.format}</td>
                  <td className="num">{formatCount(stats.num_samples)}</td>
                  <td>{formatShape(stats.input_shape)}</td>
                  <td className="num">{stats.num_classes ?? "—"}</td>
                  <td className="num">{formatBytes(dataset.size_bytes)}</td>
                  <td>{formatAgo(dataset.created_at)}</td>
                </tr>
              );
            })}
          </ListTable>
        )}
      </section>
    </>
  );
}
