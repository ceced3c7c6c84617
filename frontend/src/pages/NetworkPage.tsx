import { Link, useParams } from "react-router";

import { useSpec } from "../api/queries";
import type { NetworkSpec, SpecSummary } from "../api/types";
import { Name } from "../components/Name";
import { ErrorNotice } from "../components/ErrorNotice";
import { LayerTable } from "../components/LayerTable";
import { NetworkDiagram } from "../components/NetworkDiagram";
import { Loading, PageHeader } from "../components/PageHeader";
import { formatDateTime } from "../lib/format";
import { specText } from "../lib/specText";

export function NetworkPage() {
  const { id = "" } = useParams();
  const spec = useSpec(id);
  if (spec.isPending) return <Loading what="the network" />;
  if (spec.error) return <ErrorNotice error={spec.error} title="The network could not be loaded." />;
  const data = spec.data;
  const summary = data.summary as SpecSummary | null;
  const body = data.spec as NetworkSpec;
  return (
    <>
      <PageHeader
        title={<Name text={data.name} />}
        pageTitle={`Network ${data.name}`}
        subtitle={`Created ${formatDateTime(data.created_at)}`}
        actions={
          <>
            <Link className="button button-primary" to={`/jobs/new?spec=${data.id}`}>
              Train this network
            </Link>
            <Link className="button" to={`/networks/new?from=${data.id}`}>
              Copy and edit
            </Link>
          </>
        }
      />
      <div className="two-columns">
        <section className="card" aria-labelledby="layers-title">
          <h2 id="layers-title">Layers</h2>
          {summary ? <LayerTable summary={summary} /> : <p className="muted">No summary stored.</p>}
        </section>
        <section className="card" aria-labelledby="diagram-title">
          <h2 id="diagram-title">Diagram</h2>
          <NetworkDiagram layers={body.layers ?? []} />
        </section>
      </div>
      <section className="card" aria-labelledby="json-title">
        <h2 id="json-title">Spec</h2>
        <pre className="code-block">{specText(body)}</pre>
      </section>
    </>
  );
}
