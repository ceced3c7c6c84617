"""For every layer type and for graphs, summarize promises exactly what Keras builds."""

from __future__ import annotations

import keras
import pytest

from neuroyard_core.spec import parse_spec, summarize
from neuroyard_worker.engine.build import build_model
from tests.worker.example_specs import LAYER_CASES


@pytest.mark.parametrize("name", LAYER_CASES)
def test_shapes_and_parameter_counts_equal_keras(name: str) -> None:
    spec = parse_spec(LAYER_CASES[name])

    model = build_model(spec)
    summary = summarize(spec)

    assert summary.total_params == model.count_params()
    non_trainable = sum(int(w.numpy().size) for w in model.non_trainable_weights)
    assert summary.non_trainable_params == non_trainable
    for layer in summary.layers:
        built = model.get_layer(layer.name) if layer.type != "Input" else None
        if built is None:
            continue
        assert (layer.name, tuple(built.output.shape[1:]), built.count_params()) == (
            layer.name,
            layer.output_shape,
            layer.params,
        )
    assert tuple(model.outputs[0].shape[1:]) == summary.output_shape


def test_a_graph_becomes_a_functional_model_wired_as_named() -> None:
    spec = parse_spec(LAYER_CASES["inception_style_branches"])

    model = build_model(spec)

    assert not isinstance(model, keras.Sequential)
    joined = model.get_layer("joined")
    assert [tensor._keras_history.operation.name for tensor in joined.input] == [
        "one",
        "three",
        "pool",
    ]
