import { Link } from "react-router";

import { useDatasets, useSpecs, useSweeps } from "../api/queries";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListTable } from "../components/ListTable";
import { Name } from "../components/Name";
import { EmptyState, Loading, PageHeader } from "../components/PageHeader";
import { StatusBadge } from "../components/StatusBadge";
import { formatAgo, formatMetric } from "../lib/format";
import { safeText } from "../lib/safeText";
import { searcherText, trialsText } from "../lib/sweeps";
import { useNow } from "../lib/useNow";

export function SweepsPage() {
  const sweeps = useSweeps();
  const datasets = useDatasets();
  const specs = useSpecs();
  const now = useNow(sweeps.data?.results.some((s) => s.status === "running") ?? false);
  const datasetName = new Map(datasets.data?.results.map((d) => [d.id, safeText(d.name)]));
  const specName = new Map(specs.data?.results.map((s) => [s.id, safeText(s.name)]));
  return (
    <>
      <PageHeader
        title="Sweeps"
        subtitle="Hyperparameter searches: many trials of one network, the best one kept."
        actions={
          <Link className="button button-primary" to="/sweeps/new">
            New sweep
          </Link>
        }
      />
      <section className="card">
        {sweeps.isPending && <Loading what="sweeps" />}
        <ErrorNotice error={sweeps.error} />
        {sweeps.data?.results.length === 0 && (
          <EmptyState title="No sweeps yet.">
            <p>
              <Link to="/sweeps/new">Start one</Link> to find a learning rate, a width or a dropout rate.
            </p>
          </EmptyState>
        )}
        {sweeps.data && sweeps.data.results.length > 0 && (
          <ListTable
            className="sweeps-table"
            columns={[
              "Sweep",
              "Status",
              "Searcher",
              "Metric",
              { label: "Best so far", num: true },
              { label: "Trials done", num: true },
              "Created",
            ]}
          >
            {sweeps.data.results.map((sweep) => (
              <tr key={sweep.id} data-testid="sweep-row">
                <td>
                  <Link to={`/sweeps/${sweep.id}`}>
                    <Name text={sweep.name} />
                  </Link>
                  <div className="muted cell-sub">
                    {[sweep.dataset && datasetName.get(sweep.dataset), sweep.spec && specName.get(sweep.spec)]
                      .filter(Boolean)
                      .join(" · ")}
                  </div>
                </td>
                <td>
                  <StatusBadge status={sweep.status} />
                </td>
                <td>{searcherText(sweep.settings)}</td>
                <td>
                  <code>{sweep.settings.metric}</code>{" "}
                  <span className="muted">{sweep.settings.direction === "minimize" ? "↓" : "↑"}</span>
                </td>
                <td className="num">{formatMetric(sweep.best_value)}</td>
                <td className="num">{trialsText(sweep.trials_ended, sweep.settings)}</td>
                <td>{formatAgo(sweep.created_at, now)}</td>
              </tr>
            ))}
          </ListTable>
        )}
      </section>
    </>
  );
}
