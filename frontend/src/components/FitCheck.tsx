/** Whether a saved network fits a dataset (input shape, classes), before a job is submitted. */
import { useQuery } from "@tanstack/react-query";

import { errorMessage } from "../api/errors";
import { validateSpec } from "../api/queries";
import type { Spec } from "../api/types";

export function FitCheck({ spec, dataset }: { spec: Spec; dataset: string }) {
  const check = useQuery({
    queryKey: ["fit", spec.id, dataset],
    queryFn: () => validateSpec(spec.spec, dataset),
    retry: false,
    staleTime: 60_000,
  });
  if (check.isPending) return <p className="muted">Checking that the network fits the dataset…</p>;
  if (check.error) {
    return (
      <p className="status-bad" role="alert" data-testid="fit-check">
        ✗ {errorMessage(check.error)}
      </p>
    );
  }
  return (
    <p className="status-good" data-testid="fit-check">
      ✓ The network fits the dataset.
    </p>
  );
}
