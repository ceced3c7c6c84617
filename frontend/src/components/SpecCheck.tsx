/** Live validation of a spec as it is typed: the layer table, or every problem with its place. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { specIssues } from "../api/errors";
import { keys, validateSpec } from "../api/queries";
import type { NetworkSpec } from "../api/types";
import { formatCount } from "../lib/format";
import type { Parsed } from "../lib/specText";
import { ErrorNotice } from "./ErrorNotice";
import { LayerTable } from "./LayerTable";
import { NetworkDiagram } from "./NetworkDiagram";

interface Props {
  parsed: Parsed;
  /** the settled editor text (debounced), the validation's cache key */
  text: string;
  dataset: string | null;
}

export function SpecCheck({ parsed, text, dataset }: Props) {
  const spec: NetworkSpec | null = parsed.ok ? parsed.spec : null;
  const check = useQuery({
    queryKey: keys.validation(text, dataset),
    queryFn: () => validateSpec(spec, dataset),
    enabled: spec !== null,
    retry: false,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  const issues = specIssues(check.error);
  const stale = check.isPlaceholderData || check.isFetching;

  return (
    <div className="spec-check" aria-live="polite">
      <div id="spec-status" className="spec-status" data-testid="spec-status">
        {!parsed.ok && <span className="status-bad">{parsed.error}</span>}
        {parsed.ok && check.isFetching && <span className="muted">Checking…</span>}
        {parsed.ok && !check.isFetching && check.data && !check.error && (
          <span className="status-good">
            ✓ Valid{dataset ? " for this dataset" : ""}: {formatCount(check.data.total_params)} parameters
          </span>
        )}
        {parsed.ok && !check.isFetching && check.error !== null && issues.length === 0 && (
          <ErrorNotice error={check.error} />
        )}
      </div>
      {parsed.ok && !check.isFetching && issues.length > 0 && (
        <ul className="issues" role="alert">
          {issues.map((issue, i) => (
            <li key={i}>
              {issue.loc && <code>{issue.loc}</code>} {issue.message}
            </li>
          ))}
        </ul>
      )}
      {check.data && (
        <div className={stale || check.error ? "dimmed" : undefined}>
          <LayerTable summary={check.data} />
        </div>
      )}
      {spec && <NetworkDiagram layers={spec.layers} />}
    </div>
  );
}
