"""The output budget of ingestion (NEUROYARD_DATASET_MAX_STORED_BYTES): what a dataset takes
once imported is bounded, not only the upload, and a refused import leaves no shard behind."""

from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from tests.conftest import npz_upload
from tests.platform.datasets.uploads import ingested, squares_and_stripes, zip_upload
from tests.platform.test_bad_input import stored_files

pytestmark = pytest.mark.django_db


def ingest_leftovers() -> list[Path]:
    folder = Path(settings.NEUROYARD_WORKER_CACHE) / "ingest"
    return list(folder.iterdir()) if folder.exists() else []


def test_small_pngs_declared_large_are_refused_before_one_is_converted(api, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("NEUROYARD_DATASET_MAX_STORED_BYTES", str(4 * 1024**2))
    upload = zip_upload(squares_and_stripes(per_class=4, size=12))  # 8 grey PNGs
    assert len(upload.getvalue()) < 4096

    dataset = ingested(api, upload, image_size="1024x1024")

    assert dataset["status"] == "invalid"
    assert dataset["error_code"] == "dataset_too_large_after_import"
    assert "8 samples would take 8388608 bytes" in dataset["error"]
    assert "the limit is 4194304 bytes" in dataset["error"]
    assert stored_files() == []


def test_a_dataset_outgrowing_the_budget_while_written_leaves_no_shard(api, monkeypatch):  # noqa: ANN001
    before = set(ingest_leftovers())
    monkeypatch.setenv("NEUROYARD_DATASET_MAX_STORED_BYTES", str(5 * 1024**2))
    rng = np.random.default_rng(0)
    x = rng.random((131_072, 16), dtype=np.float32)  # 8 MiB: one 4 MiB shard fits, not two
    upload = npz_upload(x=x, y=rng.integers(0, 2, len(x)))

    dataset = ingested(api, upload)

    assert dataset["status"] == "invalid"
    assert dataset["error_code"] == "dataset_too_large_after_import"
    assert "the limit is 5242880 bytes" in dataset["error"]
    assert stored_files() == []
    assert set(ingest_leftovers()) == before


def test_within_the_budget_the_same_data_imports(api, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("NEUROYARD_DATASET_MAX_STORED_BYTES", str(4 * 1024**2))

    dataset = ingested(api, zip_upload(squares_and_stripes()), image_size="64x64")

    assert dataset["status"] == "ready", dataset["error"]
    assert dataset["stats"]["stored_bytes"] < 4 * 1024**2
