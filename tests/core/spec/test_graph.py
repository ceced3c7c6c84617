"""Graphs of named layers: branches and merges by `inputs`, and every way to wire them wrongly."""

from __future__ import annotations

from typing import Any

import pytest

from neuroyard_core.spec import SpecError, SpecIssue, parse_spec, summarize
from tests.worker.example_specs import LAYER_CASES, network


def errors_of(*layers: dict[str, Any]) -> list[SpecIssue]:
    with pytest.raises(SpecError) as caught:
        parse_spec(network(*layers, loss="mse"))
    return caught.value.errors


INPUT = {"type": "Input", "shape": [4], "name": "x"}


def test_a_layer_without_inputs_takes_the_layer_listed_before_it() -> None:
    summary = summarize(parse_spec(LAYER_CASES["residual_block"]))

    assert {layer.name: layer.inputs for layer in summary.layers} == {
        "image": (),
        "conv": ("image",),
        "norm": ("conv",),
        "skip": ("image", "norm"),
        "activation_4": ("skip",),
        "globalaveragepooling2d_5": ("activation_4",),
        "dense_6": ("globalaveragepooling2d_5",),
    }


def test_layers_may_be_listed_before_the_layers_they_take() -> None:
    summary = summarize(parse_spec(LAYER_CASES["listed_out_of_order"]))

    assert [(layer.name, layer.output_shape) for layer in summary.layers] == [
        ("x", (4,)),
        ("narrow", (2,)),
        ("wide", (6,)),
        ("both", (8,)),
        ("dense_4", (1,)),
    ]


def test_a_cycle_is_an_error_naming_its_layers_in_order() -> None:
    errors = errors_of(
        INPUT,
        {"type": "Dense", "units": 4, "name": "a", "inputs": ["c"]},
        {"type": "Dense", "units": 4, "name": "b"},
        {"type": "Add", "name": "c", "inputs": ["b", "x"]},
        {"type": "Dense", "units": 1, "inputs": ["c"]},
    )

    assert errors == [
        SpecIssue(
            loc="layers[1].inputs",
            message="layers[1] (Dense 'a'): is part of a cycle (a -> b -> c -> a); a layer "
            "cannot take its own output, not even through other layers",
        )
    ]


def test_an_input_that_names_no_layer_is_an_error_listing_the_names() -> None:
    errors = errors_of(
        INPUT,
        {"type": "Dense", "units": 4, "name": "a"},
        {"type": "Concatenate", "inputs": ["a", "hiden"]},
    )

    assert errors == [
        SpecIssue(
            loc="layers[2].inputs[1]",
            message="layers[2] (Concatenate): input 'hiden' is not the name of a layer; "
            "the layers are: x, a, concatenate_2",
        )
    ]


def test_a_layer_taking_its_own_output_is_an_error() -> None:
    errors = errors_of(INPUT, {"type": "Dense", "units": 1, "name": "a", "inputs": ["a"]})

    assert errors == [
        SpecIssue(loc="layers[1].inputs[0]", message="layers[1] (Dense 'a'): takes its own output")
    ]


def test_a_layer_whose_output_nothing_takes_is_an_error() -> None:
    errors = errors_of(
        INPUT,
        {"type": "Dense", "units": 4, "name": "lost"},
        {"type": "Dense", "units": 1, "inputs": ["x"]},
    )

    assert [issue.loc for issue in errors] == ["layers[1]"]
    assert errors[0].message.startswith("layers[1] (Dense 'lost'): its output is not used")


@pytest.mark.parametrize(
    ("layers", "loc", "words"),
    [
        pytest.param(
            [INPUT, {"type": "Dense", "units": 4}, {"type": "Add"}],
            "layers[2].inputs",
            'layers[2] (Add): merges the outputs of several layers; name them in "inputs"',
            id="merge in a sequential list",
        ),
        pytest.param(
            [
                INPUT,
                {"type": "Dense", "units": 4, "name": "a"},
                {"type": "Dense", "units": 1, "inputs": ["x", "a"]},
            ],
            "layers[2].inputs",
            "takes one input, got 2; merge them first with a Concatenate or Add layer",
            id="two inputs to a dense layer",
        ),
        pytest.param(
            [
                INPUT,
                {"type": "Dense", "units": 4, "name": "a"},
                {"type": "Subtract", "inputs": ["x", "a", "a"]},
            ],
            "layers[2].inputs",
            "layers[2] (Subtract): takes exactly 2 inputs, got 3",
            id="subtract of three",
        ),
        pytest.param(
            [{**INPUT, "inputs": ["x"]}, {"type": "Dense", "units": 1}],
            "layers[0].inputs",
            "layers[0] (Input 'x'): an Input layer takes no inputs",
            id="input with inputs",
        ),
        pytest.param(
            [
                INPUT,
                {"type": "Input", "shape": [2], "name": "y"},
                {"type": "Concatenate", "inputs": ["x", "y"]},
            ],
            "layers[1]",
            "only the first layer may be an Input layer; a network takes one array of samples",
            id="second input",
        ),
        pytest.param(
            [
                INPUT,
                {"type": "Dense", "units": 3, "name": "a"},
                {"type": "Add", "inputs": ["x", "a"]},
            ],
            "layers[2]",
            "layers[2] (Add): needs inputs of one shape, got (4,), (3,); use Concatenate",
            id="add of different shapes",
        ),
        pytest.param(
            [
                {"type": "Input", "shape": [2, 3], "name": "x"},
                {"type": "Dense", "units": 3, "name": "a"},
                {"type": "Concatenate", "axis": 1, "inputs": ["x", "a", "x"]},
                {"type": "Concatenate", "axis": -1, "inputs": ["x", "concatenate_2"]},
            ],
            "layers[3]",
            "can join inputs only along axis -1; their other axes must match, got (2, 3), (6, 3)",
            id="concatenate of mismatched shapes",
        ),
        pytest.param(
            [
                INPUT,
                {"type": "Dense", "units": 3, "name": "a"},
                {"type": "Concatenate", "axis": 0, "inputs": ["x", "a"]},
            ],
            "layers[2]",
            "axis 0 is not an axis of its inputs' samples of rank 1; use -1 (the last axis)",
            id="concatenate along the batch axis",
        ),
    ],
)
def test_a_badly_wired_graph_is_an_error_naming_the_layer(
    layers: list[dict[str, Any]], loc: str, words: str
) -> None:
    spec = network(*layers, loss="mse")
    with pytest.raises(SpecError) as caught:
        summarize(parse_spec(spec))

    assert [issue.loc for issue in caught.value.errors] == [loc]
    assert words in caught.value.errors[0].message
