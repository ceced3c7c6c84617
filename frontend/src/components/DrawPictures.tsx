/** Ask a GAN's generator for pictures: a few from random latent points (of a class, for a
 * conditional GAN), or a walk between two as a strip. */
import { useState, type FormEvent } from "react";

import { generate, settledPrediction, type GenerateRequest } from "../api/queries";
import type { TrainedModel } from "../api/types";
import { ErrorNotice } from "./ErrorNotice";

const MAX_COUNT = 16;

interface Drawn {
  pictures: { image: string; label?: string }[];
  strip?: string;
}

const png = (base64: string) => `data:image/png;base64,${base64}`;

export function DrawPictures({ model }: { model: TrainedModel }) {
  const classes = (model.class_names ?? []) as string[];
  const [count, setCount] = useState(8);
  const [chosenClass, setChosenClass] = useState("");
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const ask = async (request: GenerateRequest) => {
    setError(null);
    setBusy(true);
    try {
      const body = await settledPrediction(
        await generate(model.id, chosenClass ? { ...request, class: chosenClass } : request),
      );
      if (body.status === "pending") throw new Error("The generator is still busy; try again in a moment.");
      const pictures = (body.predictions ?? []).map((p) => ({ image: p.image ?? "", label: p.label }));
      setDrawn({ pictures, strip: body.strip });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const onDraw = (event: FormEvent) => {
    event.preventDefault();
    void ask({ count });
  };

  return (
    <form className="try" onSubmit={onDraw} data-testid="draw-pictures">
      <div className="field">
        <label htmlFor={`draw-count-${model.id}`}>Pictures</label>
        <input
          id={`draw-count-${model.id}`}
          type="number"
          min={1}
          max={MAX_COUNT}
          value={count}
          onChange={(e) => setCount(Number(e.target.value))}
        />
      </div>
      {classes.length > 0 && (
        <div className="field">
          <label htmlFor={`draw-class-${model.id}`}>Class</label>
          <select id={`draw-class-${model.id}`} value={chosenClass} onChange={(e) => setChosenClass(e.target.value)}>
            <option value="">any</option>
            {classes.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
      )}
      <button type="submit" className="button" disabled={busy}>
        {busy ? "Drawing…" : "Draw"}
      </button>{" "}
      <button type="button" className="button" disabled={busy} onClick={() => void ask({ interpolate: 10 })}>
        Walk between two points
      </button>
      <ErrorNotice error={error} />
      {drawn?.strip ? (
        <img className="pixelated drawn-strip" src={png(drawn.strip)} alt="A walk between two latent points" />
      ) : (
        drawn && (
          <ul className="drawn" aria-label="Drawn pictures">
            {drawn.pictures.map((picture, i) => (
              <li key={i}>
                <img
                  className="pixelated"
                  src={png(picture.image)}
                  alt={`Picture ${i + 1}${picture.label ? `, ${picture.label}` : ""}`}
                />
              </li>
            ))}
          </ul>
        )
      )}
    </form>
  );
}
