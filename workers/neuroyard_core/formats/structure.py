"""Cheap structural checks that read only headers: a CSV's header row, an NPZ's array headers,
a ZIP's central directory.

The web process runs them on every upload, so what they can tell is refused at once (400) and
nothing is stored; the ingestion task runs them again before it reads the data itself.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

import numpy as np

from neuroyard_core.errors import refused
from neuroyard_core.formats.options import IngestOptions
from neuroyard_core.safety import archives
from neuroyard_core.safety.archives import ArchiveLimits

CSV_HEADER_MAX_BYTES = 1024 * 1024
MAX_CSV_COLUMNS = 100_000
NPZ_SPLITS = {"train": ("x", "y"), "validation": ("x_val", "y_val"), "test": ("x_test", "y_test")}
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg"})
SPLIT_FOLDERS = {"train": "train", "validation": "validation", "val": "validation", "test": "test"}
# Entries every archiver adds that are not data.
_JUNK_NAMES = frozenset({"__MACOSX", "Thumbs.db", "desktop.ini"})


invalid = refused


def check_not_empty(path: Path) -> None:
    if path.stat().st_size == 0:
        raise invalid("dataset_empty", "The file is empty.")


# --- NPZ ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArrayHeader:
    name: str
    member: str  # the ZIP entry
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return self.shape[1:]


@dataclass(frozen=True)
class NpzLayout:
    """The arrays of an NPZ by split: {"train": (x, y), "test": (x_test, y_test), ...}; every
    y None when the file has no labels (inputs to predict)."""

    splits: Mapping[str, tuple[ArrayHeader, ArrayHeader | None]]
    class_names: ArrayHeader | None = None

    @property
    def labelled(self) -> bool:
        return self.splits["train"][1] is not None


def read_npy_header(handle: IO[bytes], name: str) -> tuple[tuple[int, ...], bool, np.dtype]:
    """Shape, Fortran order and dtype from a .npy header; the data is not read."""
    try:
        version = np.lib.format.read_magic(handle)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
        else:
            raise ValueError(f"unknown .npy version {version}")
    except (ValueError, OSError, EOFError, SyntaxError, zipfile.BadZipFile) as exc:
        raise invalid(
            "dataset_unreadable", f"Array '{name}' is not a readable NumPy array ({exc})."
        ) from None
    return tuple(shape), bool(fortran), dtype


def npz_layout(path: Path, *, labels_optional: bool = False) -> NpzLayout:
    """`labels_optional`: an NPZ without `y` is inputs to predict; its `x_val` and `x_test` are
    taken too, and any `y_*` ignored."""
    with open_archive(path, what="NumPy .npz archive") as archive:
        headers = {
            header.name: header
            for header in (_array_header(archive, info) for info in archive.infolist())
            if header is not None
        }
    if labels_optional and "x" in headers and "y" not in headers:
        return _unlabelled_npz_layout(headers)
    missing = sorted({"x", "y"} - set(headers))
    if missing:
        raise invalid(
            "dataset_missing_array",
            f"The NPZ must contain arrays 'x' and 'y'; missing: {', '.join(missing)}.",
            found=sorted(headers),
        )
    splits: dict[str, tuple[ArrayHeader, ArrayHeader]] = {}
    for split, (x_name, y_name) in NPZ_SPLITS.items():
        if (x_name in headers) != (y_name in headers):
            raise invalid(
                "dataset_missing_array", f"'{x_name}' and '{y_name}' must be given together."
            )
        if x_name in headers:
            splits[split] = (headers[x_name], headers[y_name])
    for x, y in splits.values():
        _check_samples(x, reference=splits["train"][0])
        _check_labels(x, y)
    class_names = headers.get("class_names")
    if class_names is not None and (class_names.dtype.kind != "U" or len(class_names.shape) != 1):
        raise invalid(
            "dataset_bad_labels", "'class_names' must be a 1-D array of strings, one per class."
        )
    return NpzLayout(splits=splits, class_names=class_names)


def _unlabelled_npz_layout(headers: dict[str, ArrayHeader]) -> NpzLayout:
    splits: dict[str, tuple[ArrayHeader, ArrayHeader | None]] = {}
    for split, (x_name, _) in NPZ_SPLITS.items():
        if x_name in headers:
            _check_samples(headers[x_name], reference=headers["x"])
            splits[split] = (headers[x_name], None)
    return NpzLayout(splits=splits)


def _array_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> ArrayHeader | None:
    if info.is_dir() or not info.filename.endswith(".npy"):
        return None
    name = info.filename[: -len(".npy")]
    try:
        with archive.open(info) as handle:
            shape, fortran, dtype = read_npy_header(handle, name)
    except (zipfile.BadZipFile, NotImplementedError) as exc:  # NotImplemented: compression
        raise invalid("dataset_unreadable", f"Array '{name}' cannot be read: {exc}.") from None
    if dtype.hasobject:
        raise invalid(
            "dataset_object_array",
            f"Array '{name}' holds Python objects (dtype=object); only numeric arrays and "
            "strings are accepted.",
            array=name,
        )
    return ArrayHeader(name=name, member=info.filename, shape=shape, dtype=dtype,
                       fortran_order=fortran)  # fmt: skip


def _check_samples(x: ArrayHeader, *, reference: ArrayHeader) -> None:
    if len(x.shape) == 0 or x.shape[0] == 0:
        raise invalid("dataset_empty", f"'{x.name}' has no samples.")
    if x.dtype.kind not in "biuf":
        raise invalid("dataset_not_numeric", f"'{x.name}' must be numeric; its dtype is {x.dtype}.")
    if x.sample_shape != reference.sample_shape:
        raise invalid(
            "dataset_shape_mismatch",
            f"'{x.name}' samples have shape {list(x.sample_shape)}, but "
            f"'{reference.name}' samples have shape {list(reference.sample_shape)}.",
        )


def _check_labels(x: ArrayHeader, y: ArrayHeader) -> None:
    if len(y.shape) == 0 or x.shape[0] != y.shape[0]:
        y_samples = y.shape[0] if y.shape else "no"
        raise invalid(
            "dataset_shape_mismatch",
            f"'{x.name}' has {x.shape[0]} samples but '{y.name}' has {y_samples}; they must match.",
        )
    if y.dtype.kind not in "biufU":
        raise invalid(
            "dataset_not_numeric",
            f"'{y.name}' must be numbers or class names; its dtype is {y.dtype}.",
        )


# --- CSV ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvLayout:
    header: list[str]
    label_at: int | None  # None: inputs to predict, without labels
    text_at: int | None = None  # text CSV: the text column

    @property
    def feature_columns(self) -> list[str]:
        return [name for i, name in enumerate(self.header) if i != self.label_at]


def csv_header(path: Path) -> list[str]:
    check_not_empty(path)
    with path.open("rb") as raw:
        head = raw.read(CSV_HEADER_MAX_BYTES)
    # Only the header must decode here; the rest is read by ingestion.
    text = head.decode("utf-8-sig", errors="replace")
    lines = io.StringIO(text, newline="")
    try:
        header = next(csv.reader(lines), None)
    except csv.Error as exc:
        raise invalid("dataset_unreadable", f"The CSV header could not be parsed: {exc}.") from None
    if not header or not any(cell.strip() for cell in header):
        raise invalid("dataset_empty", "The CSV has no header row.")
    if len(head) == CSV_HEADER_MAX_BYTES and lines.tell() >= len(text):
        raise invalid(
            "dataset_too_wide", f"The CSV header is longer than {CSV_HEADER_MAX_BYTES} bytes."
        )
    if any("\ufffd" in cell for cell in header):
        raise invalid("dataset_unreadable", "The CSV is not UTF-8 text.")
    header = [cell.strip() for cell in header]
    if len(header) > MAX_CSV_COLUMNS:
        raise invalid("dataset_too_wide", f"The CSV has more than {MAX_CSV_COLUMNS} columns.")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise invalid(
            "dataset_duplicate_column",
            f"The CSV names these columns more than once: {', '.join(duplicates)}.",
            columns=duplicates,
        )
    return header


def csv_layout(path: Path, options: IngestOptions, *, text: bool = False) -> CsvLayout:
    """With `options.purpose` "predict", the CSV may lack the label column."""
    header = csv_header(path)
    if options.purpose == "predict" and options.label_column not in header:
        text_at = _column(header, options.text_column, "text") if text else None
        return CsvLayout(header=header, label_at=None, text_at=text_at)
    label_at = _column(header, options.label_column, "label")
    if not text:
        if len(header) == 1:
            raise invalid("dataset_no_features", "The CSV has only the label column, no features.")
        return CsvLayout(header=header, label_at=label_at)
    text_at = _column(header, options.text_column, "text")
    return CsvLayout(header=header, label_at=label_at, text_at=text_at)


def _column(header: list[str], name: str, role: str) -> int:
    if name not in header:
        raise invalid(
            "dataset_missing_column",
            f"The CSV has no {role} column '{name}'. Columns: {', '.join(header)}.",
            columns=header,
            missing=name,
        )
    return header.index(name)


# --- ZIP archives ---------------------------------------------------------------------------


def check_ratio(name: str, unpacked: int, packed: int) -> None:
    archives.check_ratio(name, unpacked, packed, ArchiveLimits.for_datasets())


def open_archive(path: Path, *, what: str = "ZIP archive") -> zipfile.ZipFile:
    check_not_empty(path)
    return archives.open_archive(path, ArchiveLimits.for_datasets(), what=what)


def safe_entry_parts(info: zipfile.ZipInfo) -> tuple[str, ...]:
    return archives.safe_entry_parts(info, ArchiveLimits.for_datasets())


@dataclass
class ImageFolderLayout:
    """Image entries by split and class; class names sorted, as Keras orders them. Unlabelled
    (inputs to predict): no class names, every image under class "" of train."""

    class_names: list[str]
    entries: dict[str, dict[str, list[zipfile.ZipInfo]]] = field(default_factory=dict)
    labelled: bool = True

    def files(
        self, split: str, *, seed: int | None = None
    ) -> Iterator[tuple[int, zipfile.ZipInfo]]:
        """(class index, entry) of a split, class by class, each class in name order; with a
        seed, in one seeded random order instead, as Keras' `image_dataset_from_directory`
        shuffles, so that no slice of the stored samples (a validation split is the last one)
        holds only some of the classes."""
        names = self.class_names if self.labelled else [""]
        pairs = [
            (index, info)
            for index, name in enumerate(names)
            for info in self.entries.get(split, {}).get(name, [])
        ]
        if seed is not None:
            random.Random(seed).shuffle(pairs)
        yield from pairs

    def count(self, split: str) -> int:
        return sum(len(infos) for infos in self.entries.get(split, {}).values())


def image_folder_layout(
    archive: zipfile.ZipFile, *, labels_optional: bool = False
) -> ImageFolderLayout:
    """`labels_optional`: images at the top of the archive, or all in one folder, are inputs
    to predict, without labels; in two or more folders, the folders are their classes."""
    files: list[tuple[tuple[str, ...], zipfile.ZipInfo]] = []
    for info in archive.infolist():
        parts = safe_entry_parts(info)
        if info.is_dir() or not parts or _is_junk(parts):
            continue
        files.append((parts, info))
    if not files:
        raise invalid("dataset_empty", "The archive holds no images.")
    roots = {parts[0] for parts, _ in files}
    if len(roots) == 1 and all(len(parts) >= 3 for parts, _ in files):
        files = [(parts[1:], info) for parts, info in files]  # one folder wrapping the rest
    unsupported = sorted(
        "/".join(parts)
        for parts, _ in files
        if PurePosixPath(parts[-1]).suffix.lower() not in IMAGE_EXTENSIONS
    )
    if unsupported:
        raise invalid(
            "dataset_unsupported_file",
            f"Only PNG and JPEG images are accepted; found {len(unsupported)} other file(s), "
            f"e.g. {', '.join(unsupported[:3])}.",
            files=unsupported[:20],
        )
    if labels_optional and len({parts[:-1] for parts, _ in files}) == 1:
        unlabelled = sorted((info for _, info in files), key=lambda info: info.filename)
        return ImageFolderLayout(class_names=[], entries={"train": {"": unlabelled}},
                                 labelled=False)  # fmt: skip
    by_split = _split_folders(files)
    train = by_split.get("train", {})
    class_names = sorted(train)
    if len(class_names) < 2:
        raise invalid(
            "dataset_bad_layout",
            "The archive needs one folder per class, at least two of them, each holding that "
            f"class's images; found {len(class_names)} folder(s).",
        )
    for split, classes in by_split.items():
        unknown = sorted(set(classes) - set(class_names))
        if unknown:
            raise invalid(
                "dataset_bad_layout",
                f"The {split} folder has classes the train folder lacks: {', '.join(unknown)}.",
            )
    return ImageFolderLayout(class_names=class_names, entries=by_split)


def _is_junk(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") or part in _JUNK_NAMES for part in parts)


def _split_folders(
    files: list[tuple[tuple[str, ...], zipfile.ZipInfo]],
) -> dict[str, dict[str, list[zipfile.ZipInfo]]]:
    """class/image (all train), or split/class/image with split folders train, val(idation),
    test. Images may lie deeper inside a class folder."""
    firsts = {parts[0].lower() for parts, _ in files}
    explicit = firsts <= set(SPLIT_FOLDERS) and "train" in firsts
    by_split: dict[str, dict[str, list[zipfile.ZipInfo]]] = {}
    for parts, info in sorted(files, key=lambda item: item[1].filename):
        split, rest = (SPLIT_FOLDERS[parts[0].lower()], parts[1:]) if explicit else ("train", parts)
        if len(rest) < 2:
            where = f"the {parts[0]} folder" if explicit else "the top of the archive"
            raise invalid(
                "dataset_bad_layout",
                f"'{info.filename}' lies at {where}; every image must be inside its class's "
                "folder.",
                entry=info.filename,
            )
        by_split.setdefault(split, {}).setdefault(rest[0], []).append(info)
    return by_split
