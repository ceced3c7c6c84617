/** A job's name in its page's title, with a button to rename it in place (the owner only). */
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { keys, renameJob } from "../api/queries";
import type { Job } from "../api/types";
import { ErrorNotice } from "./ErrorNotice";
import { Name } from "./Name";

export function JobName({ job, fallback, canRename }: { job: Job; fallback: string; canRename: boolean }) {
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  if (!editing) {
    return (
      <>
        <Name text={job.name} fallback={fallback} />
        {canRename && (
          <button
            type="button"
            className="button button-small button-quiet rename-button"
            onClick={() => {
              setDraft(job.name || fallback);
              setError(null);
              setEditing(true);
            }}
          >
            Rename
          </button>
        )}
      </>
    );
  }
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    try {
      client.setQueryData(keys.job(job.id), await renameJob(job.id, draft.trim()));
      void client.invalidateQueries({ queryKey: keys.jobs });
      setEditing(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form className="rename-form" onSubmit={onSubmit}>
      <label className="visually-hidden" htmlFor="job-name">
        Job name
      </label>
      <input
        id="job-name"
        value={draft}
        maxLength={200}
        required
        autoFocus
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") setEditing(false);
        }}
      />
      <button type="submit" className="button button-small button-primary" disabled={saving || !draft.trim()}>
        Save
      </button>
      <button type="button" className="button button-small" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}
