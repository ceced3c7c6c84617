"""A confusion matrix as a PNG: rows the true class, columns the predicted one, each cell
shaded by the share of its row (so every class reads alike whatever its size)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

MAX_SIDE = 800  # pixels the cells take together, at most
MAX_CELL = 48
LABELLED_UP_TO = 60  # classes; more get no names or counts, only shades
_LOW = np.array([247, 251, 255], np.float32)  # white-blue ...
_HIGH = np.array([8, 48, 107], np.float32)  # ... to dark blue
_MARGIN = 12


def draw_confusion_matrix(matrix: np.ndarray, class_names: list[str], path: Path) -> Path:
    classes = len(matrix)
    cell = max(1, min(MAX_CELL, MAX_SIDE // max(classes, 1)))
    labelled = classes <= LABELLED_UP_TO and cell >= 8
    font = ImageFont.load_default()
    names = [name[:14] for name in class_names] if labelled else []
    label_width = max((int(font.getlength(n)) for n in names), default=0) + _MARGIN
    left = label_width + _MARGIN + 14  # room for the "true" caption
    top = label_width + _MARGIN + 14
    side = cell * classes
    image = Image.new("RGB", (left + side + _MARGIN, top + side + _MARGIN), "white")
    draw = ImageDraw.Draw(image)
    rows = matrix.sum(axis=1, keepdims=True)
    share = np.divide(matrix, rows, out=np.zeros(matrix.shape, np.float64), where=rows > 0)
    for r in range(classes):
        for c in range(classes):
            colour = _LOW + (_HIGH - _LOW) * float(share[r, c])
            x, y = left + c * cell, top + r * cell
            draw.rectangle([x, y, x + cell - 1, y + cell - 1], fill=tuple(int(v) for v in colour))
            if labelled and cell >= 20 and matrix[r, c]:
                text = str(int(matrix[r, c]))
                ink = "white" if share[r, c] > 0.5 else "black"
                width = font.getlength(text)
                draw.text((x + (cell - width) / 2, y + cell / 2 - 5), text, fill=ink, font=font)
    for i, name in enumerate(names):
        middle = i * cell + cell / 2
        draw.text((left - _MARGIN - font.getlength(name), top + middle - 5), name, fill="black",
                  font=font)  # fmt: skip
        _vertical_text(image, (left + middle - 5, top - _MARGIN), name, font)
    draw.text((2, top + side / 2), "true", fill="gray", font=font)
    draw.text((left + side / 2 - 20, 2), "predicted", fill="gray", font=font)
    image.save(path, format="PNG")
    return path


def _vertical_text(
    image: Image.Image,
    bottom_left: tuple[float, float],
    text: str,
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
) -> None:
    """Column names read upwards, ending just above the first row."""
    width = int(font.getlength(text)) + 2
    strip = Image.new("L", (width, 12), 0)
    ImageDraw.Draw(strip).text((1, 0), text, fill=255, font=font)
    rotated = strip.rotate(90, expand=True)
    x, y = bottom_left
    image.paste((0, 0, 0), (int(x), int(y) - rotated.height), rotated)
