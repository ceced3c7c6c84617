/** The dataset and network menus of the forms that train (a job, a sweep): ready datasets only, with a link to make the first. */
import type { ReactNode } from "react";
import { Link } from "react-router";

import { useDatasets, useSpecs } from "../api/queries";
import { SelectField } from "./SelectField";

interface PickerProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  error?: ReactNode;
}

export function DatasetPicker({ id, value, onChange, required = true, error }: PickerProps) {
  const datasets = useDatasets();
  const ready = datasets.data?.results.filter((d) => d.status === "ready") ?? [];
  return (
    <SelectField
      id={id}
      label="Dataset"
      required={required}
      value={value}
      onChange={onChange}
      error={error}
      placeholder={required ? "Choose a dataset…" : "None"}
      options={ready.map((d) => ({ value: d.id, label: d.name }))}
      help={
        datasets.data &&
        ready.length === 0 && (
          <>
            No ready datasets. <Link to="/datasets">Upload one.</Link>
          </>
        )
      }
    />
  );
}

export function NetworkPicker({ id, value, onChange, required = true, error }: PickerProps) {
  const specs = useSpecs();
  return (
    <SelectField
      id={id}
      label="Network"
      required={required}
      value={value}
      onChange={onChange}
      error={error}
      placeholder={required ? "Choose a network…" : "None"}
      options={specs.data?.results.map((s) => ({ value: s.id, label: s.name })) ?? []}
      help={
        specs.data?.results.length === 0 && (
          <>
            No networks yet. <Link to="/networks/new">Build one.</Link>
          </>
        )
      }
    />
  );
}
