"""The Python API against the live stack: a resumed upload after a cut connection, a template
trained and followed, predictions, and image jobs built from the job-kind registry."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from neuroyard_client import DatasetInvalid, Neuroyard, NeuroyardError
from neuroyard_client.uploads import ResumableUpload
from tests.client.proxy import CuttingProxy
from tests.conftest import digits_arrays, mlp_spec

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def big_npz(path: Path) -> Path:
    rng = np.random.default_rng(0)
    np.savez(path, x=rng.random((3000, 256), dtype=np.float32), y=np.arange(3000) % 10)
    return path


def test_an_upload_cut_at_60_percent_resumes_from_the_servers_offset(  # noqa: ANN001
    ny: Neuroyard, web_server, cpu_worker, tmp_path
) -> None:
    path = big_npz(tmp_path / "big.npz")
    size = path.stat().st_size
    proxy = CuttingProxy(web_server.port)
    proxy.cut_after = int(size * 0.6)
    via_proxy = Neuroyard(proxy.url, token=ny.transport.http.headers["Authorization"][6:])
    offsets: list[int] = []
    upload = ResumableUpload(
        via_proxy.transport, path, {"name": "big"}, chunk_size=256 * 1024,
        on_offset=offsets.append, remember=False,
    )  # fmt: skip

    dataset = via_proxy.datasets.get(upload.run()).wait(timeout=120)

    assert proxy.cuts == 1 and upload.interruptions == 1
    assert 0.4 * size < upload.resumed_from < 0.6 * size  # the last whole piece before the cut
    assert proxy.sent < 1.15 * size  # what was already in was not sent again
    assert dataset.data["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert dataset.status == "ready"
    print(
        f"\nresumed upload: {size} bytes, cut at {proxy.cut_after or int(size * 0.6)}, "
        f"resumed from {upload.resumed_from} ({upload.resumed_from / size:.0%}), "
        f"{proxy.sent} bytes sent in all ({proxy.sent / size:.2f}x the file)"
    )
    proxy.close()


def test_an_upload_is_resumed_by_running_it_again(  # noqa: ANN001
    ny: Neuroyard, web_server, cpu_worker, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("NEUROYARD_CONFIG_DIR", str(tmp_path / "config"))
    path = big_npz(tmp_path / "big.npz")
    first = ResumableUpload(ny.transport, path, {}, chunk_size=256 * 1024)
    url, _ = first._start()
    first._patch(url, 0)  # one piece in, then the process "stopped"

    again = ResumableUpload(ny.transport, path, {}, chunk_size=256 * 1024)
    dataset_id = again.run()

    assert again.resumed_from == 256 * 1024
    assert ny.datasets.get(dataset_id).wait(timeout=120).data["size_bytes"] == path.stat().st_size


def test_an_invalid_dataset_raises_with_the_reason(ny: Neuroyard, cpu_worker, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "nan.npz"
    np.savez(path, x=np.full((10, 2), np.nan, dtype=np.float32), y=np.arange(10) % 2)

    with pytest.raises((DatasetInvalid, NeuroyardError)) as raised:
        ny.datasets.upload(path)

    assert "nan" in str(raised.value).lower() or "finite" in str(raised.value).lower()


def test_train_follow_download_and_predict(  # noqa: ANN001
    ny: Neuroyard, cpu_worker, gpu_worker, inference_worker, tmp_path
) -> None:
    arrays = digits_arrays()
    np.savez(tmp_path / "digits.npz", **arrays)
    dataset = ny.datasets.upload(tmp_path / "digits.npz", name="digits")
    spec = ny.specs.create("mlp", mlp_spec())
    seen: list[int] = []

    job = ny.jobs.train(dataset=dataset, spec=spec, epochs=3, batch_size=64)
    job.follow(on_event=lambda e: e.name == "epoch" and seen.append(e.data["epoch"]))

    assert job.status == "succeeded"
    assert [m["epoch"] for m in job.metrics()] == [1, 2, 3]
    path = job.model.download(tmp_path / "m.keras")
    assert path.stat().st_size == job.model.data["size_bytes"]
    (answer,) = ny.models.get(job.result["model"]).predict([arrays["x_test"][0]])
    assert answer["label"] in [str(d) for d in range(10)]


def test_registry_kinds_are_methods_with_files_by_input_name(  # noqa: ANN001
    ny: Neuroyard, tmp_path
) -> None:
    kinds = ny.jobs.kinds()  # the server's GET /job-kinds/
    assert {"train", "deepdream", "style_transfer"} <= set(kinds)
    assert [i.name for i in kinds["deepdream"].inputs] == ["image"]
    assert "octaves" in kinds["deepdream"].param_names
    Image.new("RGB", (32, 24), "orange").save(tmp_path / "cat.png")

    job = ny.jobs.deepdream(image=tmp_path / "cat.png", octaves=1, steps_per_octave=2)

    assert job.kind == "deepdream"
    assert job.data["params"]["octaves"] == 1
    assert job.cancel().data["cancel_requested"]
    with pytest.raises(NeuroyardError, match="needs the file"):
        ny.jobs.style_transfer(content=tmp_path / "cat.png")
    with pytest.raises(AttributeError):
        ny.jobs.no_such_kind  # noqa: B018
