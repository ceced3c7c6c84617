import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from "react";
import { useNavigate, useSearchParams } from "react-router";

import { ApiError } from "../api/errors";
import { createSweep, keys, useJobKinds, useSpecs } from "../api/queries";
import type { NetworkSpec } from "../api/types";
import { ErrorNotice } from "../components/ErrorNotice";
import { FitCheck } from "../components/FitCheck";
import { DatasetPicker, NetworkPicker } from "../components/InputPickers";
import { Loading, PageHeader } from "../components/PageHeader";
import { ParamsForm } from "../components/ParamsForm";
import { isAdvancedParam } from "../lib/jobKinds";
import { collectParams, paramFields } from "../lib/paramsSchema";
import {
  COMMON_METRICS,
  defaultForm,
  DISTRIBUTIONS,
  errorField,
  newRow,
  SEARCHERS,
  searchableNames,
  sweepRequest,
  type Distribution,
  type FieldErrors,
  type SpaceRow,
  type SweepFormValues,
} from "../lib/sweeps";

const WHOLE = { type: "number", min: 1, step: 1, inputMode: "numeric" } as const;

/** A field's problem: the form's words, or the server's with its stable code. */
function FieldMessage({ id, text, code }: { id: string; text?: string; code?: string }) {
  if (!text) return null;
  return (
    <small id={id} className="field-error">
      {text} {code && <code className="notice-code">{code}</code>}
    </small>
  );
}

function RowInputs({
  row,
  index,
  onChange,
}: {
  row: SpaceRow;
  index: number;
  onChange: (change: Partial<SpaceRow>) => void;
}) {
  const n = index + 1;
  const text = (field: "low" | "high" | "step" | "values", label: string, extra: Record<string, unknown> = {}) => (
    <label className="space-cell">
      <span>{label}</span>
      <input
        aria-label={`${label} of parameter ${n}`}
        value={row[field]}
        inputMode="decimal"
        onChange={(e) => onChange({ [field]: e.target.value })}
        {...extra}
      />
    </label>
  );
  if (row.type === "choice") return text("values", "Values", { placeholder: "adam, sgd", inputMode: "text" });
  return (
    <>
      {text("low", "Low")}
      {text("high", "High")}
      {row.type === "int" && text("step", "Step", { inputMode: "numeric" })}
    </>
  );
}

export function NewSweepPage() {
  const [query] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const kinds = useJobKinds();
  const specs = useSpecs();
  const [form, setForm] = useState<SweepFormValues>(() =>
    defaultForm(query.get("dataset") ?? "", query.get("spec") ?? ""),
  );
  // trials are compared on held-out data: a fifth of it unless the user says otherwise
  const [paramTexts, setParamTexts] = useState<Record<string, string>>({ validation_split: "0.2" });
  const [paramErrors, setParamErrors] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  // a refusal from the server, and the field it belongs to (null: above the button)
  const [refusal, setRefusal] = useState<{ error: unknown; field: string | null } | null>(null);
  const [busy, setBusy] = useState(false);

  const train = kinds.data?.find((k) => k.name === "train");
  const fields = useMemo(() => (train ? paramFields(train.params_schema) : []), [train]);
  const chosenSpec = specs.data?.results.find((s) => s.id === form.spec);
  const names = searchableNames(chosenSpec?.spec as NetworkSpec | undefined);
  if (kinds.isPending) return <Loading what="the form" />;

  // the server's refusal stays beside its field until that field changes
  const edited = (touches: (field: string) => boolean) =>
    setRefusal((current) => (current?.field != null && touches(current.field) ? null : current));
  const set = (change: Partial<SweepFormValues>) => {
    edited((field) => field in change || (field.startsWith("space") && "rows" in change));
    setForm((current) => ({ ...current, ...change }));
  };
  const setRow = (key: number, change: Partial<SpaceRow>) => {
    edited((field) => field.startsWith("space"));
    setForm((current) => ({ ...current, rows: current.rows.map((r) => (r.key === key ? { ...r, ...change } : r)) }));
  };
  const primary = fields.filter((f) => !isAdvancedParam("train", f.name));
  const advanced = fields.filter((f) => isAdvancedParam("train", f.name));
  const onParam = (name: string, text: string) => {
    edited((field) => field === "params" || field === `params.${name}`);
    setParamTexts((current) => ({ ...current, [name]: text }));
  };

  /** The form's own error for a field, else the server's if it belongs there. */
  const problem = (field: string): { text?: string; code?: string } => {
    if (errors[field]) return { text: errors[field] };
    if (refusal && refusal.field === field && refusal.error instanceof ApiError) {
      return { text: refusal.error.message, code: refusal.error.code };
    }
    return {};
  };
  const message = (field: string, id: string): ReactNode => {
    const { text, code } = problem(field);
    return <FieldMessage id={id} text={text} code={code} />;
  };
  const invalid = (field: string) => (problem(field).text ? true : undefined);
  /** A text or number input of the form, with its help and its problem (the form's or the server's). */
  const textField = (
    field: "name" | "metric" | "trials" | "epochs" | "minutes" | "parallelism",
    label: ReactNode,
    extra: InputHTMLAttributes<HTMLInputElement> = {},
    help?: string,
  ) => {
    const id = `sweep-${field}`;
    const bad = invalid(field);
    const describedBy = [bad && `${id}-error`, help && `${id}-help`].filter(Boolean).join(" ");
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          value={form[field]}
          aria-invalid={bad}
          aria-describedby={describedBy || undefined}
          onChange={(e) => set({ [field]: e.target.value })}
          {...extra}
        />
        {help && (
          <small className="help" id={`${id}-help`}>
            {help}
          </small>
        )}
        {message(field, `${id}-error`)}
      </div>
    );
  };
  const serverParamErrors: Record<string, string> =
    refusal?.field?.startsWith("params.") && refusal.error instanceof ApiError
      ? { [refusal.field.slice("params.".length)]: `${refusal.error.message} (${refusal.error.code})` }
      : {};
  const allParamErrors = { ...serverParamErrors, ...paramErrors };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const collected = collectParams(fields, paramTexts);
    setParamErrors(collected.errors);
    const { request, errors: found } = sweepRequest(form, collected.params);
    setErrors(found);
    setRefusal(null);
    if (!request || Object.keys(collected.errors).length) return;
    setBusy(true);
    try {
      const sweep = await createSweep(request);
      await client.invalidateQueries({ queryKey: keys.sweeps });
      void navigate(`/sweeps/${sweep.id}`);
    } catch (caught) {
      setRefusal({ error: caught, field: errorField(caught, form) });
      setBusy(false);
    }
  };

  const placed = refusal?.field != null;
  return (
    <>
      <PageHeader title="New sweep" subtitle="Train one network many times over a search space, and keep the best." />
      <form onSubmit={onSubmit} className="stack" noValidate>
        <fieldset className="card">
          <legend>What to train</legend>
          <div className="form-grid">
            {textField("name", "Name", { placeholder: "learning rate search" })}
            <DatasetPicker
              id="sweep-dataset"
              value={form.dataset}
              onChange={(dataset) => set({ dataset })}
              error={message("dataset", "sweep-dataset-message")}
            />
            <NetworkPicker
              id="sweep-spec"
              value={form.spec}
              onChange={(spec) => set({ spec })}
              error={message("spec", "sweep-spec-message")}
            />
          </div>
          {chosenSpec && form.dataset && <FitCheck spec={chosenSpec} dataset={form.dataset} />}
        </fieldset>

        <fieldset className="card">
          <legend>Search space</legend>
          <p className="muted">
            Train settings (learning_rate, optimizer, batch_size, epochs) or a named layer&apos;s units, filters or
            rate.
          </p>
          <datalist id="sweep-param-names">
            {names.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <ol className="space-rows" aria-label="Searched parameters">
            {form.rows.map((row, index) => {
              const n = index + 1;
              const errorId = `space-${row.key}-error`;
              const rowProblem = invalid(`space.${index}`);
              return (
                <li key={row.key} className="space-row" data-testid="space-row" data-invalid={rowProblem}>
                  <label className="space-cell space-name">
                    <span>Parameter</span>
                    <input
                      aria-label={`Parameter ${n}`}
                      list="sweep-param-names"
                      value={row.name}
                      placeholder="learning_rate"
                      aria-invalid={rowProblem}
                      aria-describedby={rowProblem && errorId}
                      onChange={(e) => setRow(row.key, { name: e.target.value })}
                    />
                  </label>
                  <label className="space-cell">
                    <span>Distribution</span>
                    <select
                      aria-label={`Distribution of parameter ${n}`}
                      value={row.type}
                      onChange={(e) => setRow(row.key, { type: e.target.value as Distribution })}
                    >
                      {DISTRIBUTIONS.map((d) => (
                        <option key={d.value} value={d.value}>
                          {d.label}
                        </option>
                      ))}
                    </select>
                  </label>
                  <RowInputs row={row} index={index} onChange={(change) => setRow(row.key, change)} />
                  <button
                    type="button"
                    className="button button-ghost space-remove"
                    aria-label={`Remove parameter ${n}`}
                    disabled={form.rows.length === 1}
                    onClick={() => set({ rows: form.rows.filter((r) => r.key !== row.key) })}
                  >
                    Remove
                  </button>
                  <div className="space-message">{message(`space.${index}`, errorId)}</div>
                </li>
              );
            })}
          </ol>
          {message("space", "space-error")}
          <button
            type="button"
            className="button"
            onClick={() => set({ rows: [...form.rows, newRow({ type: "choice" })] })}
          >
            Add parameter
          </button>
        </fieldset>

        <fieldset className="card">
          <legend>How to search</legend>
          <div className="kind-grid" role="radiogroup" aria-label="Searcher">
            {SEARCHERS.map((s) => (
              <label key={s.value} className={`kind-option${s.value === form.searcher ? " kind-selected" : ""}`}>
                <input
                  type="radio"
                  name="searcher"
                  value={s.value}
                  checked={s.value === form.searcher}
                  onChange={() => set({ searcher: s.value })}
                />
                <strong>{s.label}</strong>
                <span className="muted">{s.help}</span>
              </label>
            ))}
          </div>
          <div className="form-grid">
            {textField("metric", "Metric", { list: "sweep-metrics" })}
            <datalist id="sweep-metrics">
              {COMMON_METRICS.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
            <div className="field">
              <label htmlFor="sweep-direction">Direction</label>
              <select
                id="sweep-direction"
                value={form.direction}
                onChange={(e) => set({ direction: e.target.value as SweepFormValues["direction"] })}
              >
                <option value="maximize">Maximize</option>
                <option value="minimize">Minimize</option>
              </select>
            </div>
            {textField("trials", "Trials", WHOLE)}
            {textField(
              "epochs",
              <>
                Epochs in all <span className="muted">(optional)</span>
              </>,
              { ...WHOLE, placeholder: "no limit" },
              "Epochs trained by all trials together.",
            )}
            {textField(
              "minutes",
              <>
                Minutes in all <span className="muted">(optional)</span>
              </>,
              { ...WHOLE, placeholder: "no limit" },
              "No trial starts after this many minutes; the running ones finish.",
            )}
            {textField("parallelism", "Trials at once", { ...WHOLE, max: 64 })}
          </div>
        </fieldset>

        {fields.length > 0 && (
          <fieldset className="card">
            <legend>Each trial</legend>
            <p className="muted">The training settings every trial starts from; the searched ones replace them.</p>
            <ParamsForm fields={primary} texts={paramTexts} errors={allParamErrors} onChange={onParam} />
            {advanced.length > 0 && (
              <details className="options" open={advanced.some((f) => allParamErrors[f.name]) || undefined}>
                <summary>More settings</summary>
                <ParamsForm fields={advanced} texts={paramTexts} errors={allParamErrors} onChange={onParam} />
              </details>
            )}
            {refusal?.field === "params" && <ErrorNotice error={refusal.error} />}
          </fieldset>
        )}

        {Object.keys(errors).length > 0 && (
          <p className="field-error" role="alert">
            The sweep was not started: see the fields marked above.
          </p>
        )}
        {refusal && placed && (
          <p className="field-error" role="alert">
            The sweep was not started: see the field marked above.
          </p>
        )}
        {refusal && !placed && <ErrorNotice error={refusal.error} title="The sweep was not started." />}
        <div>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? "Starting…" : "Start sweep"}
          </button>
        </div>
      </form>
    </>
  );
}
