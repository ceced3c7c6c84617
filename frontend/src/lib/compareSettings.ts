/** The compare page's settings table: one row per setting, one column per run, differences marked. */

export interface ComparedRun {
  dataset_name?: string | null;
  spec_name?: string | null;
  params?: unknown;
  final_metric?: { name: string; value: number } | null;
  result?: unknown;
}

export interface SettingRow {
  name: string;
  values: string[];
  /** the runs do not all agree (a setting a run lacks counts as different) */
  differs: boolean;
  /** a result rather than a setting */
  outcome: boolean;
}

function shown(value: unknown): string {
  if (value === undefined || value === null || value === "") return "—";
  if (typeof value === "number") return Number(value.toPrecision(4)).toString();
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function row(name: string, values: unknown[], outcome = false): SettingRow {
  const texts = values.map(shown);
  return { name, values: texts, differs: new Set(texts).size > 1, outcome };
}

export function settingRows(runs: readonly ComparedRun[]): SettingRow[] {
  const params = runs.map(
    (run) => (run.params && typeof run.params === "object" ? run.params : {}) as Record<string, unknown>,
  );
  const names = [...new Set(params.flatMap((p) => Object.keys(p)))].sort();
  const tests = runs.map((run) => {
    const metrics = (run.result as { test_metrics?: Record<string, unknown> } | null)?.test_metrics;
    return metrics && typeof metrics === "object" ? metrics : {};
  });
  const testNames = [...new Set(tests.flatMap((t) => Object.keys(t)))].sort();
  const finalName = runs.find((run) => run.final_metric)?.final_metric?.name;
  return [
    row(
      "dataset",
      runs.map((run) => run.dataset_name),
    ),
    row(
      "network",
      runs.map((run) => run.spec_name),
    ),
    ...names.map((name) =>
      row(
        name.replace(/_/g, " "),
        params.map((p) => p[name]),
      ),
    ),
    ...(finalName
      ? [
          row(
            `final ${finalName.replace(/_/g, " ")}`,
            runs.map((run) => (run.final_metric?.name === finalName ? run.final_metric.value : undefined)),
            true,
          ),
        ]
      : []),
    ...testNames.map((name) =>
      row(
        `test ${name.replace(/_/g, " ")}`,
        tests.map((t) => t[name]),
        true,
      ),
    ),
  ];
}
