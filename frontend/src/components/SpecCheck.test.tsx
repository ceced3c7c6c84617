import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderWithApp, stubFetch } from "../test/render";
import { parseSpecText } from "../lib/specText";
import { SpecCheck } from "./SpecCheck";

const spec = '{"layers": [{"type": "Input", "shape": [4]}, {"type": "Dense", "units": 2}]}';

describe("live spec validation", () => {
  it("shows the layer table and total for a valid spec", async () => {
    const calls = stubFetch({
      "POST /api/v1/specs/validate/": {
        body: {
          layers: [
            { name: "input", type: "Input", output_shape: [4], params: 0, non_trainable_params: 0 },
            { name: "dense", type: "Dense", output_shape: [2], params: 10, non_trainable_params: 0 },
          ],
          total_params: 10,
          trainable_params: 10,
          input_shape: [4],
          output_shape: [2],
        },
      },
    });
    renderWithApp(<SpecCheck parsed={parseSpecText(spec)} text={spec} dataset="d-1" />);
    expect(await screen.findByText(/Valid for this dataset: 10 parameters/)).toBeInTheDocument();
    expect(screen.getByText("(None, 2)")).toBeInTheDocument();
    expect(screen.getByTestId("total-params")).toHaveTextContent("10");
    expect(calls[0]!.body).toEqual({ spec: JSON.parse(spec) as unknown, dataset: "d-1" });
  });

  it("lists every problem with where it is", async () => {
    stubFetch({
      "POST /api/v1/specs/validate/": {
        status: 400,
        body: {
          code: "spec_invalid",
          message: "layers[1] (Dense): units must be positive",
          details: { errors: [{ loc: "layers[1].units", message: "layers[1] (Dense): units must be positive" }] },
        },
      },
    });
    renderWithApp(<SpecCheck parsed={parseSpecText(spec)} text={spec} dataset={null} />);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("layers[1].units");
    expect(alert).toHaveTextContent("units must be positive");
  });

  it("says when the text is not JSON, without asking the server", () => {
    const calls = stubFetch({});
    renderWithApp(<SpecCheck parsed={parseSpecText("{")} text="{" dataset={null} />);
    expect(screen.getByTestId("spec-status")).toHaveTextContent("Not valid JSON");
    expect(calls).toHaveLength(0);
  });
});

describe("the layer table", () => {
  it("shows connections and memory for a graph of layers", async () => {
    const { LayerTable } = await import("./LayerTable");
    const { render } = await import("@testing-library/react");
    render(
      <LayerTable
        summary={{
          layers: [
            { name: "in", type: "Input", inputs: [], output_shape: [4], params: 0, non_trainable_params: 0 },
            { name: "a", type: "Dense", inputs: ["in"], output_shape: [3], params: 15, non_trainable_params: 0 },
            { name: "b", type: "Dense", inputs: ["in"], output_shape: [3], params: 15, non_trainable_params: 0 },
            { name: "sum", type: "Add", inputs: ["a", "b"], output_shape: [3], params: 0, non_trainable_params: 0 },
          ],
          total_params: 30,
          trainable_params: 30,
          non_trainable_params: 0,
          input_shape: [4],
          output_shape: [3],
          memory: {
            weights_bytes: 120,
            gradients_bytes: 120,
            optimizer_bytes: 240,
            activations_bytes_per_sample: 52,
            by_batch_size: [{ batch_size: 32, bytes: 2144 }],
          },
        }}
      />,
    );
    expect(screen.getByRole("columnheader", { name: "Connected to" })).toBeInTheDocument();
    expect(screen.getByRole("row", { name: /sum \(Add\).*a, b/ })).toBeInTheDocument();
    expect(screen.getByTestId("memory-estimate")).toHaveTextContent("2.1 KB at batch 32");
  });
});
