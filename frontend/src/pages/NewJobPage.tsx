import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { fetchJob, keys, submitJob, useDatasets, useJobKinds, useModels, useSpecs, useTemplates } from "../api/queries";
import { ErrorNotice } from "../components/ErrorNotice";
import { FitCheck, useFitCheck } from "../components/FitCheck";
import { DatasetPicker, NetworkPicker } from "../components/InputPickers";
import { Name } from "../components/Name";
import { datasetStats, type Dataset, type SpecTemplate } from "../api/types";
import { templateFit } from "../lib/adapt";
import { shortId } from "../lib/format";
import { Loading, PageHeader } from "../components/PageHeader";
import { ParamsForm } from "../components/ParamsForm";
import { SelectField } from "../components/SelectField";
import { cloneJob, type ClonedForm } from "../lib/jobClone";
import { isAdvancedParam, modelFitsKind } from "../lib/jobKinds";
import { collectParams, fieldText, paramFields } from "../lib/paramsSchema";

/** Where to go from a dataset with no network that fits it: a template, or the chosen network
 * fitted in the editor. "Train on this dataset" never ends at a form that cannot be sent. */
function NetworksForDataset({
  dataset,
  templates,
  specId,
}: {
  dataset: Dataset;
  templates: SpecTemplate[];
  specId: string | undefined;
}) {
  const stats = datasetStats(dataset);
  const usable = templates
    .map((template) => ({ template, fit: templateFit(template.spec, stats) }))
    .filter(({ fit }) => fit !== "no")
    // the ones that fit as they are first, then those the editor fits
    .sort((a, b) => Number(a.fit === "adaptable") - Number(b.fit === "adaptable"))
    .slice(0, 6);
  return (
    <div className="notice notice-info networks-for-dataset" data-testid="networks-for-dataset">
      <strong className="notice-title">
        {specId ? "This network does not fit " : "Networks for "}
        <Name text={dataset.name} />
      </strong>
      {specId && (
        <p>
          <Link
            className="button button-small"
            to={`/networks/new?${new URLSearchParams({ from: specId, dataset: dataset.id })}`}
          >
            Fit the network to the dataset
          </Link>{" "}
          <span className="muted">opens it in the editor, which makes its input and output fit.</span>
        </p>
      )}
      {usable.length > 0 && (
        <>
          <span className="notice-body">Start from a template that {specId ? "does" : "fits"}:</span>
          <ul className="template-links notice-body">
            {usable.map(({ template, fit }) => (
              <li key={template.key}>
                <Link to={`/networks/new?${new URLSearchParams({ template: template.key, dataset: dataset.id })}`}>
                  {template.name}
                </Link>
                {fit === "adaptable" && <span className="muted"> (the editor fits it to the dataset)</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export function NewJobPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const kinds = useJobKinds();
  const datasets = useDatasets();
  const specs = useSpecs();
  const models = useModels();
  const [kindName, setKindName] = useState(params.get("kind") ?? "train");
  const [dataset, setDataset] = useState(params.get("dataset") ?? "");
  const [spec, setSpec] = useState(params.get("spec") ?? "");
  const [model, setModel] = useState(params.get("model") ?? "");
  const [files, setFiles] = useState<Record<string, File>>({});
  // what the user typed, over the template's suggestions
  const [editedTexts, setTexts] = useState<Record<string, string>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const kind = kinds.data?.find((k) => k.name === kindName) ?? kinds.data?.[0];
  const fields = useMemo(() => (kind ? paramFields(kind.params_schema) : []), [kind]);
  // a network saved from a template trains with the template's suggested settings
  const templates = useTemplates();
  const suggested = templates.data?.find((t) => t.key === params.get("template"))?.params;
  const suggestedTexts = useMemo(() => {
    if (!suggested || kindName !== "train") return {};
    return Object.fromEntries(
      fields.filter((f) => f.name in suggested).map((f) => [f.name, fieldText(f, suggested[f.name])]),
    );
  }, [suggested, fields, kindName]);
  // "Train again": /jobs/new?from=<job> opens with every setting of that job
  const fromId = params.get("from") ?? "";
  const source = useQuery({ queryKey: keys.job(fromId), queryFn: () => fetchJob(fromId), enabled: !!fromId });
  const sourceKind = kinds.data?.find((k) => k.name === source.data?.kind);
  const cloned = useMemo(
    () => (source.data && sourceKind ? cloneJob(source.data, paramFields(sourceKind.params_schema)) : null),
    [source.data, sourceKind],
  );
  // fill the form once when the job arrives (state adjusted while rendering, as React advises)
  const [filledFrom, setFilledFrom] = useState<ClonedForm | null>(null);
  if (cloned && cloned !== filledFrom) {
    setFilledFrom(cloned);
    setKindName(cloned.kind);
    setDataset(cloned.dataset);
    setSpec(cloned.spec);
    setModel(cloned.model);
  }
  const clonedTexts = cloned && cloned.kind === kindName ? cloned.texts : {};
  const texts = { ...suggestedTexts, ...clonedTexts, ...editedTexts };
  const chosenSpec = specs.data?.results.find((s) => s.id === spec);
  const checksFit = Boolean(kind?.accepts_dataset && kind.accepts_spec && chosenSpec && dataset);
  const fit = useFitCheck(checksFit ? chosenSpec : undefined, dataset);
  if (kinds.isPending || !kind) return <Loading what="job kinds" />;
  if (fromId && source.isPending) return <Loading what="the job to train again" />;

  const primary = fields.filter((f) => !isAdvancedParam(kind.name, f.name));
  const advanced = fields.filter((f) => isAdvancedParam(kind.name, f.name));
  const onParam = (name: string, text: string) => setTexts((current) => ({ ...current, [name]: text }));
  const readyDatasets = datasets.data?.results.filter((d) => d.status === "ready") ?? [];
  const inputs = kind.inputs;
  // Submit waits for the fit check, and stays off while the network does not fit the dataset
  const fitBlocks = checksFit && (fit.isPending || Boolean(fit.error));
  const chosenDataset = readyDatasets.find((d) => d.id === dataset);
  const needsNetwork = kind.accepts_spec && Boolean(chosenDataset) && (!chosenSpec || Boolean(fit.error));
  const fittingModels = models.data?.results.filter((m) => modelFitsKind(kind.name, m)) ?? [];

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const { params: values, errors } = collectParams(fields, texts);
    setFieldErrors(errors);
    if (Object.keys(errors).length) return;
    setBusy(true);
    setError(null);
    try {
      const job = await submitJob({
        kind: kind.name,
        dataset: kind.accepts_dataset && dataset ? dataset : undefined,
        spec: kind.accepts_spec && spec ? spec : undefined,
        model: kind.accepts_model && model ? model : undefined,
        params: values,
        files,
      });
      await client.invalidateQueries({ queryKey: keys.jobs });
      void navigate(`/jobs/${job.id}`);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title="New job" subtitle="Pick what to run, on what, with which settings." />
      <ErrorNotice error={source.error} title="The job to train again could not be loaded." />
      {cloned && (
        <p className="notice notice-info" data-testid="cloned-from">
          Every setting of job <Link to={`/jobs/${fromId}`}>{shortId(fromId)}</Link> is filled in: change what you want
          to try, then submit.
          {kind.inputs.length > 0 && " Files given with it must be chosen again."}
        </p>
      )}
      <form onSubmit={onSubmit} className="stack">
        <fieldset className="card">
          <legend>What to run</legend>
          <div className="kind-grid">
            {kinds.data!.map((k) => (
              <label key={k.name} className={`kind-option${k.name === kind.name ? " kind-selected" : ""}`}>
                <input
                  type="radio"
                  name="kind"
                  value={k.name}
                  checked={k.name === kind.name}
                  onChange={() => {
                    setKindName(k.name);
                    setFiles({});
                    setTexts({});
                    setFieldErrors({});
                  }}
                />
                <strong>{k.title}</strong>
                {k.description && <span className="muted">{k.description}</span>}
              </label>
            ))}
          </div>
        </fieldset>

        {(kind.accepts_dataset || kind.accepts_spec || kind.accepts_model || inputs.length > 0) && (
          <fieldset className="card">
            <legend>Inputs</legend>
            <div className="form-grid">
              {kind.accepts_dataset && (
                <DatasetPicker id="job-dataset" required={kind.needs_dataset} value={dataset} onChange={setDataset} />
              )}
              {kind.accepts_spec && (
                <NetworkPicker id="job-spec" required={kind.needs_spec} value={spec} onChange={setSpec} />
              )}
              {kind.accepts_model && (
                <SelectField
                  id="job-model"
                  label="Model"
                  required={kind.needs_model}
                  value={model}
                  onChange={setModel}
                  placeholder={kind.needs_model ? "Choose a model…" : "None"}
                  options={fittingModels.map((m) => ({ value: m.id, label: m.name }))}
                  help={
                    fittingModels.length > 0 ? null : (models.data?.results.length ?? 0) > 0 ? (
                      "None of your models fits this job (it needs convolution layers)."
                    ) : kind.needs_model ? (
                      <>
                        No models yet. <Link to="/jobs/new?kind=train">Train one.</Link>
                      </>
                    ) : null
                  }
                />
              )}
              {inputs.map((input) => (
                <div className="field" key={input.name}>
                  <label htmlFor={`job-file-${input.name}`}>
                    {input.title}
                    {!input.required && <span className="muted"> (optional)</span>}
                  </label>
                  <input
                    id={`job-file-${input.name}`}
                    type="file"
                    aria-describedby={input.description ? `job-file-${input.name}-help` : undefined}
                    accept={input.accept || undefined}
                    required={input.required}
                    onChange={(e) => {
                      const file = e.target.files?.[0];
                      setFiles((current) => {
                        const next = { ...current };
                        if (file) next[input.name] = file;
                        else delete next[input.name];
                        return next;
                      });
                    }}
                  />
                  {input.description && (
                    <small className="help" id={`job-file-${input.name}-help`}>
                      {input.description}
                    </small>
                  )}
                </div>
              ))}
            </div>
            {kind.accepts_dataset && kind.accepts_spec && chosenSpec && dataset && (
              <FitCheck spec={chosenSpec} dataset={dataset} />
            )}
            {needsNetwork && chosenDataset && (
              <NetworksForDataset dataset={chosenDataset} templates={templates.data ?? []} specId={chosenSpec?.id} />
            )}
          </fieldset>
        )}

        {fields.length > 0 && (
          <fieldset className="card">
            <legend>Settings</legend>
            <ParamsForm fields={primary} texts={texts} errors={fieldErrors} onChange={onParam} />
            {advanced.length > 0 && (
              <details className="options" open={advanced.some((f) => fieldErrors[f.name]) || undefined}>
                <summary>More settings</summary>
                <ParamsForm fields={advanced} texts={texts} errors={fieldErrors} onChange={onParam} />
              </details>
            )}
          </fieldset>
        )}

        <ErrorNotice error={error} title="The job was not submitted." />
        <div>
          <button type="submit" className="button button-primary" disabled={busy || fitBlocks}>
            {busy ? "Submitting…" : "Submit job"}
          </button>
          {fitBlocks && !fit.isPending && (
            <span className="muted submit-why"> Choose a network that fits the dataset first.</span>
          )}
        </div>
      </form>
    </>
  );
}
