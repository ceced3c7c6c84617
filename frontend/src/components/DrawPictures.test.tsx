import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { TrainedModel } from "../api/types";
import { renderWithApp, stubFetch } from "../test/render";
import { DrawPictures } from "./DrawPictures";

const generator = { id: "g-1", task: "generator", class_names: ["0", "1", "2"] } as unknown as TrainedModel;
const PIXEL = "iVBORw0KGgo="; // the pictures' bytes do not matter here

describe("drawing pictures with a GAN's generator", () => {
  it("asks for a count of pictures of the chosen class and shows them", async () => {
    const calls = stubFetch({
      "POST /api/v1/models/g-1/predict/": {
        body: {
          id: "r-1",
          model: "g-1",
          status: "done",
          task: "generator",
          predictions: [
            { image: PIXEL, latent: [0.1], label: "2", index: 2 },
            { image: PIXEL, latent: [0.2], label: "2", index: 2 },
          ],
        },
      },
    });
    renderWithApp(<DrawPictures model={generator} />);
    await userEvent.clear(screen.getByLabelText("Pictures"));
    await userEvent.type(screen.getByLabelText("Pictures"), "2");
    await userEvent.selectOptions(screen.getByLabelText("Class"), "2");
    await userEvent.click(screen.getByRole("button", { name: "Draw" }));

    const pictures = await screen.findByRole("list", { name: "Drawn pictures" });
    expect(
      within(pictures)
        .getAllByRole("img")
        .map((img) => img.getAttribute("alt")),
    ).toEqual(["Picture 1, 2", "Picture 2, 2"]);
    expect(within(pictures).getAllByRole("img")[0]).toHaveAttribute("src", `data:image/png;base64,${PIXEL}`);
    expect(calls[0]!.body).toEqual({ count: 2, class: "2", top_k: 5 });
  });

  it("shows a walk between two latent points as one strip", async () => {
    const calls = stubFetch({
      "POST /api/v1/models/g-1/predict/": {
        body: { id: "r-2", model: "g-1", status: "done", predictions: [], strip: PIXEL },
      },
    });
    renderWithApp(<DrawPictures model={generator} />);
    await userEvent.click(screen.getByRole("button", { name: "Walk between two points" }));

    expect(await screen.findByAltText("A walk between two latent points")).toBeInTheDocument();
    expect(calls[0]!.body).toEqual({ interpolate: 10, top_k: 5 });
  });

  it("says why the server refused", async () => {
    stubFetch({
      "POST /api/v1/models/g-1/predict/": {
        status: 400,
        body: { code: "too_many_inputs", message: "20 pictures in one request; at most 16.", details: {} },
      },
    });
    renderWithApp(<DrawPictures model={generator} />);
    await userEvent.click(screen.getByRole("button", { name: "Draw" }));
    expect(await screen.findByText(/at most 16/)).toBeInTheDocument();
  });
});
