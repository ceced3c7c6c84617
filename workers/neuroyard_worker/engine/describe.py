"""What the platform keeps about a Keras model: its layer table and, for a small dense network,
every weight, so the UI can draw it. Computed by workers; stored as JSON on the model's row."""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

# "A few hundred connections": as many as a diagram of lines can show legibly.
MAX_DIAGRAM_CONNECTIONS = 500
_PASS_THROUGH = (keras.layers.Dropout, keras.layers.InputLayer)


def flat_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's layers in order, with those of nested models (a backbone) in their place."""
    layers: list[keras.layers.Layer] = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            layers += flat_layers(layer)
        else:
            layers.append(layer)
    return layers


def describe_model(model: keras.Model) -> dict[str, Any]:
    trainable = sum(int(math.prod(w.shape)) for w in model.trainable_weights)
    return {
        "input_shape": _sample_shape(model.inputs[0].shape) if model.inputs else None,
        "output_shape": _sample_shape(model.outputs[0].shape) if model.outputs else None,
        "param_count": int(model.count_params()),
        "trainable_params": trainable,
        "output_activation": _output_activation(model),
        "layers": [
            {
                "name": layer.name,
                "type": type(layer).__name__,
                "output_shape": _output_shape(layer),
                "params": int(layer.count_params()) if layer.built else 0,
                "trainable": bool(layer.trainable),
            }
            for layer in flat_layers(model)
        ],
        "diagram": dense_diagram(model),
    }


def dense_diagram(model: keras.Model) -> dict[str, Any]:
    """Layers of neurons with every weight and bias, for a chain of Dense layers (Flatten,
    Dropout and Activation allowed) of at most MAX_DIAGRAM_CONNECTIONS weights; otherwise
    {"unavailable": why}."""
    layers = [layer for layer in flat_layers(model) if not isinstance(layer, _PASS_THROUGH)]
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        return {"unavailable": "only a network with one input and one output can be drawn"}
    if layers and isinstance(layers[0], keras.layers.Flatten):
        layers = layers[1:]  # the flattened pixels are the input neurons
    kinds = {type(layer).__name__ for layer in layers} - {"Dense", "Activation"}
    if kinds or not layers or not isinstance(layers[0], keras.layers.Dense):
        found = ", ".join(sorted(kinds)) or "no Dense layer first"
        return {"unavailable": f"only chains of Dense layers can be drawn; this has {found}"}
    dense = [layer for layer in layers if isinstance(layer, keras.layers.Dense)]
    connections = sum(int(math.prod(layer.kernel.shape)) for layer in dense)
    if connections > MAX_DIAGRAM_CONNECTIONS:
        return {
            "unavailable": f"it has {connections:,} connections; at most "
            f"{MAX_DIAGRAM_CONNECTIONS} can be drawn"
        }
    inputs = int(dense[0].kernel.shape[0])
    drawn: list[dict[str, Any]] = [{"name": "input", "units": inputs, "activation": None}]
    for layer in layers:
        if isinstance(layer, keras.layers.Activation):
            drawn[-1]["activation"] = _name_of(layer.activation)
            continue
        kernel = np.asarray(keras.ops.convert_to_numpy(layer.kernel), dtype=float)
        bias = (
            np.asarray(keras.ops.convert_to_numpy(layer.bias), dtype=float)
            if layer.use_bias
            else np.zeros(kernel.shape[1])
        )
        drawn.append(
            {
                "name": layer.name,
                "units": int(kernel.shape[1]),
                "activation": _name_of(layer.activation),
                # weights[i][j]: from neuron i of the previous layer to neuron j of this one
                "weights": kernel.round(6).tolist(),
                "biases": bias.round(6).tolist(),
            }
        )
    return {"layers": drawn, "connections": connections}


def _name_of(activation: Any) -> str:
    return str(getattr(activation, "__name__", activation))


def _output_activation(model: keras.Model) -> str | None:
    last = flat_layers(model)[-1] if model.layers else None
    activation = getattr(last, "activation", None)
    return _name_of(activation) if activation is not None else None


def _output_shape(layer: keras.layers.Layer) -> list[int | None] | None:
    try:
        return _sample_shape(layer.output.shape)
    except (AttributeError, ValueError):  # a layer used more than once has no single output
        return None


def _sample_shape(shape: Any) -> list[int | None]:
    return [None if d is None else int(d) for d in tuple(shape)[1:]]
