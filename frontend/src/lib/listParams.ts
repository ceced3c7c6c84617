/** A list page's filters as URL query parameters, so they survive a reload and can be shared. */

export const JOB_SORTS = [
  { value: "-created", label: "Newest first" },
  { value: "created", label: "Oldest first" },
  { value: "name", label: "Name, A to Z" },
  { value: "-name", label: "Name, Z to A" },
  { value: "-metric", label: "Final metric, highest first" },
  { value: "metric", label: "Final metric, lowest first" },
] as const;

export type JobSort = (typeof JOB_SORTS)[number]["value"];

export interface JobListFilters {
  search: string;
  status: string;
  kind: string;
  dataset: string;
  spec: string;
  sort: JobSort;
  owner: "me" | "all";
  /** the trials of one sweep */
  sweep: string;
}

const DEFAULTS: JobListFilters = {
  search: "",
  status: "",
  kind: "",
  dataset: "",
  spec: "",
  sort: "-created",
  owner: "all",
  sweep: "",
};

/** The filters a URL asks for; anything it should not say falls back to the default. */
export function readJobFilters(params: URLSearchParams): JobListFilters {
  const sort = params.get("sort");
  const owner = params.get("owner");
  return {
    search: params.get("q") ?? "",
    status: params.get("status") ?? "",
    kind: params.get("kind") ?? "",
    dataset: params.get("dataset") ?? "",
    spec: params.get("network") ?? "",
    sort: JOB_SORTS.some((s) => s.value === sort) ? (sort as JobSort) : DEFAULTS.sort,
    owner: owner === "me" ? "me" : "all",
    sweep: params.get("sweep") ?? "",
  };
}

const PARAM: Record<keyof JobListFilters, string> = {
  search: "q",
  status: "status",
  kind: "kind",
  dataset: "dataset",
  spec: "network",
  sort: "sort",
  owner: "owner",
  sweep: "sweep",
};

/** `params` with one filter changed: defaults leave the URL, and the page goes back to the first. */
export function withJobFilter<K extends keyof JobListFilters>(
  params: URLSearchParams,
  name: K,
  value: JobListFilters[K],
): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value && value !== DEFAULTS[name]) next.set(PARAM[name], value);
  else next.delete(PARAM[name]);
  next.delete("cursor");
  return next;
}

export function hasJobFilters(filters: JobListFilters): boolean {
  return Boolean(filters.search || filters.status || filters.kind || filters.dataset || filters.spec || filters.sweep);
}
