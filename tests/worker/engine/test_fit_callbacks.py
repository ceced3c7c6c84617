"""The callbacks train() steers model.fit with, tested on plain Keras fits."""

from __future__ import annotations

import keras
import numpy as np

from neuroyard_worker.engine.fit_callbacks import StopOnNonFinite, StopWhenRequested

BATCHES_PER_EPOCH = 10


def small_model() -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def fit(model: keras.Model, callback: keras.callbacks.Callback, x: np.ndarray) -> None:
    y = np.zeros(len(x), np.float32)
    model.fit(
        x, y, epochs=3, batch_size=len(x) // BATCHES_PER_EPOCH, callbacks=[callback], verbose=0
    )


def test_a_stop_request_ends_fit_after_the_batch_in_progress() -> None:
    checks = 0

    def stop_on_fifth_check() -> bool:
        nonlocal checks
        checks += 1
        return checks >= 5

    model = small_model()
    stop = StopWhenRequested(stop_on_fifth_check)

    fit(model, stop, np.ones((100, 3), np.float32))

    assert stop.stopped
    assert int(model.optimizer.iterations.numpy()) == 5  # the fifth batch had begun
    assert checks == 5


def test_without_a_stop_request_every_batch_runs() -> None:
    model = small_model()

    fit(model, StopWhenRequested(lambda: False), np.ones((100, 3), np.float32))

    assert int(model.optimizer.iterations.numpy()) == 3 * BATCHES_PER_EPOCH


def test_a_nonfinite_loss_stops_fit_and_says_where() -> None:
    x = np.ones((100, 3), np.float32)
    x[25] = np.inf  # unshuffled, this sample is in the third batch of 10
    model = small_model()
    guard = StopOnNonFinite()

    model.fit(
        x, np.zeros(100), epochs=3, batch_size=10, shuffle=False, callbacks=[guard], verbose=0
    )

    assert guard.failure is not None
    assert guard.failure.endswith("at epoch 1, batch 3")
    assert int(model.optimizer.iterations.numpy()) == 3


def test_a_finite_loss_leaves_fit_alone() -> None:
    model = small_model()
    guard = StopOnNonFinite()

    fit(model, guard, np.ones((100, 3), np.float32))

    assert guard.failure is None
    assert int(model.optimizer.iterations.numpy()) == 3 * BATCHES_PER_EPOCH


def test_a_nonfinite_weight_behind_a_finite_loss_fails_the_epoch() -> None:
    """A NaN weight the loss does not show (here an embedding row no sample looks up; a dead
    ReLU unit is another) is caught at the end of its epoch."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((1,), dtype="int32"),
            keras.layers.Embedding(10, 2, name="embedding"),
            keras.layers.Flatten(),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    table = model.get_layer("embedding").embeddings
    table.assign(np.where(np.arange(10)[:, None] == 9, np.nan, table.numpy()))
    guard = StopOnNonFinite()

    model.fit(
        np.zeros((100, 1), np.int32), np.zeros(100), epochs=3, batch_size=10,
        callbacks=[guard], verbose=0,
    )  # fmt: skip

    assert guard.failure == "weights became NaN or infinite during epoch 1"
