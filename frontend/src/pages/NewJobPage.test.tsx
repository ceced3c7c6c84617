import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { JobKind } from "../api/types";
import { JOB_KINDS } from "../test/jobKinds";
import { renderWithApp, stubFetch } from "../test/render";
import { NewJobPage } from "./NewJobPage";

const page = (results: unknown[]) => ({ body: { count: results.length, next: null, previous: null, results } });
const dataset = { id: "d-1", name: "digits", status: "ready", stats: {} };
const spec = { id: "s-1", name: "mlp", spec: { layers: [] }, summary: null };

function server(extra: Record<string, unknown> = {}) {
  return stubFetch({
    "GET /api/v1/job-kinds/": { body: JOB_KINDS },
    "GET /api/v1/datasets/": page([dataset]),
    "GET /api/v1/specs/": page([spec]),
    "GET /api/v1/models/": page([{ id: "m-1", name: "convnet" }]),
    "GET /api/v1/templates/": {
      body: [
        {
          key: "mnist_mlp",
          name: "MNIST MLP",
          explanation: "",
          spec: {},
          params: { epochs: 5, batch_size: 128, warmup_epochs: 3 },
        },
      ],
    },
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
    expect(samples).toHaveAccessibleDescription(/optionally y/);
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

  it("offers a kind the server added, with its params and files, and sends them", async () => {
    const echo: JobKind = {
      name: "echo",
      title: "Echo a file",
      description: "Send a file back, a number of times.",
      queue: "inference",
      needs_dataset: false,
      needs_spec: false,
      needs_model: false,
      accepts_dataset: false,
      accepts_spec: false,
      accepts_model: false,
      inputs: [{ name: "payload", required: true, title: "Payload", description: "Any file at all.", accept: "" }],
      artifact_kinds: ["report"],
      checkpointed: false,
      params_schema: {
        type: "object",
        properties: {
          times: { type: "integer", minimum: 1, maximum: 9, default: 2, title: "Times", description: "How often." },
        },
      },
    };
    const calls = server({
      "GET /api/v1/job-kinds/": { body: [...JOB_KINDS, echo] },
      "POST /api/v1/jobs/": { status: 202, body: { id: "j-2", kind: "echo", status: "queued" } },
    });
    renderWithApp(<NewJobPage />, { path: "/jobs/new", route: "/jobs/new" });

    const option = await screen.findByRole("radio", { name: /Echo a file/ });
    expect(option.closest("label")).toHaveTextContent("Send a file back, a number of times.");
    await userEvent.click(option);
    const times = screen.getByLabelText("Times");
    expect(times).toHaveValue(2);
    const payload = screen.getByLabelText("Payload");
    expect(payload).toHaveAttribute("type", "file");
    expect(payload).toBeRequired();
    expect(payload).not.toHaveAttribute("accept");
    expect(payload).toHaveAccessibleDescription("Any file at all.");
    expect(screen.queryByLabelText("Dataset")).not.toBeInTheDocument();

    await userEvent.clear(times);
    await userEvent.type(times, "3");
    await userEvent.upload(payload, new File(["hello"], "hello.txt", { type: "text/plain" }));
    // jsdom's constraint validation does not see files set by user-event: submit the form itself
    fireEvent.submit(screen.getByRole("button", { name: "Submit job" }).closest("form")!);
    expect(await screen.findByText("elsewhere")).toBeInTheDocument();
    const submitted = calls.find((c) => c.method === "POST" && c.url === "/api/v1/jobs/")!;
    const form = submitted.body as Record<string, unknown>;
    expect(form.kind).toBe("echo");
    expect(JSON.parse(form.params as string)).toEqual({ times: 3 });
    expect(await (form.payload as Blob).text()).toBe("hello"); // the file, under its input's name
  });
});
