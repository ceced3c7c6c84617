"""What a GAN job shows of its generator: grids of samples as PNGs, and the grids as a GIF."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image

from neuroyard_worker.engine.images import write_png

GRID_PREFIX = "samples-epoch-"  # then the epoch number: samples-epoch-00003.png
GAP = 2  # pixels between the pictures of a grid
FRAME_MS = 400  # per grid in the animation; the last one is held longer
SMALLEST_SIDE = 256  # small grids (of 28x28 digits) are enlarged to about this, sharp


def grid_file(folder: Path, epoch: int) -> Path:
    return folder / f"{GRID_PREFIX}{epoch:05d}.png"


def sample_grid(pictures: np.ndarray, *, columns: int) -> np.ndarray:
    """Pictures (n, height, width, channels) in [0, 1] as one image of `columns` per row, in
    pixels [0, 255], on a white background."""
    count, height, width, channels = pictures.shape
    rows = -(-count // columns)
    grid = np.full(
        (rows * (height + GAP) + GAP, columns * (width + GAP) + GAP, channels),
        255.0,
        np.float32,
    )
    for index, picture in enumerate(pictures):
        top = GAP + (index // columns) * (height + GAP)
        left = GAP + (index % columns) * (width + GAP)
        grid[top : top + height, left : left + width] = picture * 255.0
    factor = max(1, SMALLEST_SIDE // max(grid.shape[:2]))
    return np.kron(grid, np.ones((factor, factor, 1), np.float32)) if factor > 1 else grid


def png_bytes(pixels: np.ndarray) -> bytes:
    """Pixels in [0, 255] (height, width, channels) as the bytes of a PNG."""
    return write_png(pixels, BytesIO()).getvalue()


def to_unit(pictures: np.ndarray, low: float, high: float) -> np.ndarray:
    """A generator's pictures, its pixels in [low, high], with pixels in [0, 1]."""
    return np.clip((np.asarray(pictures, np.float32) - low) / (high - low), 0.0, 1.0)


def write_grid(grid: np.ndarray, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_png(grid, path)


def animate(frames: Sequence[Path], path: Path) -> Path | None:
    """The grids as a looping GIF, in order; None when there are none. Missing files (grids of
    an earlier run that were not kept) are skipped."""
    images = [Image.open(frame) for frame in frames if frame.exists()]
    if not images:
        return None
    try:
        durations = [FRAME_MS] * (len(images) - 1) + [FRAME_MS * 5]
        images[0].save(
            path,
            format="GIF",
            save_all=True,
            append_images=images[1:],
            duration=durations,
            loop=0,
        )
    finally:
        for image in images:
            image.close()
    return path
