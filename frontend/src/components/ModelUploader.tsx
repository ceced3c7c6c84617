/** Upload a Keras model (`.keras` only; the server loads it in a sandbox with safe_mode). */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { keys, uploadModel } from "../api/queries";
import { DropZone } from "./DropZone";
import { UploadStatus, useUpload } from "./Upload";

export function ModelUploader() {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [task, setTask] = useState("");
  const [classNames, setClassNames] = useState("");
  const upload = useUpload(
    (file, progress) =>
      uploadModel(
        {
          file,
          name: name.trim(),
          task,
          classNames: classNames
            .split(",")
            .map((c) => c.trim())
            .filter(Boolean),
        },
        progress,
      ),
    () => client.invalidateQueries({ queryKey: keys.models }),
  );
  return (
    <section className="card" aria-labelledby="model-upload-title">
      <h2 id="model-upload-title">Upload a model</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="model-name">Name</label>
          <input id="model-name" value={name} placeholder="the file's name" onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="model-task">Task</label>
          <select id="model-task" value={task} onChange={(e) => setTask(e.target.value)}>
            <option value="">Tell from the model</option>
            <option value="classification">Classification</option>
            <option value="regression">Regression</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="model-classes">Class names</label>
          <input
            id="model-classes"
            value={classNames}
            placeholder="cat, dog, …"
            aria-describedby="model-classes-help"
            onChange={(e) => setClassNames(e.target.value)}
          />
          <small id="model-classes-help" className="help">
            In the order of the model's outputs, separated by commas.
          </small>
        </div>
      </div>
      <DropZone
        accept=".keras"
        onFile={upload.start}
        disabled={upload.busy}
        hint="A model saved with model.save('model.keras'). Other formats, Lambda layers and custom objects are refused."
      />
      <UploadStatus
        phase={upload.phase}
        onCancel={upload.cancel}
        after="checking it"
        failed="The model was not accepted."
      />
    </section>
  );
}
