/** Ask a trained model about one input (numbers, or an image for image models): its top 5. */
import { useState, type FormEvent } from "react";

import { predict, settledPrediction, type PredictInput } from "../api/queries";
import type { PredictAnswer, TrainedModel } from "../api/types";
import { formatMetric, formatPercent, formatShape } from "../lib/format";
import { parseNumbers, readAnswer, type Answer } from "../lib/predictions";
import { ErrorNotice } from "./ErrorNotice";

async function answerOf(first: PredictAnswer): Promise<Answer> {
  return readAnswer(await settledPrediction(first));
}

export function TryModel({ model }: { model: TrainedModel }) {
  const shape = (model.input_shape ?? []) as number[];
  const takesImages = shape.length >= 2;
  const expected = shape.reduce((a, b) => a * b, 1);
  const [text, setText] = useState("");
  const [image, setImage] = useState<File | null>(null);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setAnswer(null);
    let body: PredictInput;
    if (takesImages) {
      if (!image) return setError(new Error("Choose an image."));
      body = { image };
    } else {
      const parsed = parseNumbers(text);
      if (!parsed.ok) return setError(new Error(parsed.error));
      if (parsed.values.length !== expected) {
        return setError(
          new Error(`The model takes ${expected} numbers ${formatShape(shape)}; you gave ${parsed.values.length}.`),
        );
      }
      body = { inputs: [parsed.values] };
    }
    setBusy(true);
    try {
      setAnswer(await answerOf(await predict(model.id, body)));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="try" onSubmit={onSubmit}>
      {takesImages ? (
        <div className="field">
          <label htmlFor={`try-image-${model.id}`}>Image</label>
          <input
            id={`try-image-${model.id}`}
            type="file"
            accept="image/*"
            onChange={(e) => setImage(e.target.files?.[0] ?? null)}
          />
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`try-numbers-${model.id}`}>{expected} numbers, separated by commas or spaces</label>
          <textarea id={`try-numbers-${model.id}`} rows={2} value={text} onChange={(e) => setText(e.target.value)} />
        </div>
      )}
      <button type="submit" className="button" disabled={busy}>
        {busy ? "Asking…" : "Predict"}
      </button>
      <ErrorNotice error={error} />
      {answer?.kind === "classes" && (
        <ol className="predictions" aria-label="Top predictions" data-testid="predictions">
          {answer.top.map((p, i) => (
            <li key={i}>
              <span className="prediction-label">{p.label}</span>
              {p.probability !== null && (
                <>
                  <span
                    className="prediction-bar"
                    style={{ width: `${Math.max(2, p.probability * 100)}%` }}
                    aria-hidden="true"
                  />
                  <span className="prediction-value">{formatPercent(p.probability)}</span>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
      {answer?.kind === "value" && (
        <p className="prediction-single" data-testid="predictions">
          Predicted value:{" "}
          <strong>
            {Array.isArray(answer.value)
              ? answer.value.map((v) => formatMetric(v as number)).join(", ")
              : String(answer.value)}
          </strong>
        </p>
      )}
      {answer?.kind === "pending" && <p className="muted">The model is still busy; try again in a moment.</p>}
      {answer?.kind === "other" && <pre className="code-block">{JSON.stringify(answer.body, null, 2)}</pre>}
    </form>
  );
}
