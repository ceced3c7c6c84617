"""`train`: fit a spec'd network on a canonical NPZ, reporting each epoch, checkpointing, resuming.

The job side (Celery, Django) reaches training only through `train`, `TrainRequest`,
`TrainReporter` and `TrainResult`; this module knows nothing of it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import keras
import tensorflow as tf

from neuroyard_core.jobs.checks import check_monitors, check_validation_split
from neuroyard_core.spec import NetworkSpec, SpecError, SpecSummary, parse_spec, summarize
from neuroyard_worker.engine.build import build_model, keras_callbacks
from neuroyard_worker.engine.checkpoint import (
    checkpoint_load,
    checkpoint_save,
    save_atomically,
    variables_load,
)
from neuroyard_worker.engine.data import TrainingData
from neuroyard_worker.engine.data_fit import check_io_fit, check_shapes_fit
from neuroyard_worker.engine.describe import describe_model
from neuroyard_worker.engine.devices import configure_devices, distribution_scope
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.fit_callbacks import (
    EpochHandlerFailed,
    OnEpochCompleted,
    StopOnNonFinite,
    StopWhenRequested,
)
from neuroyard_worker.engine.kept_epochs import BestEpoch, KeptEpoch, monitor_for
from neuroyard_worker.engine.tensorboard import EpochSummaries, TensorBoardRequest, spec_hparams
from neuroyard_worker.engine.training_data import open_training_data
from neuroyard_worker.engine.transfer import (
    TransferBuilder,
    TransferRequest,
    default_loss,
    transfer_digest,
)


@dataclass(frozen=True)
class TrainRequest:
    spec: dict[str, Any]  # the raw JSON spec
    data_path: Path  # a dataset folder (manifest.json and shards), or an npz of arrays
    model_path: Path  # where the trained model (its last epoch) is saved (.keras)
    epochs: int  # in total, counting epochs a resumed run already completed
    batch_size: int
    validation_split: float = 0.0
    seed: int = 0
    checkpoint_dir: Path | None = None  # if given: checkpoint every epoch, resume when present
    mixed_precision: bool = False  # float16 compute on GPUs that have tensor cores
    xla: bool = False  # compile the train step with XLA
    distribute: bool = False  # mirror across every visible GPU (MirroredStrategy)
    # Start from a model or a backbone; `spec`, if not empty, is then the new head's.
    transfer: TransferRequest | None = None
    # If given: TensorBoard event files (scalars per epoch, the HParams) in its folder.
    tensorboard: TensorBoardRequest | None = None
    # Where the best epoch's model is saved (by the monitored metric) when it is not the last.
    best_model_path: Path | None = None


class TrainReporter(Protocol):
    def epoch_ended(self, epoch: int, metrics: dict[str, float]) -> None:
        """Called once per epoch trained in this run; `epoch` is 1-based and counts epochs of
        earlier runs; `metrics` holds loss, accuracy, val_loss, val_accuracy... as floats."""

    def stop_requested(self) -> bool:
        """True once the job is cancelled. Called before every batch, so it must be cheap
        (read a flag, not a database)."""


@dataclass(frozen=True)
class TrainResult:
    epochs_completed: int  # in total, counting epochs of earlier runs
    cancelled: bool
    history: list[dict[str, float]]  # one entry per completed epoch, earlier runs' included
    test_metrics: dict[str, float] | None  # on x_test/y_test: "loss", "accuracy"...
    param_count: int
    resumed_from_epoch: int = 0  # epochs a checkpoint of an earlier run had completed
    devices: tuple[str, ...] = ()  # what trained it: GPU names, or ("CPU",)
    transfer: dict[str, Any] | None = None  # TransferReport: what it started from, what froze
    description: dict[str, Any] | None = None  # engine.describe: layer table, diagram
    # A cancelled run saves its last checkpointed epoch; a finished one always saves its last.
    model_saved: bool = False
    # The best epoch this run trained, by the monitored metric; its model is at
    # `best_model_path` when `best_model_saved` (else it is the last epoch's model).
    best: KeptEpoch | None = None
    best_model_saved: bool = False


def train(request: TrainRequest, reporter: TrainReporter) -> TrainResult:
    """Train the network, saving it to `request.model_path` unless cancelled.

    Raises EngineError: spec_invalid, spec_incompatible, data_invalid, checkpoint_mismatch,
    loss_nan.
    """
    _check_request(request)
    transfer = request.transfer
    # A transfer job's spec is optional: it describes the new head.
    head = _parsed(request.spec) if request.spec or transfer is None else None
    spec = head[0] if head is not None else None
    data = open_training_data(request.data_path)
    build: Callable[[], keras.Model]
    if transfer is None:
        assert head is not None
        plain, summary = head
        check_shapes_fit(data.shapes(), plain, summary)
        build, digest = (lambda: build_model(plain)), _spec_digest(plain)
    else:
        input_shape = data.shapes()[0].sample_shape
        build = TransferBuilder(transfer, head=spec, input_shape=input_shape)
        digest = transfer_digest(transfer, spec)
    check_validation_split(data.train_samples, request.validation_split)
    if spec is not None:
        check_monitors(spec, request.validation_split)

    devices = configure_devices(mixed_precision=request.mixed_precision)
    keras.utils.set_random_seed(request.seed)
    with distribution_scope(enabled=request.distribute, devices=devices):
        checkpoint = (
            checkpoint_load(request.checkpoint_dir, spec_digest=digest, build=build)
            if request.checkpoint_dir is not None
            else None
        )
        if checkpoint is not None:
            model, history = checkpoint.model, list(checkpoint.history)
        else:
            model, history = build(), []
        if request.xla:
            model.jit_compile = True
    if transfer is not None:
        loss = spec.compile.loss if spec is not None else default_loss(transfer.task)
        check_io_fit(
            data.shapes(),
            loss=loss,
            input_shape=tuple(model.inputs[0].shape[1:]),
            output_shape=tuple(model.outputs[0].shape[1:]),
        )
    resumed_from = len(history)
    summaries = _epoch_summaries(request, spec, history)
    has_validation = request.validation_split > 0.0 or data.has_validation
    best = BestEpoch(monitor_for(spec, has_validation=has_validation))
    best.resumed(history)

    def epoch_completed(epoch: int, metrics: dict[str, float]) -> None:
        history.append(metrics)
        best.epoch_ended(epoch, metrics, model)
        # Checkpoint first: once an epoch is reported, a resumed run never has to redo it.
        if request.checkpoint_dir is not None:
            checkpoint_save(
                request.checkpoint_dir,
                model,
                epochs_completed=epoch,
                history=history,
                spec_digest=digest,
            )
        if summaries is not None:
            summaries.epoch_ended(epoch, metrics, model)
        reporter.epoch_ended(epoch, metrics)

    stop = StopWhenRequested(reporter.stop_requested)
    nonfinite = StopOnNonFinite()
    on_epoch = OnEpochCompleted(
        epoch_completed, cut_short=lambda: stop.stopped or nonfinite.failure is not None
    )
    with _framework_errors_as_incompatible(), _closing(summaries):
        model.fit(
            **data.fit_arguments(
                batch_size=request.batch_size,
                validation_split=request.validation_split,
                seed=request.seed,
            ),
            epochs=request.epochs,
            initial_epoch=len(history),
            # The spec's own callbacks before on_epoch, which reports what they log (learning_rate).
            callbacks=[stop, nonfinite, *(keras_callbacks(spec) if spec else []), on_epoch],
            verbose=0,
        )
    if nonfinite.failure is not None:
        raise EngineError("loss_nan", nonfinite.failure)
    if stop.stopped:
        # The weights are partway through an epoch: keep the last one completed, if any.
        saved = len(history) > resumed_from and _restore_last_checkpoint(request, model, digest)
        best_saved = saved and _save_best(request, model, best, last_epoch=len(history))
        return TrainResult(
            epochs_completed=len(history),
            cancelled=True,
            history=history,
            test_metrics=None,
            param_count=model.count_params(),
            resumed_from_epoch=resumed_from,
            devices=devices.names,
            description=describe_model(model) if saved else None,
            model_saved=saved,
            best=best.kept() if saved else None,
            best_model_saved=best_saved,
        )
    test_metrics = _evaluate(model, data, request.batch_size)
    save_atomically(model, request.model_path)
    description = describe_model(model)
    best_saved = _save_best(request, model, best, last_epoch=len(history))
    report = build.report if isinstance(build, TransferBuilder) else None
    return TrainResult(
        epochs_completed=len(history),
        cancelled=False,
        history=history,
        test_metrics=test_metrics,
        param_count=model.count_params(),
        resumed_from_epoch=resumed_from,
        devices=devices.names,
        transfer=dataclasses.asdict(report) if report is not None else None,
        description=description,
        model_saved=True,
        best=best.kept(),
        best_model_saved=best_saved,
    )


def _epoch_summaries(
    request: TrainRequest, spec: NetworkSpec | None, history: list[dict[str, float]]
) -> EpochSummaries | None:
    if request.tensorboard is None:
        return None
    hparams = spec_hparams(spec, batch_size=request.batch_size, epochs=request.epochs)
    if spec is None and request.transfer is not None:  # TransferBuilder's own: Adam
        hparams |= {"optimizer": "adam", "learning_rate": request.transfer.learning_rate or 0.001}
    return EpochSummaries(request.tensorboard, hparams=hparams, history=history)


@contextmanager
def _closing(summaries: EpochSummaries | None) -> Iterator[None]:
    try:
        yield
    finally:
        if summaries is not None:
            summaries.close()


def _restore_last_checkpoint(request: TrainRequest, model: keras.Model, digest: str) -> bool:
    """Put the last checkpointed epoch's weights back and save them as the model."""
    if request.checkpoint_dir is None:
        return False
    if variables_load(request.checkpoint_dir, {"model": model.weights}, spec_digest=digest) is None:
        return False
    save_atomically(model, request.model_path)
    return True


def _save_best(
    request: TrainRequest, model: keras.Model, best: BestEpoch, *, last_epoch: int
) -> bool:
    """Save the best epoch's model apart when it is not the last; after the last is saved, as
    it leaves the best epoch's weights in `model`."""
    if request.best_model_path is None or best.weights is None or best.epoch == last_epoch:
        return False
    model.set_weights(best.weights)
    save_atomically(model, request.best_model_path)
    return True


def _check_request(request: TrainRequest) -> None:
    # Caller bugs rather than user errors: the platform validates these when a job is created.
    if request.epochs < 1 or request.batch_size < 1:
        raise ValueError("epochs and batch_size must be at least 1")
    if not 0.0 <= request.validation_split < 1.0:
        raise ValueError("validation_split must be in [0, 1)")


def _parsed(raw_spec: object) -> tuple[NetworkSpec, SpecSummary]:
    try:
        spec = parse_spec(raw_spec)
        return spec, summarize(spec)
    except SpecError as error:
        raise EngineError("spec_invalid", str(error)) from None


def _spec_digest(spec: NetworkSpec) -> str:
    canonical = json.dumps(spec.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _evaluate(model: keras.Model, data: TrainingData, batch_size: int) -> dict[str, float] | None:
    test = data.evaluate_arguments(batch_size=batch_size)
    if test is None:
        return None
    with _framework_errors_as_incompatible():
        metrics = model.evaluate(**test, verbose=0, return_dict=True)
    return {name: float(value) for name, value in metrics.items()}


@contextmanager
def _framework_errors_as_incompatible() -> Iterator[None]:
    """Whatever `check_arrays_fit` missed surfaces as a Keras ValueError or a TensorFlow error.

    The reporter's and the checkpoint's own errors pass through unchanged.
    """
    try:
        yield
        return
    except EpochHandlerFailed as wrapper:
        handler_error = wrapper.error
    except (ValueError, tf.errors.InvalidArgumentError) as error:
        raise EngineError(
            "spec_incompatible", f"the data does not fit the network: {_gist(error)}"
        ) from error
    raise handler_error  # outside the except block, so its traceback is not chained to ours


_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
# Lines of Keras' and TensorFlow's error texts that frame the problem rather than state it.
_FRAMING = (
    "Exception encountered",
    "Arguments received",
    "Graph execution error",
    "Detected at node",
    "File ",
    "•",
    "[[",
)


def _gist(error: Exception) -> str:
    """The line of a Keras or TensorFlow error text that says what is wrong."""
    lines = (line.strip() for line in _ANSI_ESCAPE.sub("", str(error)).splitlines())
    gist = next((line for line in lines if line and not line.startswith(_FRAMING)), repr(error))
    return gist if len(gist) <= 300 else gist[:297] + "..."
