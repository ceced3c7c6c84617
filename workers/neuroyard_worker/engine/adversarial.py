"""`adversarial`: fool a trained classifier with the fast gradient sign method (Goodfellow et al.):
nudge every input value by epsilon in the direction that raises the loss of the true class."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from neuroyard_worker.engine.devices import configure_devices
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.images import to_model_input
from neuroyard_worker.engine.networks import load_trained_model
from neuroyard_worker.engine.progress import trace_count

BATCH = 256


@dataclass(frozen=True)
class AdversarialRequest:
    model_path: Path  # a trained classifier (.keras)
    inputs: np.ndarray | None = None  # (samples, *the model's input shape), scaled as trained
    picture: np.ndarray | None = None  # or one picture (pixels in [0, 255]), resized to fit
    labels: np.ndarray | None = None  # (samples,) true classes; None: the model's predictions
    epsilons: tuple[float, ...] = (0.01, 0.1, 0.15)
    value_range: tuple[float, float] | None = None  # clip; default: [0, 1] widened to the inputs
    top: int = 5


@dataclass(frozen=True)
class ClassScore:
    label: int
    probability: float


@dataclass(frozen=True)
class Attack:
    epsilon: float
    inputs: np.ndarray  # the perturbed inputs
    predictions: np.ndarray  # (samples,) the class the model now picks
    top: tuple[tuple[ClassScore, ...], ...]  # per sample, best first
    fooled: np.ndarray  # (samples,) bool: the prediction is no longer the label


@dataclass(frozen=True)
class AdversarialResult:
    inputs: np.ndarray  # as the model took them (a picture resized and scaled)
    labels: np.ndarray  # the classes attacked (given, or the model's own predictions)
    perturbation: np.ndarray  # the sign of the loss gradient: -1, 0 or 1 per input value
    predictions: np.ndarray  # before the attack
    top: tuple[tuple[ClassScore, ...], ...]  # before the attack
    attacks: tuple[Attack, ...]  # one per epsilon
    traces: int  # times the gradient was compiled: 1


def fgsm(request: AdversarialRequest) -> AdversarialResult:
    """Raises EngineError: model_invalid, model_unsuitable, data_invalid, image_unsuitable."""
    if (request.inputs is None) == (request.picture is None):
        raise ValueError("give inputs or a picture")
    configure_devices()
    model = load_trained_model(request.model_path)
    classifier = Classifier(model)
    expected = tuple(model.inputs[0].shape[1:])
    if request.picture is not None:
        inputs = to_model_input(request.picture, expected)[np.newaxis]
    else:
        inputs = np.asarray(request.inputs, dtype=np.float32)
    if not _fits(inputs.shape[1:], expected):
        raise EngineError(
            "data_invalid", f"inputs of shape {inputs.shape[1:]} do not fit the model's {expected}"
        )
    probabilities = classifier.probabilities(inputs)
    predictions = probabilities.argmax(axis=1)
    labels = predictions if request.labels is None else np.asarray(request.labels, np.int64)
    if labels.min() < 0 or labels.max() >= probabilities.shape[1]:
        raise EngineError(
            "data_invalid", f"labels must be classes 0..{probabilities.shape[1] - 1} of the model"
        )
    low, high = request.value_range or (min(0.0, inputs.min()), max(1.0, inputs.max()))
    signs = classifier.gradient_signs(inputs, labels)
    attacks = []
    for epsilon in request.epsilons:
        perturbed = np.clip(inputs + epsilon * signs, low, high).astype(np.float32)
        after = classifier.probabilities(perturbed)
        attacks.append(
            Attack(
                epsilon=epsilon,
                inputs=perturbed,
                predictions=after.argmax(axis=1),
                top=_top(after, request.top),
                fooled=after.argmax(axis=1) != labels,
            )
        )
    return AdversarialResult(
        inputs=inputs,
        labels=labels,
        perturbation=signs,
        predictions=predictions,
        top=_top(probabilities, request.top),
        attacks=tuple(attacks),
        traces=classifier.traces,
    )


class Classifier:
    """Class probabilities and loss gradients of a model ending in softmax, sigmoid or logits."""

    def __init__(self, model: keras.Model) -> None:
        self._model = model
        output_shape = tuple(model.outputs[0].shape)
        if len(output_shape) != 2 or not output_shape[1]:
            raise EngineError(
                "model_unsuitable", f"the model's output {output_shape[1:]} is not class scores"
            )
        activation = getattr(getattr(model.layers[-1], "activation", None), "__name__", "")
        self._binary = output_shape[1] == 1
        self._outputs_probabilities = activation in ("softmax", "sigmoid")
        spec = tf.TensorSpec([None, *model.inputs[0].shape[1:]], tf.float32)
        self._signs = tf.function(
            self._gradient_signs, input_signature=(spec, tf.TensorSpec([None], tf.int64))
        )
        self._probabilities = tf.function(self._class_probabilities, input_signature=(spec,))

    @property
    def traces(self) -> int:
        return trace_count(self._signs)

    def probabilities(self, inputs: np.ndarray) -> np.ndarray:
        batches = [self._probabilities(inputs[i : i + BATCH]) for i in range(0, len(inputs), BATCH)]
        return np.concatenate([np.asarray(b) for b in batches])

    def gradient_signs(self, inputs: np.ndarray, labels: np.ndarray) -> np.ndarray:
        batches = [
            self._signs(inputs[i : i + BATCH], labels[i : i + BATCH].astype(np.int64))
            for i in range(0, len(inputs), BATCH)
        ]
        return np.concatenate([np.asarray(b) for b in batches]).astype(np.float32)

    def _class_probabilities(self, inputs: tf.Tensor) -> tf.Tensor:
        scores = tf.cast(self._model(inputs, training=False), tf.float32)
        if self._binary:
            positive = scores if self._outputs_probabilities else tf.sigmoid(scores)
            return tf.concat([1.0 - positive, positive], axis=1)
        return scores if self._outputs_probabilities else tf.nn.softmax(scores)

    def _gradient_signs(self, inputs: tf.Tensor, labels: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            tape.watch(inputs)
            probabilities = self._class_probabilities(inputs)
            chosen = tf.gather(probabilities, labels, axis=1, batch_dims=1)
            # Clipped far below Keras' 1e-7, so a confident model still has a gradient.
            loss = -tf.math.log(tf.clip_by_value(chosen, 1e-30, 1.0))
        return tf.sign(tape.gradient(loss, inputs))


def _fits(shape: tuple[int, ...], expected: tuple[int | None, ...]) -> bool:
    return len(shape) == len(expected) and all(
        e is None or e == s for s, e in zip(shape, expected, strict=True)
    )


def _top(probabilities: np.ndarray, count: int) -> tuple[tuple[ClassScore, ...], ...]:
    best = np.argsort(-probabilities, axis=1)[:, :count]
    return tuple(
        tuple(ClassScore(int(label), float(row[label])) for label in labels)
        for row, labels in zip(probabilities, best, strict=True)
    )
