/** Drag-and-drop dataset upload with a progress bar; opens the dataset when it is in. */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";

import { keys, uploadDataset, type DatasetOption } from "../api/queries";
import { DropZone } from "./DropZone";
import { UploadStatus, useUpload } from "./Upload";

const ACCEPT = ".npz,.csv,.zip";

interface OptionField {
  name: DatasetOption;
  label: string;
  choices?: [string, string][];
  placeholder?: string;
  help?: string;
  inputMode?: "decimal" | "numeric";
}

/** What an uploader may declare (datasets/options.py); empty fields keep the server's default. */
const OPTION_FIELDS: OptionField[] = [
  {
    name: "format",
    label: "Format",
    choices: [
      ["", "Tell from the file name"],
      ["npz", "NumPy NPZ (x, y, x_test, y_test)"],
      ["csv", "CSV table"],
      ["image_folder", "ZIP of images, a folder per class"],
      ["text_csv", "CSV of texts and labels"],
    ],
  },
  {
    name: "task",
    label: "Task",
    choices: [
      ["", "Tell from the labels"],
      ["classification", "Classification"],
      ["regression", "Regression"],
    ],
  },
  { name: "label_column", label: "Label column", placeholder: "label", help: "CSV: the column with the answers." },
  { name: "text_column", label: "Text column", placeholder: "text", help: "Text CSV: the column with the texts." },
  { name: "image_size", label: "Image size", placeholder: "28x28", help: "Images are resized to height x width." },
  {
    name: "color_mode",
    label: "Colours",
    choices: [
      ["", "As the first image"],
      ["grayscale", "Grayscale"],
      ["rgb", "RGB"],
    ],
  },
  { name: "validation_fraction", label: "Validation fraction", placeholder: "0", inputMode: "decimal" },
  {
    name: "test_fraction",
    label: "Test fraction",
    placeholder: "0",
    inputMode: "decimal",
    help: "Unless the file has a test split.",
  },
  { name: "seed", label: "Seed", placeholder: "0", inputMode: "numeric", help: "Draws the held-out samples." },
];

export function DatasetUploader() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [options, setOptions] = useState<Partial<Record<DatasetOption, string>>>({});
  const upload = useUpload(
    (file, progress) => uploadDataset({ file, options }, progress),
    async (dataset) => {
      await client.invalidateQueries({ queryKey: keys.datasets });
      client.setQueryData(keys.dataset(dataset.id), dataset);
      void navigate(`/datasets/${dataset.id}`);
    },
  );

  return (
    <section className="card" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload a dataset</h2>
      <DropZone
        accept={ACCEPT}
        onFile={upload.start}
        disabled={upload.busy}
        hint="NPZ with arrays x, y (and x_test, y_test), a CSV with a label column, or a ZIP of images in one folder per class."
      />
      <details className="options">
        <summary>Options</summary>
        <div className="form-grid">
          {OPTION_FIELDS.map((field) => {
            const id = `upload-${field.name}`;
            const value = options[field.name] ?? "";
            const set = (text: string) => setOptions((current) => ({ ...current, [field.name]: text }));
            return (
              <div className="field" key={field.name}>
                <label htmlFor={id}>{field.label}</label>
                {field.choices ? (
                  <select id={id} value={value} onChange={(e) => set(e.target.value)}>
                    {field.choices.map(([choice, words]) => (
                      <option key={choice} value={choice}>
                        {words}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={id}
                    value={value}
                    placeholder={field.placeholder}
                    inputMode={field.inputMode}
                    aria-describedby={field.help ? `${id}-help` : undefined}
                    onChange={(e) => set(e.target.value)}
                  />
                )}
                {field.help && (
                  <small id={`${id}-help`} className="help">
                    {field.help}
                  </small>
                )}
              </div>
            );
          })}
        </div>
      </details>
      <UploadStatus
        phase={upload.phase}
        onCancel={upload.cancel}
        after="storing it"
        failed="The dataset was not accepted."
      />
    </section>
  );
}
