import type { ReactNode } from "react";

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  placeholder: string;
  required?: boolean;
  /** shown under the list, e.g. a link to make the first one */
  help?: ReactNode;
  /** what is wrong with the choice (the server's words, with its code) */
  error?: ReactNode;
}

/** A choice among the user's things (datasets, networks, models). */
export function SelectField({ id, label, value, onChange, options, placeholder, help, error, required = true }: Props) {
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {!required && <span className="muted"> (optional)</span>}
      </label>
      <select
        id={id}
        required={required}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{placeholder}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {help && <small className="help">{help}</small>}
      {error && (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}
