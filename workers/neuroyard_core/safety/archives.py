"""ZIP safety, one set of rules for every archive a user sends (image-folder datasets, NPZ files,
`.keras` models): caps on entries, unpacked bytes and compression ratio, checked on the central
directory and again while unpacking; no paths outside the archive, no links, no encryption."""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from neuroyard_core.errors import CodedError

RATIO_CHECK_MIN_BYTES = 1024 * 1024  # smaller entries may compress well without harm


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int
    max_bytes: int
    max_ratio: float
    # The codes refusals carry, in the words of what the archive is (a dataset, a model).
    bomb_code: str = "dataset_archive_bomb"
    unsafe_code: str = "dataset_unsafe_archive"
    unreadable_code: str = "dataset_unreadable"

    @classmethod
    def for_datasets(cls) -> ArchiveLimits:
        """The caps on uploaded datasets, from `NEUROYARD_ARCHIVE_MAX_*` (read at each call, so
        every process and test sees the value in force)."""
        return cls(
            max_entries=_env_int("NEUROYARD_ARCHIVE_MAX_ENTRIES", 200_000),
            max_bytes=_env_int("NEUROYARD_ARCHIVE_MAX_BYTES", 8 * 1024**3),
            max_ratio=_env_int("NEUROYARD_ARCHIVE_MAX_RATIO", 100),
        )

    def too_many_entries(self, count: int) -> CodedError:
        return CodedError(
            self.bomb_code,
            f"The archive holds {count} entries; the limit is {self.max_entries}.",
        )


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def check_archive_entries(archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    """Entry count, declared sizes and compression ratios against the caps."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise limits.too_many_entries(len(infos))
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_bytes:
        raise CodedError(
            limits.bomb_code,
            f"The archive unpacks to {declared} bytes; the limit is {limits.max_bytes}.",
        )
    for info in infos:
        check_ratio(info.filename, info.file_size, info.compress_size, limits)


def check_ratio(name: str, unpacked: int, packed: int, limits: ArchiveLimits) -> None:
    ratio = unpacked / max(packed, 1)
    if unpacked >= RATIO_CHECK_MIN_BYTES and ratio > limits.max_ratio:
        raise CodedError(
            limits.bomb_code,
            f"'{name}' unpacks to {ratio:.0f} times its packed size; the limit is "
            f"{limits.max_ratio:g}.",
            details={"entry": name},
        )


def open_archive(
    path: Path, limits: ArchiveLimits, *, what: str = "ZIP archive"
) -> zipfile.ZipFile:
    """Open a ZIP after checking its entry count from the end record, before Python reads a
    central directory that could be made to hold millions of entries."""
    with path.open("rb") as handle:
        end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]
    if end is None:
        raise CodedError(limits.unreadable_code, f"The file is not a {what}.")
    if end[zipfile._ECD_ENTRIES_TOTAL] > limits.max_entries:  # type: ignore[attr-defined]
        raise limits.too_many_entries(end[zipfile._ECD_ENTRIES_TOTAL])  # type: ignore[attr-defined]
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CodedError(limits.unreadable_code, f"The {what} could not be read: {exc}.") from None
    try:
        check_archive_entries(archive, limits)
    except CodedError:
        archive.close()
        raise
    return archive


def safe_entry_parts(info: zipfile.ZipInfo, limits: ArchiveLimits) -> tuple[str, ...]:
    """The entry's path components; refuses absolute paths, `..`, backslashes, drive letters,
    NUL bytes, links and encrypted entries."""
    name = info.filename
    shown = name[:100]
    if stat.S_ISLNK(info.external_attr >> 16):
        raise CodedError(
            limits.unsafe_code,
            f"'{shown}' is a symbolic link; links are refused.",
            details={"entry": shown},
        )
    parts = PurePosixPath(name).parts
    if (
        "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or ".." in parts
        or (parts and ":" in parts[0])
    ):
        raise CodedError(
            limits.unsafe_code,
            f"'{shown}' points outside the archive; such paths are refused.",
            details={"entry": shown},
        )
    if info.flag_bits & 0x1:
        raise CodedError(
            limits.unreadable_code, f"'{shown}' is encrypted.", details={"entry": shown}
        )
    return tuple(parts)
