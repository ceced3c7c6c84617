/** Inputs for a job kind's parameters, generated from their JSON Schema. */
import { fieldText, type ParamField } from "../lib/paramsSchema";

interface Props {
  fields: readonly ParamField[];
  texts: Record<string, string>;
  errors: Record<string, string>;
  onChange: (name: string, text: string) => void;
}

export function ParamsForm({ fields, texts, errors, onChange }: Props) {
  return (
    <div className="form-grid">
      {fields.map((field) => {
        const id = `param-${field.name}`;
        const text = texts[field.name] ?? fieldText(field, field.default);
        const error = errors[field.name];
        const describedBy = [field.description ? `${id}-help` : "", error ? `${id}-error` : ""]
          .filter(Boolean)
          .join(" ");
        const common = {
          id,
          name: field.name,
          "aria-invalid": error ? true : undefined,
          "aria-describedby": describedBy || undefined,
        };
        let input;
        if (field.kind === "boolean") {
          input = (
            <input
              {...common}
              type="checkbox"
              checked={text === "true"}
              onChange={(e) => onChange(field.name, String(e.target.checked))}
            />
          );
        } else if (field.kind === "choice") {
          input = (
            <select {...common} value={text} onChange={(e) => onChange(field.name, e.target.value)}>
              {!field.required && <option value="">(default)</option>}
              {field.choices?.map((choice) => (
                <option key={choice}>{choice}</option>
              ))}
            </select>
          );
        } else if (field.kind === "json") {
          input = <textarea {...common} rows={2} value={text} onChange={(e) => onChange(field.name, e.target.value)} />;
        } else {
          const numeric = field.kind === "integer" || field.kind === "number";
          // lists are typed as text: "mixed3, mixed5"
          input = (
            <input
              {...common}
              type={numeric ? "number" : "text"}
              inputMode={field.kind === "integer" ? "numeric" : numeric ? "decimal" : undefined}
              min={field.min}
              max={field.max}
              step={field.kind === "integer" ? 1 : numeric ? "any" : undefined}
              placeholder={field.kind === "list" ? "comma, separated" : field.default == null ? "default" : undefined}
              value={text}
              onChange={(e) => onChange(field.name, e.target.value)}
            />
          );
        }
        return (
          <div key={field.name} className={`field${field.kind === "boolean" ? " field-check" : ""}`}>
            <label htmlFor={id}>
              {field.label}
              {field.required && <span aria-hidden="true"> *</span>}
            </label>
            {input}
            {field.description && (
              <small id={`${id}-help`} className="help">
                {field.description}
              </small>
            )}
            {error && (
              <small id={`${id}-error`} className="field-error">
                {error}
              </small>
            )}
          </div>
        );
      })}
    </div>
  );
}
