/**
 * A model's downloads in each format. Keras' own file is there at once; SavedModel and TFLite are
 * converted on the first download (the server answers 202 meanwhile), so those buttons wait for
 * the conversion and then start the download.
 */
import { useState } from "react";

import { api, getUrl, unwrap } from "../api/client";
import type { operations } from "../api/schema";
import type { TrainedModel } from "../api/types";
import { ErrorNotice } from "./ErrorNotice";

type DownloadFormat = NonNullable<
  NonNullable<operations["v1_models_download_retrieve"]["parameters"]["query"]>["format"]
>;

// Checked against the API's enum: a format the server drops stops the build.
const FORMATS: { format: DownloadFormat; label: string }[] = [
  { format: "keras", label: ".keras" },
  { format: "savedmodel", label: "SavedModel (zip)" },
  { format: "tflite", label: "TFLite" },
];

const RETRY_MS = 2000;
const MAX_WAIT_MS = 10 * 60 * 1000;

function downloadParams(modelId: string, format: DownloadFormat) {
  return { path: { model_id: modelId }, query: { format } };
}

export function downloadUrl(modelId: string, format: DownloadFormat): string {
  return getUrl("/api/v1/models/{model_id}/download/", downloadParams(modelId, format));
}

/** Waits until the server has the format ready (200), without reading the file itself. */
export async function waitForExport(
  modelId: string,
  format: DownloadFormat,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
) {
  for (let waited = 0; waited < MAX_WAIT_MS; waited += RETRY_MS) {
    const answer = api.GET("/api/v1/models/{model_id}/download/", {
      params: downloadParams(modelId, format),
      parseAs: "stream",
    });
    const { response } = await answer;
    if (response.status !== 202) {
      const file = await unwrap(answer);
      await file?.cancel();
      return;
    }
    await response.body?.cancel();
    await sleep(RETRY_MS);
  }
  throw new Error("The conversion is taking too long; try the download again later.");
}

export function ModelDownloads({ model }: { model: TrainedModel }) {
  const [converting, setConverting] = useState<DownloadFormat | null>(null);
  const [error, setError] = useState<unknown>(null);

  const convertThenDownload = async (format: DownloadFormat) => {
    setConverting(format);
    setError(null);
    try {
      await waitForExport(model.id, format);
      window.location.assign(downloadUrl(model.id, format)); // an attachment: the page stays
    } catch (caught) {
      setError(caught);
    } finally {
      setConverting(null);
    }
  };

  return (
    <div className="downloads-row">
      <div className="page-actions">
        {FORMATS.map(({ format, label }) =>
          format === "keras" ? (
            <a key={format} className="button button-primary" href={downloadUrl(model.id, format)} download>
              Download {label}
            </a>
          ) : (
            <button
              key={format}
              type="button"
              className="button"
              disabled={converting !== null}
              onClick={() => convertThenDownload(format)}
            >
              {converting === format ? `Converting to ${label}…` : `Download ${label}`}
            </button>
          ),
        )}
      </div>
      <ErrorNotice error={error} title="The model could not be converted." />
    </div>
  );
}
