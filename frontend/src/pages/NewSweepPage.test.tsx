import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { JOB_KINDS } from "../test/jobKinds";
import { renderWithApp, stubFetch } from "../test/render";
import { NewSweepPage } from "./NewSweepPage";

const page = (results: unknown[]) => ({ body: { count: results.length, next: null, previous: null, results } });
const dataset = { id: "d-1", name: "digits", status: "ready", stats: {} };
const spec = {
  id: "s-1",
  name: "mlp",
  spec: {
    layers: [
      { type: "Input", shape: [64] },
      { type: "Dense", name: "hidden", units: 16 },
    ],
  },
  summary: null,
};

function server(create: { status: number; body: unknown }) {
  return stubFetch({
    "GET /api/v1/job-kinds/": { body: JOB_KINDS },
    "GET /api/v1/datasets/": page([dataset]),
    "GET /api/v1/specs/": page([spec]),
    "POST /api/v1/specs/validate/": {
      body: { layers: [], total_params: 0, trainable_params: 0, input_shape: [], output_shape: [] },
    },
    "POST /api/v1/sweeps/": create,
  });
}

async function fillForm() {
  renderWithApp(<NewSweepPage />, { path: "/sweeps/new", route: "/sweeps/new?dataset=d-1&spec=s-1" });
  await userEvent.type(await screen.findByLabelText("Name"), "width search");
  await waitFor(() => expect(screen.getByLabelText("Network")).toHaveValue("s-1"));
  await userEvent.click(screen.getByRole("button", { name: "Add parameter" }));
  await userEvent.type(screen.getByLabelText("Parameter 2"), "hidden.units");
  await userEvent.type(screen.getByLabelText("Values of parameter 2"), "8, 32");
  await userEvent.clear(screen.getByLabelText("Trials"));
  await userEvent.type(screen.getByLabelText("Trials"), "4");
}

describe("the sweep form", () => {
  it("sends the search space, searcher, budget and the trials' settings", async () => {
    const calls = server({ status: 201, body: { id: "sw-1", status: "running", trials: [] } });
    await fillForm();
    await userEvent.click(screen.getByRole("button", { name: "Start sweep" }));
    await screen.findByText("elsewhere");
    const sent = calls.find((c) => c.method === "POST" && c.url === "/api/v1/sweeps/")!.body as {
      settings: Record<string, unknown>;
      params: Record<string, unknown>;
    };
    expect(sent).toMatchObject({ name: "width search", dataset: "d-1", spec: "s-1" });
    expect(sent.params.validation_split).toBe(0.2);
    expect(sent.settings).toMatchObject({
      space: [
        { name: "learning_rate", type: "log_uniform", low: 0.0001, high: 0.01 },
        { name: "hidden.units", type: "choice", values: [8, 32] },
      ],
      searcher: "random",
      early_stopping: "asha",
      budget: { trials: 4 },
    });
  });

  it("shows the server's refusal beside the row it names, with its code", async () => {
    const calls = server({
      status: 400,
      body: { code: "sweep_param_unknown", message: "space.hidden.units: layer 'hidden' has no 'units'.", details: {} },
    });
    await fillForm();
    await userEvent.click(screen.getByRole("button", { name: "Start sweep" }));
    const row = (await screen.findAllByTestId("space-row"))[1]!;
    expect(await within(row).findByText(/layer 'hidden' has no 'units'/)).toBeInTheDocument();
    expect(within(row).getByText("sweep_param_unknown")).toBeInTheDocument();
    expect(screen.getByLabelText("Parameter 2")).toHaveAccessibleDescription(/has no 'units'/);
    expect(calls.filter((c) => c.method === "POST" && c.url === "/api/v1/sweeps/")).toHaveLength(1);
    // it stays until the row changes
    await userEvent.type(screen.getByLabelText("Values of parameter 2"), ", 64");
    expect(within(row).queryByText("sweep_param_unknown")).not.toBeInTheDocument();
  });

  it("sends nothing while a range is inverted, and says why beside it", async () => {
    const calls = server({ status: 201, body: { id: "sw-1" } });
    await fillForm();
    const high = screen.getByLabelText("High of parameter 1");
    await userEvent.clear(high);
    await userEvent.type(high, "0.00001");
    await userEvent.click(screen.getByRole("button", { name: "Start sweep" }));
    expect(await screen.findByText("Low 0.0001 is above high 0.00001.")).toBeInTheDocument();
    expect(calls.some((c) => c.method === "POST" && c.url === "/api/v1/sweeps/")).toBe(false);
  });
});
