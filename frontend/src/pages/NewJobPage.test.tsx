import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { renderWithApp, stubFetch } from "../test/render";
import { NewJobPage } from "./NewJobPage";

const page = (results: unknown[]) => ({ body: { count: results.length, next: null, previous: null, results } });
const dataset = { id: "d-1", name: "digits", status: "ready", stats: {} };
const spec = { id: "s-1", name: "mlp", spec: { layers: [] }, summary: null };

function server(extra: Record<string, unknown> = {}) {
  return stubFetch({
    "GET /api/v1/jobs/kinds/": { status: 404, body: null },
    "GET /api/v1/datasets/": page([dataset]),
    "GET /api/v1/specs/": page([spec]),
    "GET /api/v1/models/": page([{ id: "m-1", name: "convnet" }]),
    "GET /api/v1/templates/": page([
      {
        key: "mnist_mlp",
        name: "MNIST MLP",
        explanation: "",
        spec: {},
        params: { epochs: 5, batch_size: 128, warmup_epochs: 3 },
      },
    ]),
    "POST /api/v1/specs/validate/": {
      body: { layers: [], total_params: 0, trainable_params: 0, input_shape: [], output_shape: [] },
    },
    ...extra,
  });
}

describe("the job form", () => {
  it("offers every kind of the registry with the inputs each takes", async () => {
    server();
    renderWithApp(<NewJobPage />, { path: "/jobs/new", route: "/jobs/new" });
    await userEvent.click(await screen.findByRole("radio", { name: /DeepDream/ }));
    expect(screen.getByLabelText("Image")).toHaveAttribute("type", "file");
    expect(screen.getByLabelText(/Model/)).not.toBeRequired(); // a built-in network by default
    expect(screen.queryByLabelText("Network")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Steps per octave")).toHaveValue(100);

    await userEvent.click(screen.getByRole("radio", { name: /Style transfer/ }));
    expect(screen.getByLabelText("Content image")).toBeRequired();
    expect(screen.getByLabelText("Style image")).toBeRequired();
  });

  it("asks a prediction for a dataset or a file of samples, labels optional", async () => {
    server();
    renderWithApp(<NewJobPage />, { path: "/jobs/new", route: "/jobs/new" });
    await userEvent.click(await screen.findByRole("radio", { name: /Batch prediction/ }));
    const samples = screen.getByLabelText(/Samples to predict/);
    expect(samples).toHaveAttribute("type", "file");
    expect(samples).toHaveAttribute("accept", ".npz,.csv,.zip");
    expect(samples).not.toBeRequired();
    expect(samples).toHaveAccessibleDescription(/and y if you have labels/);
  });

  it("starts from the template's suggested settings and submits typed params", async () => {
    const calls = server({
      "POST /api/v1/jobs/": { status: 202, body: { id: "j-1", kind: "train", status: "queued" } },
    });
    renderWithApp(<NewJobPage />, { path: "/jobs/new", route: "/jobs/new?spec=s-1&dataset=d-1&template=mnist_mlp" });
    const epochs = await screen.findByLabelText("Epochs");
    await waitFor(() => expect(epochs).toHaveValue(5));
    expect(screen.getByLabelText("Batch size")).toHaveValue(128);
    expect(await screen.findByTestId("fit-check")).toHaveTextContent("fits the dataset");

    await userEvent.clear(epochs);
    await userEvent.type(epochs, "2");
    await userEvent.click(screen.getByRole("button", { name: "Submit job" }));
    expect(await screen.findByText("elsewhere")).toBeInTheDocument(); // went to the job's page
    const submitted = calls.find((c) => c.method === "POST" && c.url === "/api/v1/jobs/")!;
    expect(submitted.body).toMatchObject({
      kind: "train",
      dataset: "d-1",
      spec: "s-1",
      params: { epochs: 2, batch_size: 128 },
    });
    expect((submitted.body as { params: object }).params).not.toHaveProperty("warmup_epochs");
  });

  it("shows the server's refusal in words", async () => {
    server({
      "POST /api/v1/jobs/": {
        status: 400,
        body: { code: "spec_incompatible", message: "The network takes 784 inputs; the dataset has 64." },
      },
    });
    renderWithApp(<NewJobPage />, { path: "/jobs/new", route: "/jobs/new?spec=s-1&dataset=d-1" });
    await userEvent.click(await screen.findByRole("button", { name: "Submit job" }));
    expect(await screen.findByText("The network takes 784 inputs; the dataset has 64.")).toBeInTheDocument();
  });
});
