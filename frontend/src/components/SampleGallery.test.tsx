import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Artifact } from "../api/types";
import { isSamplePicture, SampleGallery, sampleGrids } from "./SampleGallery";

function artifact(name: string, kind: Artifact["kind"] = "image"): Artifact {
  return {
    id: `a-${name}`,
    kind,
    name,
    size_bytes: 100,
    sha256: "0".repeat(64),
    content_type: name.endsWith(".gif")
      ? "image/gif"
      : name.endsWith(".png")
        ? "image/png"
        : "application/octet-stream",
    created_at: "2026-01-01T00:00:00Z",
    download_url: `/api/v1/artifacts/a-${name}/download/`,
  };
}

const grid = (epoch: number) => artifact(`samples-epoch-${String(epoch).padStart(5, "0")}.png`);

describe("a GAN's sample gallery", () => {
  it("orders the grids by epoch and leaves the job's other files out", () => {
    const files = [grid(3), artifact("generator.keras", "model"), grid(1), grid(2), artifact("input.png", "input")];
    expect(sampleGrids(files).map((g) => g.epoch)).toEqual([1, 2, 3]);
    expect(files.filter(isSamplePicture).map((a) => a.name)).toEqual([
      "samples-epoch-00003.png",
      "samples-epoch-00001.png",
      "samples-epoch-00002.png",
    ]);
  });

  it("shows the newest grid while the job runs, and grows as epochs arrive", () => {
    const { rerender } = render(<SampleGallery artifacts={[grid(1)]} running />);
    expect(screen.getByTestId("sample-grid")).toHaveAttribute("alt", "Samples after epoch 1");
    expect(screen.queryByRole("list", { name: "Samples by epoch" })).toBeNull();

    rerender(<SampleGallery artifacts={[grid(1), grid(2), grid(3)]} running />);
    expect(screen.getByTestId("sample-grid")).toHaveAttribute("src", grid(3).download_url);
    expect(screen.getByText(/After epoch 3/)).toHaveTextContent("(newest)");
    const epochs = within(screen.getByRole("list", { name: "Samples by epoch" })).getAllByRole("button");
    expect(epochs.map((b) => b.textContent)).toEqual(["1", "2", "3"]);
    // no animation until the job ends, even if a file of that name were there
    expect(screen.queryByTestId("sample-animation")).toBeNull();
  });

  it("shows an earlier epoch's grid when it is picked", async () => {
    render(<SampleGallery artifacts={[grid(1), grid(2), grid(3)]} running={false} />);
    await userEvent.click(screen.getByRole("button", { name: "Epoch 1" }));
    expect(screen.getByTestId("sample-grid")).toHaveAttribute("src", grid(1).download_url);
    expect(screen.getByRole("button", { name: "Epoch 1" })).toHaveAttribute("aria-pressed", "true");
  });

  it("shows the animation and the interpolation strip once the job has ended", () => {
    const files = [grid(1), grid(2), artifact("samples.gif"), artifact("interpolation.png")];
    render(<SampleGallery artifacts={files} running={false} />);
    expect(screen.getByTestId("sample-animation")).toHaveAttribute("src", artifact("samples.gif").download_url);
    expect(screen.getByRole("link", { name: "download the GIF" })).toHaveAttribute("download", "samples.gif");
    expect(screen.getByAltText("A walk between two latent points")).toBeInTheDocument();
  });

  it("shows nothing for a job without samples", () => {
    const { container } = render(<SampleGallery artifacts={[artifact("generator.keras", "model")]} running={false} />);
    expect(container).toBeEmptyDOMElement();
  });
});
