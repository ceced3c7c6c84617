"""Keras callbacks through which `train` watches and steers `model.fit`.

TensorFlow's Keras already converts each batch's logs to Python floats, so reading them per batch
costs no extra device sync; `async_safe` keeps it that way on backends that dispatch callbacks
off the training thread.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import keras

Logs = dict[str, Any] | None


class StopWhenRequested(keras.callbacks.Callback):
    """Ends `fit` after the batch in progress once `stop_requested()` turns True."""

    def __init__(self, stop_requested: Callable[[], bool]) -> None:
        super().__init__()
        self._stop_requested = stop_requested
        self.stopped = False

    # The batch *begin* hook, not the end one: it gets no logs, so nothing waits for the batch.
    def on_train_batch_begin(self, batch: int, logs: Logs = None) -> None:
        if not self.stopped and self._stop_requested():
            self.stopped = True
            self.model.stop_training = True


class StopOnNonFinite(keras.callbacks.Callback):
    """Ends `fit` at the first batch whose loss is NaN or infinite, or at the end of an epoch
    that left a weight NaN or infinite, remembering where."""

    async_safe = True

    def __init__(self) -> None:
        super().__init__()
        self.failure: str | None = None
        self._epoch = 0

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        # The logged loss is the epoch's running mean, so it turns non-finite at the first
        # batch whose own loss does, and stays so.
        loss = (logs or {}).get("loss")
        if self.failure is None and isinstance(loss, float) and not math.isfinite(loss):
            what = "NaN" if math.isnan(loss) else "infinite"
            self._fail(f"loss became {what} at epoch {self._epoch + 1}, batch {batch + 1}")

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        # A NaN weight need not show in the loss: ReLU maps NaN to 0, and the network then
        # "trains" on with a dead layer. Once per epoch is cheap: one reduction per variable.
        if self.failure is None and not all(
            bool(keras.ops.all(keras.ops.isfinite(variable.value)))
            for variable in self.model.trainable_variables
        ):
            self._fail(f"weights became NaN or infinite during epoch {epoch + 1}")

    def _fail(self, failure: str) -> None:
        self.failure = failure
        self.model.stop_training = True


class EpochHandlerFailed(Exception):
    """Carries an exception of the epoch handler out through `fit`, so that the caller can tell
    it from Keras' own errors about the data."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class OnEpochCompleted(keras.callbacks.Callback):
    """Calls `completed(epoch, metrics)` (epoch 1-based) for each epoch that ran to its end,
    skipping one cut short by the other callbacks; must come after them in the callback list."""

    def __init__(
        self,
        completed: Callable[[int, dict[str, float]], None],
        cut_short: Callable[[], bool],
    ) -> None:
        super().__init__()
        self._completed = completed
        self._cut_short = cut_short

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        if self._cut_short():
            return
        metrics = {name: float(value) for name, value in (logs or {}).items()}
        try:
            self._completed(epoch + 1, metrics)
        except Exception as error:
            raise EpochHandlerFailed(error) from None
