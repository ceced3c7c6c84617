/**
 * A GAN job's pictures: the grid of samples its generator drew after each epoch (the newest
 * large, every earlier one a click away), and once the job ends the grids as an animation and
 * the interpolation strip. The worker names the grids `samples-epoch-00003.png`.
 */
import { useState } from "react";

import type { Artifact } from "../api/types";

const GRID = /^samples-epoch-(\d+)\.png$/;
const ANIMATION = "samples.gif";
const STRIP = "interpolation.png";

export interface SampleGrid {
  epoch: number;
  artifact: Artifact;
}

/** The per-epoch grids, by epoch (one per epoch: a grid stored again replaces the first). */
export function sampleGrids(artifacts: Artifact[]): SampleGrid[] {
  const byEpoch = new Map<number, Artifact>();
  for (const artifact of artifacts) {
    const match = artifact.kind === "image" ? GRID.exec(artifact.name) : null;
    if (match) byEpoch.set(Number(match[1]), artifact);
  }
  return [...byEpoch].sort(([a], [b]) => a - b).map(([epoch, artifact]) => ({ epoch, artifact }));
}

/** The GAN's own pictures, which SampleGallery shows; the job's other images go elsewhere. */
export function isSamplePicture(artifact: Artifact): boolean {
  return GRID.test(artifact.name) || artifact.name === ANIMATION || artifact.name === STRIP;
}

export function SampleGallery({ artifacts, running }: { artifacts: Artifact[]; running: boolean }) {
  const grids = sampleGrids(artifacts);
  const [chosen, setChosen] = useState<number | null>(null);
  const animation = running ? undefined : artifacts.find((a) => a.name === ANIMATION);
  const strip = running ? undefined : artifacts.find((a) => a.name === STRIP);
  if (!grids.length && !animation) return null;
  // the newest grid, unless the user picked an earlier one
  const shown = grids.find((g) => g.epoch === chosen) ?? grids[grids.length - 1];
  return (
    <div className="samples" data-testid="sample-gallery">
      <div className="samples-main">
        {shown && (
          <figure>
            <img
              src={shown.artifact.download_url}
              alt={`Samples after epoch ${shown.epoch}`}
              className="pixelated"
              data-testid="sample-grid"
            />
            <figcaption>
              After epoch {shown.epoch}
              {running && shown === grids[grids.length - 1] && <span className="muted"> (newest)</span>}
            </figcaption>
          </figure>
        )}
        {animation && (
          <figure>
            <img
              src={animation.download_url}
              alt="Every epoch's samples, animated"
              className="pixelated"
              data-testid="sample-animation"
            />
            <figcaption>
              Epoch by epoch ·{" "}
              <a href={animation.download_url} download={animation.name}>
                download the GIF
              </a>
            </figcaption>
          </figure>
        )}
      </div>
      {grids.length > 1 && (
        <ol className="samples-epochs" aria-label="Samples by epoch">
          {grids.map((grid) => (
            <li key={grid.artifact.id}>
              <button
                type="button"
                aria-pressed={grid === shown}
                aria-label={`Epoch ${grid.epoch}`}
                onClick={() => setChosen(grid.epoch)}
              >
                <img src={grid.artifact.download_url} alt="" loading="lazy" className="pixelated" />
                <span>{grid.epoch}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
      {strip && (
        <figure>
          <img src={strip.download_url} alt="A walk between two latent points" className="pixelated" />
          <figcaption>Interpolation between two latent points</figcaption>
        </figure>
      )}
    </div>
  );
}
