import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";

import { createSpec, keys, useDatasets, useSpec, useTemplates } from "../api/queries";
import { datasetStats, type Dataset, type NetworkSpec, type SpecTemplate } from "../api/types";
import { Name } from "../components/Name";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading, PageHeader } from "../components/PageHeader";
import { SpecCheck } from "../components/SpecCheck";
import { adaptSpec } from "../lib/adapt";
import { parseSpecText, specText } from "../lib/specText";
import { useDebounced } from "../lib/useDebounced";

function StartFrom({ onPick, picked }: { onPick: (template: SpecTemplate) => void; picked: string | null }) {
  const templates = useTemplates();
  if (templates.isPending) return <Loading what="templates" />;
  return (
    <section className="card" aria-labelledby="start-title">
      <h2 id="start-title">Start from a template</h2>
      <ErrorNotice error={templates.error} />
      <ul className="choice-list">
        {templates.data?.map((template) => (
          <li key={template.key}>
            <button
              type="button"
              className={`choice${picked === template.key ? " choice-picked" : ""}`}
              aria-pressed={picked === template.key}
              onClick={() => onPick(template)}
            >
              <strong>{template.name}</strong>
              <span className="muted choice-text">{template.explanation}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Offers to fit the network to the chosen dataset when its input or output does not. */
function FitToDataset({
  spec,
  dataset,
  onFit,
}: {
  spec: NetworkSpec | null;
  dataset: Dataset | undefined;
  onFit: (spec: NetworkSpec) => void;
}) {
  const adapted = useMemo(() => (spec && dataset ? adaptSpec(spec, datasetStats(dataset)) : null), [spec, dataset]);
  if (!adapted || !dataset) return null;
  return (
    <div className="notice notice-info" data-testid="fit-to-dataset">
      <span>
        To train on{" "}
        <strong>
          <Name text={dataset.name} />
        </strong>{" "}
        this network needs: {adapted.changes.join("; ")}.
      </span>
      <button type="button" className="button button-small" onClick={() => onFit(adapted.spec)}>
        Fit the network to the dataset
      </button>
    </div>
  );
}

export function NetworkEditorPage() {
  const [params] = useSearchParams();
  const from = params.get("from");
  const source = useSpec(from ?? "", Boolean(from));
  const client = useQueryClient();
  const navigate = useNavigate();
  const datasets = useDatasets();
  const templates = useTemplates();
  // null until edited: meanwhile the network copied from, or the first template
  const [editedName, setName] = useState<string | null>(null);
  const [editedText, setText] = useState<string | null>(null);
  const [dataset, setDataset] = useState<string>(params.get("dataset") ?? "");
  const [template, setTemplate] = useState<SpecTemplate | null>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  // ?template=KEY (from the job form's suggestions) starts from that template
  const wanted = templates.data?.find((t) => t.key === params.get("template"));
  const active = template ?? wanted ?? null;
  const start = from ? source.data?.spec : (wanted ?? templates.data?.[0])?.spec;
  const text = editedText ?? (start ? specText(start) : "");
  const name = editedName ?? (from && source.data ? `${source.data.name} (copy)` : (wanted?.name ?? ""));
  const starting = editedText === null && (from ? source.isPending : templates.isPending);

  const settled = useDebounced(text, 400);
  const parsed = useMemo(() => parseSpecText(settled), [settled]);
  const ready = datasets.data?.results.filter((d) => d.status === "ready") ?? [];
  const chosen = ready.find((d) => d.id === dataset);

  const pick = (picked: SpecTemplate) => {
    setTemplate(picked);
    setText(specText(picked.spec));
    setName(picked.name);
    const example = picked.example_key ? ready.find((d) => d.example_key === picked.example_key) : undefined;
    if (example) setDataset(example.id);
  };

  const save = async (train: boolean) => {
    const now = parseSpecText(text);
    if (!now.ok) {
      setSaveError(new Error(now.error));
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      const spec = await createSpec(name.trim(), now.spec);
      await client.invalidateQueries({ queryKey: keys.specs });
      if (!train) {
        void navigate(`/networks/${spec.id}`);
        return;
      }
      const next = new URLSearchParams({ spec: spec.id });
      if (dataset) next.set("dataset", dataset);
      if (active?.params) next.set("template", active.key);
      void navigate(`/jobs/new?${next}`);
    } catch (error) {
      setSaveError(error);
      setSaving(false);
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void save(false);
  };

  return (
    <>
      <PageHeader title="New network" subtitle="Describe the layers; every change is checked as you type." />
      {!from && <StartFrom onPick={pick} picked={active?.key ?? null} />}
      {starting && <Loading what="the network" />}
      <form className="editor-layout" onSubmit={onSubmit} hidden={starting}>
        <section className="card" aria-labelledby="spec-title">
          <h2 id="spec-title">Spec</h2>
          <div className="field">
            <label htmlFor="network-name">Name</label>
            <input id="network-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="spec-json">Layers and training setup (JSON)</label>
            <textarea
              id="spec-json"
              className="code-editor"
              spellCheck={false}
              rows={22}
              value={text}
              onChange={(e) => setText(e.target.value)}
              aria-describedby="spec-status"
            />
          </div>
          <div className="field">
            <label htmlFor="check-dataset">Check against a dataset</label>
            <select id="check-dataset" value={dataset} onChange={(e) => setDataset(e.target.value)}>
              <option value="">(none)</option>
              {ready.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </div>
          <FitToDataset
            spec={parsed.ok ? parsed.spec : null}
            dataset={chosen}
            onFit={(spec) => setText(specText(spec))}
          />
          <ErrorNotice error={saveError} title="The network was not saved." />
          <div className="page-actions">
            <button type="submit" className="button" disabled={saving || !name.trim()}>
              Save network
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={saving || !name.trim()}
              onClick={() => void save(true)}
            >
              {saving ? "Saving…" : "Save and train"}
            </button>
          </div>
        </section>
        <section className="card" aria-labelledby="summary-title">
          <h2 id="summary-title">Layers</h2>
          <SpecCheck parsed={parsed} text={settled} dataset={dataset || null} />
        </section>
      </form>
    </>
  );
}
