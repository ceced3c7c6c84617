"""parse_spec accepts the spec language and names every problem in a spec a person can act on."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from neuroyard_core.spec import NetworkSpec, SpecError, SpecIssue, parse_spec
from neuroyard_core.spec.compilation import AdamSpec, RMSpropSpec
from neuroyard_core.spec.layers import Conv2DSpec, MaxPooling2DSpec
from tests.worker.example_specs import DIGITS_MLP, EXAMPLES

Edit = Callable[[dict[str, Any]], object]


def digits_mlp_with(edit: Edit) -> dict[str, Any]:
    spec = copy.deepcopy(DIGITS_MLP)
    edit(spec)
    return spec


def spec_errors(data: object) -> list[SpecIssue]:
    with pytest.raises(SpecError) as caught:
        parse_spec(data)
    return caught.value.errors


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_spec_parses(name: str) -> None:
    assert isinstance(parse_spec(EXAMPLES[name][0]), NetworkSpec)


def test_the_documented_example_parses_with_its_values() -> None:
    spec = parse_spec(DIGITS_MLP)

    assert [layer.type for layer in spec.layers] == ["Input", "Dense", "Dropout", "Dense"]
    assert spec.compile.optimizer == RMSpropSpec(type="rmsprop", learning_rate=0.001)
    assert spec.compile.loss == "sparse_categorical_crossentropy"
    assert spec.compile.metrics == ["accuracy"]


def test_a_bare_optimizer_name_means_that_optimizer_with_keras_defaults() -> None:
    spec = parse_spec(digits_mlp_with(lambda s: s["compile"].update(optimizer="adam")))

    assert spec.compile.optimizer == AdamSpec(
        type="adam", learning_rate=0.001, beta_1=0.9, beta_2=0.999
    )


def test_kernel_and_pool_sizes_take_an_int_or_a_pair() -> None:
    spec = parse_spec(EXAMPLES["reshaped_convnet"][0])

    conv, pool = spec.layers[2], spec.layers[3]
    assert isinstance(conv, Conv2DSpec) and isinstance(pool, MaxPooling2DSpec)
    assert conv.kernel_size == (3, 2) and conv.strides == (2, 2)
    assert pool.pool_size == (3, 3) and pool.strides == (1, 2)


def test_layers_without_a_name_are_named_after_their_type_and_position() -> None:
    spec = parse_spec(EXAMPLES["reshaped_convnet"][0])

    assert spec.layer_names() == [
        "input_0",
        "as_image",
        "conv2d_2",
        "maxpooling2d_3",
        "flatten_4",
        "dense_5",
    ]


def test_a_default_name_never_repeats_a_name_given_explicitly() -> None:
    spec = parse_spec(digits_mlp_with(lambda s: s["layers"][1].update(name="dense_3")))

    names = spec.layer_names()
    assert names[1] == "dense_3"
    assert len(set(names)) == len(names)


def test_a_spec_that_is_not_an_object_is_an_error() -> None:
    errors = spec_errors([{"type": "Input", "shape": [4]}])

    assert errors == [
        SpecIssue(loc="", message="a network spec must be a JSON object, got [an object]")
    ]


def test_an_unknown_layer_type_lists_the_allowed_types() -> None:
    errors = spec_errors(
        digits_mlp_with(lambda s: s["layers"].__setitem__(1, {"type": "Dense3", "units": 4}))
    )

    assert errors == [
        SpecIssue(
            loc="layers[1]",
            message="layers[1]: unknown layer type 'Dense3'; allowed: Activation, Add, Average, "
            "AveragePooling1D, AveragePooling2D, BatchNormalization, Bidirectional, Concatenate, "
            "Conv1D, Conv2D, Conv2DTranspose, Dense, Dropout, Embedding, Flatten, "
            "GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, "
            "GlobalMaxPooling2D, GRU, Input, "
            "LayerNormalization, LSTM, Maximum, MaxPooling1D, MaxPooling2D, Minimum, Multiply, "
            "RandomFlip, RandomRotation, RandomZoom, Rescaling, Reshape, SimpleRNN, Subtract, "
            "TextVectorization",
        )
    ]


def test_zero_units_is_an_error_naming_the_layer_and_the_value() -> None:
    errors = spec_errors(digits_mlp_with(lambda s: s["layers"][1].update(units=0)))

    assert errors == [
        SpecIssue(
            loc="layers[1].units",
            message="layers[1] (Dense): units must be a positive integer, got 0",
        )
    ]


def test_messages_name_a_named_layer_by_its_name() -> None:
    errors = spec_errors(digits_mlp_with(lambda s: s["layers"][1].update(units=0, name="hidden")))

    assert errors[0].message.startswith("layers[1] (Dense 'hidden'): units")


def test_every_problem_in_a_spec_is_reported_at_once() -> None:
    def break_twice(spec: dict[str, Any]) -> None:
        spec["layers"][1]["units"] = -3
        spec["compile"]["loss"] = "crossentropy"

    errors = spec_errors(digits_mlp_with(break_twice))

    assert [issue.loc for issue in errors] == ["layers[1].units", "compile.loss"]
    assert str(SpecError(errors)) == "; ".join(issue.message for issue in errors)


# (what is wrong, how to break the digits MLP, where, words the message must contain)
BAD_SPECS: list[tuple[str, Edit, str, str]] = [
    (
        "unknown argument",
        lambda s: s["layers"][1].update(unit=5),
        "layers[1].unit",
        "layers[1] (Dense): unknown argument 'unit'; allowed: activation, inputs, name, type, "
        "units, use_bias",
    ),
    (
        "unknown top-level key",
        lambda s: s.update(optimiser="adam"),
        "optimiser",
        "unknown argument 'optimiser'; allowed: callbacks, compile, layers",
    ),
    ("missing type", lambda s: s["layers"][2].pop("type"), "layers[2]", "'type' is required"),
    ("layer not an object", lambda s: s["layers"].__setitem__(2, 5), "layers[2]", "an object"),
    ("missing units", lambda s: s["layers"][1].pop("units"), "layers[1].units", "is required"),
    (
        "units as text",
        lambda s: s["layers"][1].update(units="512"),
        "layers[1].units",
        "units must be an integer, got '512'",
    ),
    (
        "units as boolean",
        lambda s: s["layers"][1].update(units=True),
        "layers[1].units",
        "units must be an integer, got true",
    ),
    (
        "fractional units",
        lambda s: s["layers"][1].update(units=2.5),
        "layers[1].units",
        "units must be an integer, got 2.5",
    ),
    (
        "bad activation",
        lambda s: s["layers"][1].update(activation="relu2"),
        "layers[1].activation",
        "layers[1] (Dense): unknown activation 'relu2'; allowed: celu, elu, exponential, gelu",
    ),
    (
        "dropout rate of 1",
        lambda s: s["layers"][2].update(rate=1),
        "layers[2].rate",
        "layers[2] (Dropout): rate must be less than 1.0, got 1",
    ),
    (
        "negative dropout rate",
        lambda s: s["layers"][2].update(rate=-0.1),
        "layers[2].rate",
        "rate must be at least 0.0, got -0.1",
    ),
    (
        "use_bias not a boolean",
        lambda s: s["layers"][1].update(use_bias="yes"),
        "layers[1].use_bias",
        "use_bias must be true or false, got 'yes'",
    ),
    (
        "empty input shape",
        lambda s: s["layers"][0].update(shape=[]),
        "layers[0].shape",
        "shape must be a list of 1 to 8 positive integers, got []",
    ),
    (
        "zero in input shape",
        lambda s: s["layers"][0].update(shape=[8, 0]),
        "layers[0].shape",
        "got [8, 0]",
    ),
    (
        "two wildcards in a reshape",
        lambda s: s["layers"].insert(1, {"type": "Reshape", "target_shape": [-1, -1]}),
        "layers[1].target_shape",
        "one of which may be -1, got [-1, -1]",
    ),
    (
        "kernel size triple",
        lambda s: s["layers"].insert(1, {"type": "Conv2D", "filters": 2, "kernel_size": [3, 3, 3]}),
        "layers[1].kernel_size",
        "kernel_size must be a positive integer or a list of two positive integers",
    ),
    (
        "unknown padding",
        lambda s: s["layers"].insert(
            1, {"type": "MaxPooling2D", "pool_size": 2, "padding": "causal"}
        ),
        "layers[1].padding",
        "padding must be 'valid' or 'same', got 'causal'",
    ),
    (
        "layer name with a space",
        lambda s: s["layers"][1].update(name="my layer"),
        "layers[1].name",
        "name must start with a letter and hold only letters, digits and underscores",
    ),
    (
        "duplicate names",
        lambda s: (s["layers"][1].update(name="dense"), s["layers"][3].update(name="dense")),
        "layers[3].name",
        "layers[3] (Dense 'dense'): the name 'dense' is already used by layers[1]",
    ),
    (
        "missing input",
        lambda s: s["layers"].pop(0),
        "layers[0]",
        "layers[0] (Dense): the first layer must be an Input layer",
    ),
    (
        "input not first",
        lambda s: s["layers"].insert(2, {"type": "Input", "shape": [3]}),
        "layers[2]",
        "layers[2] (Input): only the first layer may be an Input layer",
    ),
    ("no layers", lambda s: s.update(layers=[]), "layers", "layers must have at least 1 item"),
    ("layers not a list", lambda s: s.update(layers={}), "layers", "layers must be a list"),
    ("missing compile", lambda s: s.pop("compile"), "compile", "compile is required"),
    (
        "unknown optimizer",
        lambda s: s["compile"].update(optimizer="adagrad"),
        "compile.optimizer",
        "compile.optimizer: unknown optimizer 'adagrad'; allowed: adam, adamw, rmsprop, sgd",
    ),
    (
        "argument of another optimizer",
        lambda s: s["compile"].update(optimizer={"type": "adam", "momentum": 0.9}),
        "compile.optimizer.momentum",
        "compile.optimizer: unknown argument 'momentum'; allowed: beta_1, beta_2, clipnorm, "
        "learning_rate, type",
    ),
    (
        "negative learning rate",
        lambda s: s["compile"].update(optimizer={"type": "sgd", "learning_rate": -1}),
        "compile.optimizer.learning_rate",
        "compile.optimizer: learning_rate must be greater than 0.0, got -1",
    ),
    (
        "unknown loss",
        lambda s: s["compile"].update(loss="cross_entropy"),
        "compile.loss",
        "compile: unknown loss 'cross_entropy'; allowed: binary_crossentropy",
    ),
    (
        "unknown metric",
        lambda s: s["compile"].update(metrics=["accuracy", "acc"]),
        "compile.metrics[1]",
        "compile.metrics[1]: unknown metric 'acc'; allowed: accuracy",
    ),
    (
        "repeated metric",
        lambda s: s["compile"].update(metrics=["mae", "mae"]),
        "compile.metrics",
        "compile: metrics lists 'mae' more than once",
    ),
]


@pytest.mark.parametrize(
    ("edit", "loc", "words"),
    [pytest.param(edit, loc, words, id=what) for what, edit, loc, words in BAD_SPECS],
)
def test_a_bad_spec_is_an_error_naming_the_problem(edit: Edit, loc: str, words: str) -> None:
    errors = spec_errors(digits_mlp_with(edit))

    assert [issue.loc for issue in errors] == [loc]
    assert words in errors[0].message
