/** Uploads with progress: the state of one upload, and its bar, cancel button and error. */
import { useRef, useState } from "react";

import { formatBytes } from "../lib/format";
import type { UploadOptions, UploadProgress } from "../api/upload";
import { ErrorNotice } from "./ErrorNotice";
import { ProgressBar } from "./ProgressBar";

export type UploadPhase =
  | { kind: "idle" }
  | { kind: "uploading"; file: File; progress: UploadProgress | null }
  | { kind: "failed"; error: unknown };

export function useUpload<T>(
  send: (file: File, options: UploadOptions) => Promise<T>,
  onDone: (result: T) => void | Promise<void>,
) {
  const [phase, setPhase] = useState<UploadPhase>({ kind: "idle" });
  const abort = useRef<AbortController | null>(null);
  const start = async (file: File) => {
    abort.current = new AbortController();
    setPhase({ kind: "uploading", file, progress: null });
    try {
      const result = await send(file, {
        signal: abort.current.signal,
        onProgress: (progress) => setPhase({ kind: "uploading", file, progress }),
      });
      await onDone(result);
      setPhase({ kind: "idle" });
    } catch (error) {
      setPhase({ kind: "failed", error });
    }
  };
  return { phase, start, cancel: () => abort.current?.abort(), busy: phase.kind === "uploading" };
}

interface Props {
  phase: UploadPhase;
  onCancel: () => void;
  /** what the server does once the bytes are in */
  after: string;
  failed: string;
}

export function UploadStatus({ phase, onCancel, after, failed }: Props) {
  if (phase.kind === "failed") return <ErrorNotice error={phase.error} title={failed} />;
  if (phase.kind !== "uploading") return null;
  const sent = phase.progress;
  const done = sent !== null && sent.loaded >= sent.total;
  return (
    <>
      <ProgressBar
        label={`Uploading ${phase.file.name}`}
        value={sent && !done ? sent.loaded / sent.total : done ? null : 0}
        text={
          done
            ? `${phase.file.name}: uploaded, ${after}…`
            : `${phase.file.name}: ${formatBytes(sent?.loaded ?? 0)} of ${formatBytes(phase.file.size)}`
        }
      />
      <button type="button" className="button button-ghost" onClick={onCancel}>
        Cancel upload
      </button>
    </>
  );
}
