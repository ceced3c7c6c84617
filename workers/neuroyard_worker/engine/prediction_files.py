"""The files a batch prediction writes as it goes: a CSV row per sample, and an NPZ whose
arrays fill memory-mapped .npy files a batch at a time, so neither ever sits whole in memory."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path
from typing import IO, Any

import numpy as np


class NpzColumns:
    """Arrays of a known length written in slices, then packed into one .npz."""

    def __init__(self, folder: Path, samples: int) -> None:
        self.folder = folder / "npz-parts"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.samples = samples
        self.arrays: dict[str, np.memmap] = {}

    def write(self, name: str, start: int, values: np.ndarray) -> None:
        array = self.arrays.get(name)
        if array is None:
            array = np.lib.format.open_memmap(
                self.folder / f"{name}.npy",
                mode="w+",
                dtype=values.dtype,
                shape=(self.samples, *values.shape[1:]),
            )
            self.arrays[name] = array
        array[start : start + len(values)] = values

    def finish(self, path: Path, *, extra: dict[str, np.ndarray]) -> Path:
        for array in self.arrays.values():
            array.flush()
        self.arrays.clear()  # closes the maps before the files are read
        for name, values in extra.items():
            np.save(self.folder / f"{name}.npy", values, allow_pickle=False)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as out:
            for part in sorted(self.folder.glob("*.npy")):
                out.write(part, arcname=part.name)
        shutil.rmtree(self.folder)
        return path


# OWASP's CSV injection rule: a cell a spreadsheet would run as a formula gets a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Text that starts like a formula (a class name from the dataset) is quoted; numbers,
    including negative ones written as text, are left as they are."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if value[0] in "+-" and value == value.strip():
        try:
            float(value)
            return value
        except ValueError:
            pass
    return "'" + value


class CsvRows:
    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self._handle: IO[str] = path.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(header)

    def write(self, rows: list[list[Any]]) -> None:
        self._writer.writerows([csv_cell(cell) for cell in row] for row in rows)

    def close(self) -> Path:
        self._handle.close()
        return self.path


def csv_header(*, classification: bool, k: int, labelled: bool, width: int) -> list[str]:
    columns = ["index", "split"]
    if classification:
        columns += ["true_label"] if labelled else []
        columns += ["predicted_label"]
        for rank in range(1, k + 1):
            columns += [f"top_{rank}_label", f"top_{rank}_probability"]
        return columns
    names = ["value"] if width == 1 else [f"value_{i}" for i in range(width)]
    targets = ["target"] if width == 1 else [f"target_{i}" for i in range(width)]
    return columns + (targets if labelled else []) + names


def probability_text(p: float) -> str:
    return f"{p:.6g}"
