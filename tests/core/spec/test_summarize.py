"""summarize infers each layer's output shape and parameter count as Keras would, and refuses
networks whose shapes do not fit or that are too large for a worker."""

from __future__ import annotations

from typing import Any

import pytest

from neuroyard_core.spec import (
    MAX_PARAMS,
    LayerSummary,
    SpecError,
    SpecSummary,
    parse_spec,
    summarize,
)
from neuroyard_core.spec.memory import estimate_memory
from tests.worker.example_specs import DIGITS_MLP, EXAMPLES, network


def summary_of(spec: dict[str, Any]) -> SpecSummary:
    return summarize(parse_spec(spec))


def shape_error(*layers: dict[str, Any]) -> str:
    with pytest.raises(SpecError) as caught:
        summary_of(network(*layers, loss="mse"))
    (issue,) = caught.value.errors
    return f"{issue.loc}: {issue.message}"


@pytest.mark.parametrize("name", EXAMPLES)
def test_parameter_totals_match_the_hand_counted_ones(name: str) -> None:
    spec, params = EXAMPLES[name]

    summary = summary_of(spec)

    assert summary.total_params == params
    assert summary.trainable_params == params
    assert sum(layer.params for layer in summary.layers) == params


def test_the_digits_mlp_summary_layer_by_layer() -> None:
    assert summary_of(DIGITS_MLP) == SpecSummary(
        layers=[
            LayerSummary(name="input_0", type="Input", output_shape=(64,), params=0),
            LayerSummary(
                name="dense_1",
                type="Dense",
                output_shape=(512,),
                params=33_280,
                inputs=("input_0",),
            ),
            LayerSummary(
                name="dropout_2",
                type="Dropout",
                output_shape=(512,),
                params=0,
                inputs=("dense_1",),
            ),
            LayerSummary(
                name="dense_3",
                type="Dense",
                output_shape=(10,),
                params=5_130,
                inputs=("dropout_2",),
            ),
        ],
        total_params=38_410,
        trainable_params=38_410,
        non_trainable_params=0,
        input_shape=(64,),
        output_shape=(10,),
        # RMSprop keeps one moving average per weight; every layer output is counted per sample.
        memory=estimate_memory(
            total_params=38_410,
            trainable_params=38_410,
            optimizer_slots=1,
            activation_values_per_sample=64 + 512 + 512 + 10,
        ),
    )


def test_convolution_and_pooling_shapes() -> None:
    summary = summary_of(EXAMPLES["reshaped_convnet"][0])

    assert [layer.output_shape for layer in summary.layers] == [
        (64,),
        (8, 8, 1),  # -1 resolved
        (4, 4, 4),  # stride 2, same padding: ceil(8 / 2)
        (4, 2, 4),  # pool 3, strides (1, 2), same padding
        (32,),
        (10,),
    ]


def test_dense_applies_to_the_last_axis() -> None:
    summary = summary_of(
        network({"type": "Input", "shape": [5, 7]}, {"type": "Dense", "units": 3}, loss="mse")
    )

    assert summary.layers[1] == LayerSummary(
        name="dense_1", type="Dense", output_shape=(5, 3), params=7 * 3 + 3, inputs=("input_0",)
    )


def test_dense_without_bias_has_no_bias_parameters() -> None:
    summary = summary_of(
        network(
            {"type": "Input", "shape": [4]},
            {"type": "Dense", "units": 3, "use_bias": False},
            loss="mse",
        )
    )

    assert summary.total_params == 12


def test_valid_padding_drops_what_the_window_does_not_cover() -> None:
    summary = summary_of(
        network(
            {"type": "Input", "shape": [9, 7, 2]},
            {"type": "Conv2D", "filters": 4, "kernel_size": [3, 2], "strides": [2, 3]},
            {"type": "MaxPooling2D", "pool_size": [2, 1], "strides": [1, 2]},
            loss="mse",
        )
    )

    assert [layer.output_shape for layer in summary.layers[1:]] == [(4, 2, 4), (3, 1, 4)]
    assert summary.layers[1].params == 3 * 2 * 2 * 4 + 4


def test_convolution_on_flat_input_asks_for_a_reshape() -> None:
    message = shape_error(
        {"type": "Input", "shape": [64]},
        {"type": "Conv2D", "filters": 8, "kernel_size": 3},
    )

    assert message == (
        "layers[1]: layers[1] (Conv2D): needs an input of shape (height, width, channels), "
        "got (64,); put a Reshape layer before it, e.g. target_shape [8, 8, 1]"
    )


def test_pooling_on_flat_input_is_an_error() -> None:
    message = shape_error(
        {"type": "Input", "shape": [8, 8, 1]},
        {"type": "Flatten"},
        {"type": "MaxPooling2D", "name": "pool"},
    )

    assert message.startswith("layers[2]: layers[2] (MaxPooling2D 'pool'): needs an input of")


def test_a_kernel_larger_than_its_input_without_padding_is_an_error() -> None:
    message = shape_error(
        {"type": "Input", "shape": [4, 4, 1]},
        {"type": "Conv2D", "filters": 2, "kernel_size": 3},
        {"type": "Conv2D", "filters": 2, "kernel_size": 3},
    )

    assert message == (
        "layers[2]: layers[2] (Conv2D): kernel_size 3x3 is larger than its 2x2 input with "
        "padding 'valid'; use a smaller window or padding 'same'"
    )


def test_a_pool_larger_than_its_input_without_padding_is_an_error() -> None:
    message = shape_error(
        {"type": "Input", "shape": [3, 8, 1]},
        {"type": "MaxPooling2D", "pool_size": [4, 2]},
    )

    assert "pool_size 4x2 is larger than its 3x8 input" in message


def test_same_padding_accepts_a_window_larger_than_its_input() -> None:
    summary = summary_of(
        network(
            {"type": "Input", "shape": [2, 2, 1]},
            {"type": "Conv2D", "filters": 1, "kernel_size": 5, "padding": "same"},
            loss="mse",
        )
    )

    assert summary.output_shape == (2, 2, 1)


def test_a_reshape_must_keep_the_number_of_values() -> None:
    message = shape_error(
        {"type": "Input", "shape": [64]},
        {"type": "Reshape", "target_shape": [7, 9]},
    )

    assert message == (
        "layers[1]: layers[1] (Reshape): cannot reshape (64,) (64 values) to (7, 9) (63 values)"
    )


def test_a_reshape_wildcard_must_divide_evenly() -> None:
    message = shape_error(
        {"type": "Input", "shape": [64]},
        {"type": "Reshape", "target_shape": [-1, 7]},
    )

    assert "cannot reshape (64,) (64 values) to (-1, 7): 64 is not a multiple of 7" in message


def test_more_parameters_in_total_than_the_limit_is_an_error() -> None:
    message = shape_error(
        {"type": "Input", "shape": [1_000]},
        {"type": "Dense", "units": 40_000},  # 40,040,000 parameters
        {"type": "Dense", "units": 300, "name": "tipping"},  # 12,000,300 more
        {"type": "Dense", "units": 2},
    )

    assert message == (
        "layers[2]: layers[2] (Dense 'tipping'): with this layer the network has 52,040,300 "
        f"parameters; the limit is {MAX_PARAMS:,}"
    )


def test_a_layer_output_too_large_for_memory_is_an_error() -> None:
    message = shape_error(
        {"type": "Input", "shape": [1000, 1000, 3]},
        {"type": "Conv2D", "filters": 64, "kernel_size": 3, "padding": "same"},
    )

    assert message == (
        "layers[1]: layers[1] (Conv2D): its output (1000, 1000, 64) holds 64,000,000 values "
        "per sample; the limit is 50,000,000"
    )


def test_an_absurd_input_is_refused_before_any_arithmetic_on_it() -> None:
    message = shape_error({"type": "Input", "shape": [10**9, 10**9]})

    assert "layers[0] (Input): its output (1000000000, 1000000000) holds" in message


def test_the_limits_can_be_lowered() -> None:
    with pytest.raises(SpecError, match="the limit is 1,000"):
        summarize(parse_spec(DIGITS_MLP), max_params=1_000)
