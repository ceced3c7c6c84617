"""Build a compiled Keras model, and the training callbacks it asks for, from a NetworkSpec."""

from __future__ import annotations

from typing import Any

import keras

from neuroyard_core.spec import NetworkSpec, summarize
from neuroyard_core.spec.callbacks import CallbackSpec, EarlyStoppingSpec, ReduceLROnPlateauSpec
from neuroyard_core.spec.compilation import (
    AdamSpec,
    AdamWSpec,
    OptimizerSpec,
    RMSpropSpec,
    SGDSpec,
)
from neuroyard_core.spec.graph import is_graph
from neuroyard_core.spec.layer_base import LayerSpec
from neuroyard_core.spec.layers import (
    ActivationSpec,
    AddSpec,
    AveragePooling1DSpec,
    AveragePooling2DSpec,
    AverageSpec,
    BatchNormalizationSpec,
    BidirectionalSpec,
    ConcatenateSpec,
    Conv1DSpec,
    Conv2DSpec,
    DenseSpec,
    DropoutSpec,
    EmbeddingSpec,
    FlattenSpec,
    GlobalAveragePooling1DSpec,
    GlobalAveragePooling2DSpec,
    GlobalMaxPooling1DSpec,
    GlobalMaxPooling2DSpec,
    GRUSpec,
    InputSpec,
    LayerNormalizationSpec,
    LSTMSpec,
    MaximumSpec,
    MaxPooling1DSpec,
    MaxPooling2DSpec,
    MinimumSpec,
    MultiplySpec,
    RescalingSpec,
    ReshapeSpec,
    SimpleRNNSpec,
    SubtractSpec,
    TextVectorizationSpec,
)
from neuroyard_core.spec.layers_image import RandomFlipSpec, RandomRotationSpec, RandomZoomSpec
from neuroyard_core.spec.layers_sequence import RecurrentSpec
from neuroyard_core.spec.schedules import (
    CosineDecaySpec,
    ExponentialDecaySpec,
    InverseTimeDecaySpec,
    PiecewiseConstantDecaySpec,
    PolynomialDecaySpec,
    ScheduleSpec,
)

# Spelled out rather than read from ~/.keras/keras.json, so that a worker's Keras config cannot
# make a model disagree with the shapes `summarize` promised.
_DATA_FORMAT = "channels_last"

_MERGES: dict[type[LayerSpec], type[keras.layers.Layer]] = {
    AddSpec: keras.layers.Add,
    SubtractSpec: keras.layers.Subtract,
    MultiplySpec: keras.layers.Multiply,
    AverageSpec: keras.layers.Average,
    MaximumSpec: keras.layers.Maximum,
    MinimumSpec: keras.layers.Minimum,
}
_GLOBAL_POOLING: dict[type[LayerSpec], type[keras.layers.Layer]] = {
    GlobalAveragePooling1DSpec: keras.layers.GlobalAveragePooling1D,
    GlobalMaxPooling1DSpec: keras.layers.GlobalMaxPooling1D,
    GlobalAveragePooling2DSpec: keras.layers.GlobalAveragePooling2D,
    GlobalMaxPooling2DSpec: keras.layers.GlobalMaxPooling2D,
}
_POOLING: dict[type[LayerSpec], type[keras.layers.Layer]] = {
    MaxPooling1DSpec: keras.layers.MaxPooling1D,
    AveragePooling1DSpec: keras.layers.AveragePooling1D,
    MaxPooling2DSpec: keras.layers.MaxPooling2D,
    AveragePooling2DSpec: keras.layers.AveragePooling2D,
}


def build_model(spec: NetworkSpec, *, seed: int | None = None) -> keras.Model:
    """A compiled model with the layers, names and compile options of `spec`: a
    `keras.Sequential` for a list of layers, a functional `keras.Model` for a graph.

    With `seed`, seeds Python, NumPy and Keras first, so the initial weights are reproducible.
    """
    # Also the size guard: raises SpecError before anything is allocated for an absurd network.
    summary = summarize(spec)
    if seed is not None:
        keras.utils.set_random_seed(seed)
    names = [layer.name for layer in summary.layers]
    if is_graph(spec.layers):
        model = _functional(spec, names)
    else:
        model = keras.Sequential(
            [_keras_layer(layer, name) for layer, name in zip(spec.layers, names, strict=True)],
            name="network",
        )
    model.compile(
        optimizer=keras_optimizer(spec.compile.optimizer),
        loss=spec.compile.loss,
        metrics=list(spec.compile.metrics),
    )
    return model


def keras_callbacks(spec: NetworkSpec) -> list[keras.callbacks.Callback]:
    """The training callbacks the spec asks for, to pass to `fit`."""
    return [_keras_callback(callback) for callback in spec.callbacks]


def _functional(spec: NetworkSpec, names: list[str]) -> keras.Model:
    inputs = _keras_layer(spec.layers[0], names[0])
    return keras.Model(inputs, apply_layers(spec, inputs, names=names), name="network")


def apply_layers(spec: NetworkSpec, tensor: Any, *, names: list[str] | None = None) -> Any:
    """The output of the spec's layers, its Input left out, applied to `tensor` (a Keras tensor
    in place of the Input's): how a spec becomes the head of another network."""
    graph = spec.graph
    names = names if names is not None else spec.layer_names()
    outputs: dict[int, Any] = {}
    for index in graph.order:
        if isinstance(spec.layers[index], InputSpec):
            outputs[index] = tensor
            continue
        layer = _keras_layer(spec.layers[index], names[index])
        taken = [outputs[source] for source in graph.inputs[index]]
        outputs[index] = layer(taken if len(taken) > 1 else taken[0])
    return outputs[graph.output]


def _keras_layer(layer: LayerSpec, name: str) -> Any:
    """A Keras layer, or for an Input the symbolic tensor keras.Input makes."""
    if isinstance(layer, InputSpec):
        return keras.Input(shape=tuple(layer.shape), dtype=layer.dtype, name=name)
    if isinstance(layer, DenseSpec):
        return keras.layers.Dense(
            layer.units, activation=layer.activation, use_bias=layer.use_bias, name=name
        )
    if isinstance(layer, FlattenSpec):
        return keras.layers.Flatten(data_format=_DATA_FORMAT, name=name)
    if isinstance(layer, ReshapeSpec):
        return keras.layers.Reshape(tuple(layer.target_shape), name=name)
    if isinstance(layer, DropoutSpec):
        return keras.layers.Dropout(layer.rate, name=name)
    if isinstance(layer, ActivationSpec):
        return keras.layers.Activation(layer.activation, name=name)
    if isinstance(layer, RescalingSpec):
        return keras.layers.Rescaling(layer.scale, offset=layer.offset, name=name)
    if isinstance(layer, BatchNormalizationSpec):
        return keras.layers.BatchNormalization(
            momentum=layer.momentum,
            epsilon=layer.epsilon,
            center=layer.center,
            scale=layer.scale,
            name=name,
        )
    if isinstance(layer, LayerNormalizationSpec):
        return keras.layers.LayerNormalization(
            epsilon=layer.epsilon, center=layer.center, scale=layer.scale, name=name
        )
    if isinstance(layer, ConcatenateSpec):
        return keras.layers.Concatenate(axis=layer.axis, name=name)
    if type(layer) in _MERGES:
        return _MERGES[type(layer)](name=name)
    return _image_layer(layer, name) or _sequence_layer(layer, name)


def _image_layer(layer: LayerSpec, name: str) -> keras.layers.Layer | None:
    if isinstance(layer, Conv1DSpec | Conv2DSpec):
        conv = keras.layers.Conv1D if isinstance(layer, Conv1DSpec) else keras.layers.Conv2D
        return conv(
            layer.filters,
            layer.kernel_size,
            strides=layer.strides,
            padding=layer.padding,
            activation=layer.activation,
            use_bias=layer.use_bias,
            data_format=_DATA_FORMAT,
            name=name,
        )
    if type(layer) in _POOLING:
        pooling: Any = layer
        return _POOLING[type(layer)](
            pooling.pool_size,
            strides=pooling.strides,
            padding=pooling.padding,
            data_format=_DATA_FORMAT,
            name=name,
        )
    if type(layer) in _GLOBAL_POOLING:
        return _GLOBAL_POOLING[type(layer)](data_format=_DATA_FORMAT, name=name)
    if isinstance(layer, RandomFlipSpec):
        return keras.layers.RandomFlip(layer.mode, seed=layer.seed, name=name)
    if isinstance(layer, RandomRotationSpec):
        return keras.layers.RandomRotation(
            layer.factor, fill_mode=layer.fill_mode, seed=layer.seed, name=name
        )
    if isinstance(layer, RandomZoomSpec):
        return keras.layers.RandomZoom(
            layer.height_factor,
            width_factor=layer.width_factor,
            fill_mode=layer.fill_mode,
            seed=layer.seed,
            name=name,
        )
    return None


def _sequence_layer(layer: LayerSpec, name: str) -> keras.layers.Layer:
    if isinstance(layer, TextVectorizationSpec):
        return keras.layers.TextVectorization(
            max_tokens=layer.max_tokens,
            standardize=layer.standardize,
            split=layer.split,
            output_mode="int",
            output_sequence_length=layer.output_sequence_length,
            vocabulary=list(layer.vocabulary) if layer.vocabulary is not None else None,
            name=name,
        )
    if isinstance(layer, EmbeddingSpec):
        return keras.layers.Embedding(
            layer.input_dim, layer.output_dim, mask_zero=layer.mask_zero, name=name
        )
    if isinstance(layer, RecurrentSpec):
        return _recurrent_layer(layer, name)
    if isinstance(layer, BidirectionalSpec):
        inner = layer.layer
        return keras.layers.Bidirectional(
            _recurrent_layer(inner, inner.name or f"{name}_{inner.type.lower()}"),
            merge_mode=layer.merge_mode,
            name=name,
        )
    raise NotImplementedError(f"no Keras layer for {type(layer).__name__}")


def _recurrent_layer(layer: RecurrentSpec, name: str) -> keras.layers.Layer:
    common: dict[str, Any] = {
        "activation": layer.activation,
        "use_bias": layer.use_bias,
        "return_sequences": layer.return_sequences,
        "dropout": layer.dropout,
        "recurrent_dropout": layer.recurrent_dropout,
        "name": name,
    }
    if isinstance(layer, LSTMSpec):
        return keras.layers.LSTM(
            layer.units, recurrent_activation=layer.recurrent_activation, **common
        )
    if isinstance(layer, GRUSpec):
        return keras.layers.GRU(
            layer.units, recurrent_activation=layer.recurrent_activation, **common
        )
    if isinstance(layer, SimpleRNNSpec):
        return keras.layers.SimpleRNN(layer.units, **common)
    raise NotImplementedError(f"no Keras layer for {type(layer).__name__}")


def keras_optimizer(spec: OptimizerSpec) -> keras.optimizers.Optimizer:
    rate = _learning_rate(spec.learning_rate)
    clip: dict[str, Any] = {"clipnorm": spec.clipnorm} if spec.clipnorm is not None else {}
    if isinstance(spec, SGDSpec):
        return keras.optimizers.SGD(
            learning_rate=rate, momentum=spec.momentum, nesterov=spec.nesterov, **clip
        )
    if isinstance(spec, RMSpropSpec):
        return keras.optimizers.RMSprop(
            learning_rate=rate, rho=spec.rho, momentum=spec.momentum, **clip
        )
    if isinstance(spec, AdamSpec):
        return keras.optimizers.Adam(
            learning_rate=rate, beta_1=spec.beta_1, beta_2=spec.beta_2, **clip
        )
    if isinstance(spec, AdamWSpec):
        return keras.optimizers.AdamW(
            learning_rate=rate,
            weight_decay=spec.weight_decay,
            beta_1=spec.beta_1,
            beta_2=spec.beta_2,
            **clip,
        )
    raise NotImplementedError(f"no Keras optimizer for {type(spec).__name__}")


def _learning_rate(
    rate: float | ScheduleSpec,
) -> float | keras.optimizers.schedules.LearningRateSchedule:
    if isinstance(rate, float | int):
        return float(rate)
    schedules = keras.optimizers.schedules
    if isinstance(rate, ExponentialDecaySpec | InverseTimeDecaySpec):
        schedule = (
            schedules.ExponentialDecay
            if isinstance(rate, ExponentialDecaySpec)
            else schedules.InverseTimeDecay
        )
        return schedule(
            rate.initial_learning_rate, rate.decay_steps, rate.decay_rate, staircase=rate.staircase
        )
    if isinstance(rate, CosineDecaySpec):
        return schedules.CosineDecay(
            rate.initial_learning_rate,
            rate.decay_steps,
            alpha=rate.alpha,
            warmup_target=rate.warmup_target,
            warmup_steps=rate.warmup_steps,
        )
    if isinstance(rate, PolynomialDecaySpec):
        return schedules.PolynomialDecay(
            rate.initial_learning_rate,
            rate.decay_steps,
            end_learning_rate=rate.end_learning_rate,
            power=rate.power,
            cycle=rate.cycle,
        )
    if isinstance(rate, PiecewiseConstantDecaySpec):
        return schedules.PiecewiseConstantDecay(list(rate.boundaries), list(rate.values))
    raise NotImplementedError(f"no Keras schedule for {type(rate).__name__}")


def _keras_callback(spec: CallbackSpec) -> keras.callbacks.Callback:
    watch: dict[str, Any] = {"monitor": spec.monitor, "mode": spec.mode}
    if isinstance(spec, EarlyStoppingSpec):
        return keras.callbacks.EarlyStopping(
            patience=spec.patience,
            min_delta=spec.min_delta,
            restore_best_weights=spec.restore_best_weights,
            start_from_epoch=spec.start_from_epoch,
            **watch,
        )
    if isinstance(spec, ReduceLROnPlateauSpec):
        return keras.callbacks.ReduceLROnPlateau(
            factor=spec.factor,
            patience=spec.patience,
            min_delta=spec.min_delta,
            cooldown=spec.cooldown,
            min_lr=spec.min_lr,
            **watch,
        )
    raise NotImplementedError(f"no Keras callback for {type(spec).__name__}")
