"""The inference worker's serving thread: models kept by least recent use within a size, and
requests that arrive together answered by one network call each model."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import keras
import numpy as np
import pytest

from neuroyard_worker.inference.cache import InferenceRefused, ModelCache, ModelRef
from neuroyard_worker.inference.server import InferenceServer


def dense_model(path: Path, inputs: int, seed: int) -> Path:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((inputs,)), keras.layers.Dense(3, activation="softmax")])
    model.save(path)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("models")
    return {name: dense_model(folder / f"{name}.keras", 4, seed) for seed, name in enumerate("abc")}


def ref(name: str) -> ModelRef:
    return ModelRef(sha256=name, file=f"{name}.keras")


WEIGHTS_BYTES = (4 * 3 + 3) * 4  # one of the dense models'


def test_the_least_recently_used_model_goes_first_once_the_cache_is_full(files) -> None:  # noqa: ANN001
    cache = ModelCache(capacity_bytes=2 * WEIGHTS_BYTES, fetch=lambda r: files[r.sha256])

    cache.get(ref("a"))
    cache.get(ref("b"))
    cache.get(ref("a"))  # b is now the least recently used
    cache.get(ref("c"))

    assert cache.held() == ["a", "c"] and cache.used_bytes == 2 * WEIGHTS_BYTES


def test_a_file_that_is_no_model_is_refused_with_the_upload_checks_code(tmp_path: Path) -> None:
    (tmp_path / "bad.keras").write_bytes(b"junk")
    cache = ModelCache(capacity_bytes=10**6, fetch=lambda r: tmp_path / "bad.keras")

    with pytest.raises(InferenceRefused) as caught:
        cache.get(ref("bad"))

    assert caught.value.code == "model_unreadable" and caught.value.status == 422


def test_requests_arriving_together_go_through_the_network_in_one_call(files) -> None:  # noqa: ANN001
    loading = threading.Event()
    release = threading.Event()

    def slow_fetch(r: ModelRef) -> Path:
        if r.sha256 == "b":  # keeps the serving thread busy while requests for `a` queue up
            loading.set()
            release.wait(10)
        return files[r.sha256]

    server = InferenceServer(ModelCache(capacity_bytes=10**6, fetch=slow_fetch))
    server.predict(ref("a"), np.zeros((1, 4), np.float32), timeout=30)  # loaded and warm
    x = np.random.default_rng(0).random((5, 4), dtype=np.float32)
    with ThreadPoolExecutor(6) as pool:
        blocker = pool.submit(server.predict, ref("b"), x[:1], timeout=30)
        assert loading.wait(10)
        answers = [
            pool.submit(server.predict, ref("a"), x[i : i + 1], timeout=30) for i in range(5)
        ]
        while server.waiting() < 5:  # all five wait in the queue
            threading.Event().wait(0.001)
        calls_before = server.calls
        release.set()
        got = [a.result() for a in answers]
        blocker.result()

    assert server.calls - calls_before == 2  # b's request, then a's five together
    assert [a.batched_requests for a in got] == [5] * 5
    expected = keras.saving.load_model(files["a"]).predict(x, verbose=0)
    np.testing.assert_allclose(np.concatenate([a.outputs for a in got]), expected, rtol=1e-5)


def test_a_request_of_the_wrong_shape_is_refused_and_the_others_are_answered(files) -> None:  # noqa: ANN001
    server = InferenceServer(ModelCache(capacity_bytes=10**6, fetch=lambda r: files[r.sha256]))

    with ThreadPoolExecutor(2) as pool:
        wrong = pool.submit(server.predict, ref("a"), np.zeros((1, 5), np.float32), timeout=30)
        right = pool.submit(server.predict, ref("a"), np.zeros((2, 4), np.float32), timeout=30)
        assert right.result().outputs.shape == (2, 3)
        with pytest.raises(InferenceRefused) as caught:
            wrong.result()

    assert caught.value.code == "input_shape_mismatch" and "[5]" in caught.value.message
