/** Whether a saved network fits a dataset (input shape, classes), before a job is submitted. */
import { useQuery } from "@tanstack/react-query";

import { errorMessage } from "../api/errors";
import { validateSpec } from "../api/queries";
import type { Spec } from "../api/types";

/** The server's answer to "does this network fit this dataset"; shared by the form and FitCheck. */
export function useFitCheck(spec: Spec | undefined, dataset: string) {
  return useQuery({
    queryKey: ["fit", spec?.id ?? "", dataset],
    queryFn: () => validateSpec(spec!.spec, dataset),
    enabled: Boolean(spec && dataset),
    retry: false,
    staleTime: 60_000,
  });
}

export function FitCheck({ spec, dataset }: { spec: Spec; dataset: string }) {
  const check = useFitCheck(spec, dataset);
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
