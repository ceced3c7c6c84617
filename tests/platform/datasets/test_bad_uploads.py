"""Every bad dataset is refused with a stable code and a sentence, and leaves no file behind.

What the headers show (a CSV's header row, an NPZ's array headers, a ZIP's directory) is
refused at once with 400 and no row; the rest is found by ingestion, which keeps the row,
invalid with the reason, and deletes the files.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable

import numpy as np
import pytest

from neuroyard.datasets.models import Dataset
from tests.conftest import npz_upload, text_upload
from tests.platform.datasets.uploads import (
    image_bytes,
    ingested,
    named,
    post,
    squares_and_stripes,
    zip_upload,
)
from tests.platform.test_bad_input import assert_error, stored_files

pytestmark = pytest.mark.django_db


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def with_entry(name: str, content: bytes, **info: int) -> io.BytesIO:
    """The two-class image ZIP plus one crafted entry."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in squares_and_stripes().items():
            archive.writestr(path, data)
        entry = zipfile.ZipInfo(name)
        for key, value in info.items():
            setattr(entry, key, value)
        archive.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED)
    return named("images.zip", buffer.getvalue())


def one_class() -> io.BytesIO:
    return zip_upload({k: v for k, v in squares_and_stripes().items() if k.startswith("square")})


# --- refused at once: 400, no row, no file ---------------------------------------------------

AT_ONCE: dict[str, tuple[Callable[[], io.BytesIO], dict[str, str], str]] = {
    "empty file": (lambda: text_upload("empty.csv", ""), {}, "dataset_empty"),
    "csv without the label column": (
        lambda: text_upload("pets.csv", "weight,kind\n1,cat\n"), {}, "dataset_missing_column"),
    "csv with only the label column": (
        lambda: text_upload("l.csv", "label\n1\n2\n"), {}, "dataset_no_features"),
    "csv naming a column twice": (
        lambda: text_upload("d.csv", "a,a,label\n1,2,3\n"), {}, "dataset_duplicate_column"),
    "text csv without the text column": (
        lambda: text_upload("t.csv", "review,label\nok,1\n"), {"format": "text_csv"},
        "dataset_missing_column"),
    "npz with object arrays": (
        lambda: npz_upload(x=np.array([{"a": 1}, None], dtype=object), y=np.arange(2)), {},
        "dataset_object_array"),
    "npz without y": (lambda: npz_upload(x=np.ones((3, 2))), {}, "dataset_missing_array"),
    "npz with x_test but no y_test": (
        lambda: npz_upload(x=np.ones((3, 2)), y=np.arange(3), x_test=np.ones((1, 2))), {},
        "dataset_missing_array"),
    "npz whose x and y lengths differ": (
        lambda: npz_upload(x=np.ones((3, 2)), y=np.arange(4)), {}, "dataset_shape_mismatch"),
    "npz whose test samples have another shape": (
        lambda: npz_upload(x=np.ones((3, 2)), y=np.arange(3), x_test=np.ones((1, 5)),
                           y_test=np.arange(1)), {}, "dataset_shape_mismatch"),
    "npz with text samples": (
        lambda: npz_upload(x=np.array([["a"], ["b"]]), y=np.arange(2)), {}, "dataset_not_numeric"),
    "a file that is not an npz": (
        lambda: text_upload("fake.npz", "x,y\n1,2\n"), {}, "dataset_unreadable"),
    "an unknown kind of file": (
        lambda: text_upload("notes.txt", "hello"), {}, "dataset_format_unsupported"),
    "zip with path traversal": (
        lambda: with_entry("../../etc/cron.d/evil.png", b"x"), {}, "dataset_unsafe_archive"),
    "zip with an absolute path": (
        lambda: with_entry("/tmp/evil.png", b"x"), {}, "dataset_unsafe_archive"),
    "zip with a symbolic link": (
        lambda: with_entry("square/link.png", b"/etc/passwd",
                           external_attr=(stat.S_IFLNK | 0o777) << 16), {},
        "dataset_unsafe_archive"),
    "zip bomb (compression ratio)": (
        lambda: with_entry("square/bomb.png", b"\0" * (4 * 1024 * 1024)), {},
        "dataset_archive_bomb"),
    "zip with a file that is not an image": (
        lambda: with_entry("square/notes.txt", b"hello"), {}, "dataset_unsupported_file"),
    "zip with images outside class folders": (
        lambda: with_entry("loose.png", image_bytes(np.zeros((4, 4), np.uint8))), {},
        "dataset_bad_layout"),
    "zip with a single class": (one_class, {}, "dataset_bad_layout"),
    "zip that is not a zip": (lambda: text_upload("images.zip", "no"), {}, "dataset_unreadable"),
    "an image size that is no size": (
        lambda: zip_upload(squares_and_stripes()), {"image_size": "big"}, "invalid_input"),
}  # fmt: skip


@pytest.mark.parametrize("case", AT_ONCE)
def test_bad_structure_is_refused_at_once_and_nothing_is_stored(api, case):  # noqa: ANN001
    make, fields, code = AT_ONCE[case]

    assert_error(post(api, make(), **fields), 400, code)

    assert Dataset.objects.count() == 0
    assert stored_files() == []


def test_a_zip_with_too_many_entries_is_refused_before_its_directory_is_read(api, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("NEUROYARD_ARCHIVE_MAX_ENTRIES", "5")

    body = assert_error(post(api, zip_upload(squares_and_stripes())), 400, "dataset_archive_bomb")

    assert "8 entries" in body["message"]
    assert stored_files() == []


@pytest.mark.parametrize("size", [5_000, 500_000], ids=["while streaming", "by its length"])
def test_an_upload_over_the_size_limit_is_refused_with_413(api, settings, size):  # noqa: ANN001
    settings.NEUROYARD_MAX_UPLOAD_BYTES = 1_000

    response = post(api, named("big.csv", b"a,label\n" + b"1,2\n" * (size // 4)))

    body = assert_error(response, 413, "too_large")
    assert body["details"]["limit_bytes"] == 1_000
    assert Dataset.objects.count() == 0
    assert stored_files() == []


# --- found by ingestion: the row stays, invalid with the reason; the files go -----------------

LATER: dict[str, tuple[Callable[[], io.BytesIO], dict[str, str], str, str]] = {
    "csv with NaN": (
        lambda: text_upload("d.csv", "a,b,label\n1,2,x\n3,nan,y\n"), {}, "dataset_nonfinite",
        "Line 3"),
    "csv with infinity": (
        lambda: text_upload("d.csv", "a,b,label\n1,2,x\n3,-inf,y\n"), {}, "dataset_nonfinite",
        "Line 3"),
    "csv with ragged rows": (
        lambda: text_upload("d.csv", "a,b,label\n1,2,x\n3,4,y,9\n"), {}, "dataset_ragged",
        "Line 3 has 4 values"),
    "csv with a word among the numbers": (
        lambda: text_upload("d.csv", "a,b,label\n1,2,x\n3,four,y\n"), {}, "dataset_not_numeric",
        "'four'"),
    "csv with a missing value": (
        lambda: text_upload("d.csv", "a,b,label\n1,2,x\n3,,y\n"), {}, "dataset_not_numeric",
        "missing"),
    "csv with a missing label": (
        lambda: text_upload("d.csv", "a,b,label\n1,2,x\n3,4, \n"), {}, "dataset_missing_value",
        "Line 3"),
    "csv with a header and no rows": (
        lambda: text_upload("d.csv", "a,b,label\n"), {}, "dataset_empty", "no rows"),
    "csv that is not UTF-8 past its header": (
        lambda: named("d.csv", b"a,label\n1,x\n" + b"\xff\xfe,y\n"), {}, "dataset_unreadable",
        "UTF-8"),
    "npz with NaN": (
        lambda: npz_upload(x=np.array([[1.0], [np.nan], [2.0], [3.0]]), y=np.array([0, 0, 1, 1])),
        {}, "dataset_nonfinite", "Sample 1 of 'x'"),
    "npz with a number too large for float32": (
        lambda: npz_upload(x=np.array([[1.0], [1e300], [2.0], [3.0]]), y=np.array([0, 0, 1, 1])),
        {}, "dataset_nonfinite", "Sample 1 of 'x'"),
    "npz with infinite targets": (
        lambda: npz_upload(x=np.ones((3, 1)), y=np.array([0.5, np.inf, 1.0])), {},
        "dataset_nonfinite", "labels"),
    "a class with one sample": (
        lambda: npz_upload(x=np.ones((5, 2)), y=np.array([0, 0, 1, 1, 2])), {},
        "dataset_too_few_samples", "'2' has 1"),
    "a single class": (
        lambda: npz_upload(x=np.ones((3, 2)), y=np.zeros(3, np.int64)), {}, "dataset_bad_labels",
        "at least two classes"),
    "fractional labels declared classes": (
        lambda: npz_upload(x=np.ones((4, 2)), y=np.array([0.5, 1.0, 0.5, 1.0])),
        {"task": "classification"}, "dataset_bad_labels", "fractional"),
    "class names declared a regression": (
        lambda: text_upload("d.csv", "a,label\n1,x\n2,y\n"), {"task": "regression"},
        "dataset_bad_labels", "numbers"),
    "class numbers beyond the class names": (
        lambda: npz_upload(x=np.ones((4, 1)), y=np.array([0, 1, 2, 2]),
                           class_names=np.array(["a", "b"])), {}, "dataset_bad_labels",
        "0 to 1"),
    "an image that is not one": (
        lambda: with_entry("square/broken.png", b"not a png at all"), {}, "dataset_unreadable",
        "broken.png"),
    "a decompression-bomb image": (
        lambda: with_entry("square/bomb.png", png_claiming(20_000, 20_000)), {},
        "dataset_image_too_large", "bomb.png"),
}  # fmt: skip


@pytest.mark.parametrize("case", LATER)
def test_bad_data_makes_an_invalid_dataset_with_the_reason_and_no_files(api, case):  # noqa: ANN001
    make, fields, code, words = LATER[case]

    dataset = ingested(api, make(), **fields)

    assert dataset["status"] == "invalid"
    assert dataset["error_code"] == code
    assert words in dataset["error"]
    assert stored_files() == []


def test_an_invalid_dataset_can_be_deleted(api):  # noqa: ANN001
    dataset = ingested(api, text_upload("d.csv", "a,b,label\n1,nan,x\n"))

    assert api.delete(f"/api/v1/datasets/{dataset['id']}/").status_code == 204
    assert Dataset.objects.count() == 0


def test_the_same_bad_file_again_is_checked_again(api):  # noqa: ANN001
    first = ingested(api, text_upload("d.csv", "a,b,label\n1,nan,x\n"))

    again = ingested(api, text_upload("d.csv", "a,b,label\n1,nan,x\n"))

    assert again["id"] != first["id"] and again["status"] == "invalid"
