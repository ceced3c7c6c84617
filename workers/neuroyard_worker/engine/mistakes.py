"""The most confident mistakes of a batch prediction over images: the few wrong answers the
network was surest of, kept batch by batch (never more than `limit` samples in memory), drawn
as one strip of thumbnails a page can cut into pictures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from neuroyard_worker.engine.images import from_model_input

THUMBNAIL = 64  # pixels a side; the strip is THUMBNAIL high and THUMBNAIL * mistakes wide


@dataclass
class Mistake:
    index: int  # the sample's number in the predictions
    split: str
    true: int
    predicted: int
    confidence: float  # the probability the network gave the wrong class
    picture: np.ndarray


class ConfidentMistakes:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: list[Mistake] = []

    def add(
        self,
        *,
        split: str,
        start: int,
        x: np.ndarray,
        labels: np.ndarray,
        predicted: np.ndarray,
        probabilities: np.ndarray,
    ) -> None:
        if self.limit <= 0 or x.ndim not in (3, 4):
            return
        wrong = np.flatnonzero((labels >= 0) & (predicted != labels))
        if not len(wrong):
            return
        confidence = probabilities[wrong, predicted[wrong]]
        floor = self.kept[-1].confidence if len(self.kept) >= self.limit else -1.0
        for i in wrong[np.argsort(-confidence, kind="stable")][: self.limit]:
            sure = float(probabilities[i, predicted[i]])
            if sure <= floor:
                break
            self.kept.append(
                Mistake(
                    int(start + i), split, int(labels[i]), int(predicted[i]), sure, np.array(x[i])
                )
            )
        self.kept.sort(key=lambda m: -m.confidence)
        del self.kept[self.limit :]

    def report(self, class_names: list[str]) -> list[dict[str, Any]]:
        def name(i: int) -> str:
            return class_names[i] if 0 <= i < len(class_names) else str(i)

        return [
            {
                "index": m.index,
                "split": m.split,
                "true": name(m.true),
                "predicted": name(m.predicted),
                "confidence": m.confidence,
                "position": n,  # its thumbnail's place in the strip
            }
            for n, m in enumerate(self.kept)
        ]

    def draw(self, path: Path) -> Path | None:
        if not self.kept:
            return None
        strip = Image.new("RGB", (THUMBNAIL * len(self.kept), THUMBNAIL), "white")
        for n, mistake in enumerate(self.kept):
            picture = _picture(mistake.picture)
            picture.thumbnail((THUMBNAIL, THUMBNAIL))
            if max(picture.size) < THUMBNAIL:  # small images (digits) grow, pixels kept sharp
                grow = THUMBNAIL // max(picture.size)
                picture = picture.resize(
                    (picture.width * grow, picture.height * grow), Image.Resampling.NEAREST
                )
            x = n * THUMBNAIL + (THUMBNAIL - picture.width) // 2
            strip.paste(picture, (x, (THUMBNAIL - picture.height) // 2))
        strip.save(path, format="PNG")
        return path


def _picture(sample: np.ndarray) -> Image.Image:
    """A sample as an 8-bit picture, by the rule every engine picture follows."""
    pixels = from_model_input(sample)
    if pixels is None and np.ndim(sample) == 3:  # 2 channels: their mean; 4 or more: RGB
        values = np.asarray(sample, np.float32)
        pixels = from_model_input(values[..., :3] if values.shape[-1] > 3 else values.mean(-1))
    assert pixels is not None, sample.shape
    values = np.clip(np.rint(pixels), 0, 255).astype(np.uint8)
    return Image.fromarray(values[..., 0] if values.shape[-1] == 1 else values)
