import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";

import { paramFields } from "../lib/paramsSchema";
import { ParamsForm } from "./ParamsForm";

const fields = paramFields({
  properties: {
    epochs: { type: "integer", minimum: 1, default: 10, description: "Passes over the training data." },
    xla: { type: "boolean", default: false },
    optimizer: { enum: ["adam", "sgd"], default: "adam" },
  },
});

function Harness({ onTexts }: { onTexts: (texts: Record<string, string>) => void }) {
  const [texts, setTexts] = useState<Record<string, string>>({});
  return (
    <ParamsForm
      fields={fields}
      texts={texts}
      errors={{ epochs: "Epochs must be at least 1." }}
      onChange={(name, text) => {
        const next = { ...texts, [name]: text };
        setTexts(next);
        onTexts(next);
      }}
    />
  );
}

describe("the parameters form", () => {
  it("shows each parameter with its label, default, help and error", async () => {
    let latest: Record<string, string> = {};
    render(<Harness onTexts={(t) => (latest = t)} />);
    const epochs = screen.getByLabelText("Epochs");
    expect(epochs).toHaveValue(10);
    expect(epochs).toHaveAccessibleDescription("Passes over the training data. Epochs must be at least 1.");
    expect(epochs).toHaveAttribute("aria-invalid", "true");

    await userEvent.clear(epochs);
    await userEvent.type(epochs, "3");
    await userEvent.click(screen.getByLabelText("XLA"));
    await userEvent.selectOptions(screen.getByLabelText("Optimizer"), "sgd");
    expect(latest).toEqual({ epochs: "3", xla: "true", optimizer: "sgd" });
  });
});
