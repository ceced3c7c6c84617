import { Link } from "react-router";

import { useSpecs } from "../api/queries";
import type { SpecSummary } from "../api/types";
import { Name } from "../components/Name";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListTable } from "../components/ListTable";
import { EmptyState, Loading, PageHeader } from "../components/PageHeader";
import { formatAgo, formatCount, formatShape } from "../lib/format";

export function NetworksPage() {
  const specs = useSpecs();
  return (
    <>
      <PageHeader
        title="Networks"
        subtitle="Network specs: layers, shapes and how they are trained."
        actions={
          <Link className="button button-primary" to="/networks/new">
            New network
          </Link>
        }
      />
      <section className="card">
        {specs.isPending && <Loading what="networks" />}
        <ErrorNotice error={specs.error} />
        {specs.data?.results.length === 0 && (
          <EmptyState title="No networks yet.">
            <p>
              <Link to="/networks/new">Build your first one</Link> from an example.
            </p>
          </EmptyState>
        )}
        {specs.data && specs.data.results.length > 0 && (
          <ListTable
            columns={[
              "Name",
              "Input → output",
              { label: "Layers", num: true },
              { label: "Parameters", num: true },
              "Created",
            ]}
          >
            {specs.data.results.map((spec) => {
              const summary = spec.summary as SpecSummary | null;
              return (
                <tr key={spec.id}>
                  <td>
                    <Link to={`/networks/${spec.id}`}>
                      <Name text={spec.name} />
                    </Link>
                  </td>
                  <td>
                    {formatShape(summary?.input_shape)} → {formatShape(summary?.output_shape)}
                  </td>
                  <td className="num">{summary?.layers.length ?? "—"}</td>
                  <td className="num">{formatCount(summary?.total_params)}</td>
                  <td>{formatAgo(spec.created_at)}</td>
                </tr>
              );
            })}
          </ListTable>
        )}
      </section>
    </>
  );
}
