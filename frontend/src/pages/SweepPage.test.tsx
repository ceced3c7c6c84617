import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderWithApp, stubFetch } from "../test/render";
import { SweepPage } from "./SweepPage";

const page = (results: unknown[]) => ({ body: { count: results.length, next: null, previous: null, results } });

const trials = [
  {
    number: 0,
    job: "j-0",
    values: { learning_rate: 0.001, optimizer: "adam" },
    state: "complete",
    value: 0.91,
    status: "succeeded",
    epochs: { epoch: 6, epochs: 6 },
  },
  {
    number: 1,
    job: "j-1",
    values: { learning_rate: 0.05, optimizer: "sgd" },
    state: "pruned",
    value: 0.4,
    status: "pruned",
    epochs: { epoch: 1, epochs: 6 },
  },
  {
    number: 2,
    job: "j-2",
    values: { learning_rate: 0.01, optimizer: "adam" },
    state: "running",
    value: null,
    status: "running",
    epochs: { epoch: 2, epochs: 6 },
  },
];

const sweep = {
  id: "sw-1",
  name: "rate search",
  status: "running",
  dataset: null,
  spec: null,
  params: { epochs: 6 },
  settings: {
    space: [
      { name: "learning_rate", type: "log_uniform", low: 0.001, high: 0.1 },
      { name: "optimizer", type: "choice", values: ["adam", "sgd"] },
    ],
    searcher: "random",
    early_stopping: "asha",
    metric: "val_accuracy",
    direction: "maximize",
    budget: { trials: 6, epochs: null },
    parallelism: 2,
  },
  cancel_requested: false,
  best_trial: null,
  best_model: null,
  created_at: "2026-12-05T07:00:00Z",
  finished_at: null,
  trials,
  best_so_far: trials[0],
};

function server() {
  let cancelled = false;
  return stubFetch({
    "GET /api/v1/sweeps/sw-1/": () => ({ body: { ...sweep, cancel_requested: cancelled } }),
    "POST /api/v1/sweeps/sw-1/cancel/": () => {
      cancelled = true;
      return { body: { ...sweep, cancel_requested: true } };
    },
    "GET /api/v1/datasets/": page([]),
    "GET /api/v1/specs/": page([]),
    "GET /api/v1/models/": page([{ id: "m-0", name: "rate search #0", job: "j-0" }]),
  });
}

describe("the sweep page", () => {
  it("shows each trial's values and how it ended, the best so far and its model", async () => {
    server();
    renderWithApp(<SweepPage />, { path: "/sweeps/:id", route: "/sweeps/sw-1" });
    const rows = await screen.findAllByTestId("trial-row");
    expect(rows.map((row) => row.dataset.state)).toEqual(["complete", "pruned", "running"]);
    expect(within(rows[1]!).getByText("Stopped early")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("0.05")).toBeInTheDocument();
    expect(within(rows[0]!).getByText("Best")).toBeInTheDocument();
    expect(within(rows[2]!).getByRole("link", { name: "Job of trial 2" })).toHaveAttribute("href", "/jobs/j-2");
    expect(screen.getByRole("progressbar", { name: "Trials ended" })).toHaveAttribute("aria-valuenow", "33");
    const best = screen.getByTestId("best-trial");
    expect(within(best).getByText("0.91")).toBeInTheDocument();
    expect(await within(best).findByRole("link", { name: /Open its model/ })).toHaveAttribute(
      "href",
      "/models#model-m-0",
    );
    expect(screen.getByTestId("sweep-chart")).toHaveAttribute("data-lines", "3");
  });

  it("cancels the whole sweep only once the user confirms", async () => {
    const calls = server();
    renderWithApp(<SweepPage />, { path: "/sweeps/:id", route: "/sweeps/sw-1" });
    const cancels = () => calls.filter((c) => c.method === "POST" && c.url.endsWith("/cancel/"));

    await userEvent.click(await screen.findByRole("button", { name: "Cancel sweep" }));
    const dialog = screen.getByRole("alertdialog", { name: "Cancel the whole sweep?" });
    expect(dialog).toHaveTextContent("the 1 running stop");
    await userEvent.click(within(dialog).getByRole("button", { name: "Keep it running" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(cancels()).toHaveLength(0);

    await userEvent.click(screen.getByRole("button", { name: "Cancel sweep" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, cancel it" }));
    expect(await screen.findByRole("button", { name: "Cancelling…" })).toBeDisabled();
    expect(cancels()).toHaveLength(1);
  });
});
