"""The wider vocabulary: text, sequence and image layers, learning-rate schedules and callbacks,
each refused with a message naming the layer or section when it is used wrongly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from neuroyard_core.spec import SpecError, parse_spec, summarize
from neuroyard_core.spec.compilation import AdamSpec
from neuroyard_core.spec.schedules import CosineDecaySpec
from tests.worker.example_specs import DIGITS_MLP, LAYER_CASES, network


def problem(spec: dict[str, Any]) -> tuple[list[str], str]:
    with pytest.raises(SpecError) as caught:
        summarize(parse_spec(spec))
    return [issue.loc for issue in caught.value.errors], caught.value.errors[0].message


def with_compile(**changes: Any) -> dict[str, Any]:
    spec = json.loads(json.dumps(DIGITS_MLP))
    spec["compile"].update(changes)
    return spec


def with_callbacks(*callbacks: dict[str, Any], **compile_changes: Any) -> dict[str, Any]:
    return with_compile(**compile_changes) | {"callbacks": list(callbacks)}


@pytest.mark.parametrize("name", LAYER_CASES)
def test_every_layer_case_parses_and_summarizes(name: str) -> None:
    assert summarize(parse_spec(LAYER_CASES[name])).total_params >= 0


def test_a_learning_rate_may_follow_a_schedule() -> None:
    spec = parse_spec(
        with_compile(
            optimizer={
                "type": "adam",
                "learning_rate": {
                    "type": "cosine_decay",
                    "initial_learning_rate": 0.01,
                    "decay_steps": 1000,
                    "warmup_steps": 100,
                    "warmup_target": 0.1,
                },
            }
        )
    )

    assert isinstance(spec.compile.optimizer, AdamSpec)
    assert spec.compile.optimizer.learning_rate == CosineDecaySpec(
        type="cosine_decay",
        initial_learning_rate=0.01,
        decay_steps=1000,
        warmup_steps=100,
        warmup_target=0.1,
    )


def test_callbacks_parse_with_keras_defaults() -> None:
    spec = parse_spec(
        with_callbacks(
            {"type": "early_stopping", "patience": 3, "restore_best_weights": True},
            {"type": "reduce_lr_on_plateau", "monitor": "val_accuracy", "factor": 0.5},
        )
    )

    early, plateau = spec.callbacks
    assert (early.monitor, early.patience, early.min_delta) == ("val_loss", 3, 0.0)
    assert (plateau.monitor, plateau.patience, plateau.mode) == ("val_accuracy", 10, "auto")


TEXT = {"type": "Input", "shape": [1], "dtype": "string"}
SEQUENCE = {"type": "Input", "shape": [6, 3]}

BAD: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "tokenizer on numbers",
        network(
            {"type": "Input", "shape": [1]},
            {"type": "TextVectorization", "output_sequence_length": 4},
        ),
        "layers[1]",
        "layers[1] (TextVectorization): needs text: an Input with dtype 'string' and shape [1]",
    ),
    (
        "dense layer on text",
        network(TEXT, {"type": "Dense", "units": 2}),
        "layers[1]",
        "layers[1] (Dense): takes numbers, but its input is text; turn text into token numbers",
    ),
    (
        "embedding smaller than the vocabulary",
        network(
            TEXT,
            {"type": "TextVectorization", "output_sequence_length": 4, "max_tokens": 100},
            {"type": "Embedding", "input_dim": 50, "output_dim": 2, "name": "words"},
        ),
        "layers[2]",
        "layers[2] (Embedding 'words'): input_dim 50 is less than the 100 token numbers",
    ),
    (
        "repeated vocabulary token",
        network(
            TEXT,
            {
                "type": "TextVectorization",
                "output_sequence_length": 4,
                "vocabulary": ["a", "b", "a"],
            },
        ),
        "layers[1].vocabulary",
        "layers[1] (TextVectorization): vocabulary lists 'a' more than once",
    ),
    (
        "reserved vocabulary token",
        network(
            TEXT,
            {"type": "TextVectorization", "output_sequence_length": 4, "vocabulary": ["[UNK]"]},
        ),
        "layers[1].vocabulary",
        "vocabulary must not hold '[UNK]'",
    ),
    (
        "recurrent layer on flat input",
        network({"type": "Input", "shape": [12]}, {"type": "LSTM", "units": 2}),
        "layers[1]",
        "layers[1] (LSTM): needs an input of shape (steps, features), got (12,); put a Reshape",
    ),
    (
        "1D convolution on images",
        network(
            {"type": "Input", "shape": [8, 8, 1]},
            {"type": "Conv1D", "filters": 2, "kernel_size": 3},
        ),
        "layers[1]",
        "needs an input of shape (steps, features), got (8, 8, 1)",
    ),
    (
        "1D kernel longer than the sequence",
        network(SEQUENCE, {"type": "Conv1D", "filters": 2, "kernel_size": 7}),
        "layers[1]",
        "kernel_size 7 is larger than its input of 6 with padding 'valid'",
    ),
    (
        "augmentation on flat input",
        network({"type": "Input", "shape": [64]}, {"type": "RandomFlip"}),
        "layers[1]",
        "layers[1] (RandomFlip): needs an input of shape (height, width, channels)",
    ),
    (
        "rotation of more than a turn",
        network({"type": "Input", "shape": [8, 8, 1]}, {"type": "RandomRotation", "factor": 2}),
        "layers[1].factor",
        "layers[1] (RandomRotation): factor must be at most 1.0, got 2",
    ),
    (
        "unknown wrapped layer",
        network(SEQUENCE, {"type": "Bidirectional", "layer": {"type": "Dense", "units": 2}}),
        "layers[1].layer",
        "layers[1] (Bidirectional): layer: unknown recurrent layer type 'Dense'; "
        "allowed: GRU, LSTM, SimpleRNN",
    ),
    (
        "bad argument of a wrapped layer",
        network(SEQUENCE, {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 0}}),
        "layers[1].layer.units",
        "layers[1] (Bidirectional): layer.units must be a positive integer, got 0",
    ),
    (
        "wrapped layer with inputs",
        network(
            SEQUENCE,
            {"type": "Bidirectional", "layer": {"type": "GRU", "units": 2, "inputs": ["x"]}},
        ),
        "layers[1].layer",
        "layer must not name inputs",
    ),
    (
        "unknown input dtype",
        network({"type": "Input", "shape": [2], "dtype": "float64"}, {"type": "Dense", "units": 1}),
        "layers[0].dtype",
        "layers[0] (Input): dtype must be 'float32', 'int32' or 'string', got 'float64'",
    ),
    (
        "unknown schedule",
        with_compile(optimizer={"type": "sgd", "learning_rate": {"type": "step_decay"}}),
        "compile.optimizer.learning_rate",
        "compile.optimizer: learning_rate: unknown learning-rate schedule 'step_decay'; "
        "allowed: cosine_decay, exponential_decay",
    ),
    (
        "schedule argument out of range",
        with_compile(
            optimizer={
                "type": "adam",
                "learning_rate": {
                    "type": "exponential_decay",
                    "initial_learning_rate": 0.1,
                    "decay_steps": 0,
                    "decay_rate": 0.9,
                },
            }
        ),
        "compile.optimizer.learning_rate.decay_steps",
        "compile.optimizer: learning_rate.decay_steps must be a positive integer, got 0",
    ),
    (
        "unknown schedule argument",
        with_compile(
            optimizer={
                "type": "adam",
                "learning_rate": {
                    "type": "piecewise_constant_decay",
                    "boundaries": [10],
                    "values": [0.1, 0.01],
                    "gamma": 2,
                },
            }
        ),
        "compile.optimizer.learning_rate.gamma",
        "compile.optimizer: unknown argument 'learning_rate.gamma'; allowed: boundaries, type, "
        "values",
    ),
    (
        "piecewise schedule with too few values",
        with_compile(
            optimizer={
                "type": "adam",
                "learning_rate": {
                    "type": "piecewise_constant_decay",
                    "boundaries": [10, 20],
                    "values": [0.1, 0.01],
                },
            }
        ),
        "compile.optimizer.learning_rate",
        "needs one more value than boundaries: 2 boundaries, 2 values",
    ),
    (
        "NaN learning rate",
        with_compile(optimizer={"type": "adam", "learning_rate": float("nan")}),
        "compile.optimizer.learning_rate",
        "compile.optimizer: learning_rate must be a finite number, got nan",
    ),
    (
        "infinite learning rate",
        with_compile(optimizer={"type": "adam", "learning_rate": float("inf")}),
        "compile.optimizer.learning_rate",
        "learning_rate must be a finite number, got inf",
    ),
    (
        "unknown callback",
        with_callbacks({"type": "tensorboard"}),
        "callbacks[0]",
        "callbacks[0]: unknown callback 'tensorboard'; allowed: early_stopping, "
        "reduce_lr_on_plateau",
    ),
    (
        "monitor of a metric not compiled",
        with_callbacks({"type": "early_stopping", "monitor": "val_auc"}),
        "callbacks[0].monitor",
        "callbacks[0] (early_stopping): cannot monitor 'val_auc': training logs only loss, "
        "accuracy, val_loss, val_accuracy",
    ),
    (
        "bad callback argument",
        with_callbacks({"type": "reduce_lr_on_plateau", "factor": 1.5}),
        "callbacks[0].factor",
        "callbacks[0] (reduce_lr_on_plateau): factor must be less than 1.0, got 1.5",
    ),
    (
        "the same callback twice",
        with_callbacks({"type": "early_stopping"}, {"type": "early_stopping", "patience": 2}),
        "callbacks[1]",
        "callbacks[1] (early_stopping): callbacks[0] is one already; give each type of callback",
    ),
    (
        "plateau callback with a schedule",
        with_callbacks(
            {"type": "reduce_lr_on_plateau"},
            optimizer={
                "type": "sgd",
                "learning_rate": {
                    "type": "inverse_time_decay",
                    "initial_learning_rate": 0.1,
                    "decay_steps": 10,
                    "decay_rate": 0.5,
                },
            },
        ),
        "callbacks[0]",
        "cannot lower a learning rate that follows a schedule",
    ),
]


@pytest.mark.parametrize(
    ("spec", "loc", "words"), [pytest.param(s, loc, w, id=what) for what, s, loc, w in BAD]
)
def test_a_misused_layer_schedule_or_callback_is_named(
    spec: dict[str, Any], loc: str, words: str
) -> None:
    locs, message = problem(spec)

    assert locs == [loc]
    assert words in message


ABSURD: list[tuple[str, dict[str, Any], str]] = [
    (
        "an embedding of a billion tokens",
        network(
            {"type": "Input", "shape": [10]},
            {"type": "Embedding", "input_dim": 10**9, "output_dim": 64},
        ),
        "parameters; the limit is 50,000,000",
    ),
    (
        "an LSTM of a million units",
        network(SEQUENCE, {"type": "LSTM", "units": 10**6}),
        "parameters; the limit is 50,000,000",
    ),
    (
        "many wide layers whose outputs add up",
        network(
            {"type": "Input", "shape": [40_000_000]},
            *[{"type": "Activation", "activation": "relu"} for _ in range(5)],
        ),
        "with this layer the outputs of all layers hold 240,000,000 values per sample",
    ),
    (
        "a sequence a billion steps long",
        network({"type": "Input", "shape": [10**9, 1]}, {"type": "GRU", "units": 2}),
        "holds 1,000,000,000 values per sample",
    ),
]


@pytest.mark.parametrize(("spec", "words"), [pytest.param(s, w, id=what) for what, s, w in ABSURD])
def test_absurd_sizes_are_refused_before_anything_is_built(
    spec: dict[str, Any], words: str
) -> None:
    _, message = problem(spec)

    assert words in message
