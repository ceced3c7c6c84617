/** A job's files: image outputs as a gallery (frames in order), everything as a download. */
import type { Artifact } from "../api/types";
import { formatBytes } from "../lib/format";

export function isImage(artifact: Artifact): boolean {
  return artifact.content_type.startsWith("image/");
}

export function ArtifactGallery({ artifacts }: { artifacts: Artifact[] }) {
  const images = artifacts.filter(isImage);
  if (!images.length) return null;
  return (
    <ul className="gallery" aria-label="Image outputs">
      {images.map((artifact) => (
        <li key={artifact.id}>
          <figure>
            <a href={artifact.download_url} download={artifact.name}>
              <img src={artifact.download_url} alt={artifact.name} loading="lazy" />
            </a>
            <figcaption>
              {artifact.name}
              {artifact.kind === "input" && <span className="muted"> (input)</span>}
            </figcaption>
          </figure>
        </li>
      ))}
    </ul>
  );
}

export function ArtifactDownloads({
  artifacts,
  emptyText = "No files yet.",
}: {
  artifacts: Artifact[];
  emptyText?: string;
}) {
  if (!artifacts.length) return <p className="muted">{emptyText}</p>;
  return (
    <ul className="downloads">
      {artifacts.map((artifact) => (
        <li key={artifact.id}>
          <a className="download" href={artifact.download_url} download={artifact.name} data-kind={artifact.kind}>
            <span className="download-icon" aria-hidden="true">
              ⤓
            </span>
            <span>
              <strong>{artifact.name}</strong>
              <span className="muted">
                {" "}
                {artifact.kind} · {formatBytes(artifact.size_bytes)}
              </span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
