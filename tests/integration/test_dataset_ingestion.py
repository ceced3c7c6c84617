"""Datasets ingested by the real cpu worker, then trained on by the real gpu worker."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from neuroyard.datasets import examples
from tests.conftest import text_upload, upload_dataset, wait_for, wait_for_ingestion
from tests.platform.datasets.uploads import named
from tests.worker.example_specs import SMALL_CONVNET

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_digits_image_folders_become_a_dataset_a_convnet_trains_on(api, cpu_worker, gpu_worker):  # noqa: ANN001
    upload = named("digits.zip", examples.digits_image_zip(split_folders=False))

    dataset = upload_dataset(api, upload, name="digits images", test_fraction=0.2, seed=1)

    _, labels = examples.digits_images()
    stats = dataset["stats"]
    assert dataset["format"] == "image_folder"
    assert stats["num_classes"] == 10
    assert stats["class_names"] == [str(d) for d in range(10)]
    assert stats["class_counts"] == np.bincount(labels).tolist()
    assert stats["input_shape"] == [8, 8, 1]
    assert stats["value_range"] == [0.0, 1.0]
    assert stats["preprocessing"] | {"scale": None} == {
        "kind": "image", "image_size": [8, 8], "color_mode": "grayscale", "resize": "bilinear",
        "scale": None, "offset": 0.0,
    }  # fmt: skip
    assert stats["splits"]["train"] + stats["splits"]["test"] == len(labels)

    preview = api.get(f"/api/v1/datasets/{dataset['id']}/preview/").json()
    thumbnails = preview["thumbnails"]
    assert {t["label"] for t in thumbnails} == set(stats["class_names"])
    image = api.get(thumbnails[0]["url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG\r\n\x1a\n")

    spec = api.post(
        "/api/v1/specs/", {"name": "convnet", "spec": SMALL_CONVNET}, format="json"
    ).json()
    job = api.post(
        "/api/v1/jobs/",
        {"kind": "train", "dataset": dataset["id"], "spec": spec["id"],
         "params": {"epochs": 8, "batch_size": 32, "seed": 1}},
        format="json",
    ).json()  # fmt: skip
    done = wait_for(
        lambda: (
            (j := api.get(f"/api/v1/jobs/{job['id']}/").json())["status"] in ("succeeded", "failed")
            and j
        ),
        timeout=300,
    )
    assert done["status"] == "succeeded", done["error"] or gpu_worker.log()[-3000:]
    assert done["result"]["test_metrics"]["accuracy"] > 0.85


def test_a_refused_dataset_keeps_its_reason_and_no_files(api, cpu_worker):  # noqa: ANN001
    upload = text_upload("sensors.csv", "a,b,label\n1,2,x\n3,inf,y\n5,6,x\n7,8,y\n")
    response = api.post("/api/v1/datasets/", {"file": upload}, format="multipart")
    assert response.status_code == 202

    dataset = wait_for_ingestion(
        lambda: api.get(f"/api/v1/datasets/{response.json()['id']}/").json()
    )

    assert dataset["status"] == "invalid"
    assert dataset["error_code"] == "dataset_nonfinite"
    assert "Line 3" in dataset["error"]
    media = Path(settings.MEDIA_ROOT)
    assert not [p for p in media.rglob(f"*{dataset['id']}*") if p.is_file()]


def test_the_cpu_worker_never_loads_tensorflow(api, cpu_worker):  # noqa: ANN001
    upload_dataset(api, named("xor.npz", examples.npz_bytes(examples.xor())))

    children = subprocess.run(
        ["pgrep", "-P", str(cpu_worker.process.pid)], capture_output=True, text=True
    ).stdout.split()
    for pid in [cpu_worker.process.pid, *map(int, children)]:
        assert "tensorflow" not in Path(f"/proc/{pid}/maps").read_text()
