"""Benchmark: time per optimisation step of the image jobs against the TensorFlow tutorials.

(a) DeepDream on a 300-pixel image (InceptionV3, mixed3 + mixed5, tiled gradients with a random
    roll), the engine's compiled step beside the tutorial's `TiledGradients` loop;
(b) style transfer at 256 pixels (VGG19, the tutorial's layers, weights and Adam), the engine's
    step beside the tutorial's `train_step`.
Goal: ratio (engine / tutorial) <= 1.0. The first step (tracing) is reported apart. Both run in
this process, interleaved, on random weights (nothing is downloaded): `make bench` or
`python -m bench.creative` (BENCH_STEPS, BENCH_ROUNDS, BENCH_XLA=1 for an XLA line too).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from neuroyard_worker.engine.dream import INCEPTION_LAYERS, DreamStep  # noqa: E402
from neuroyard_worker.engine.networks import KerasApplication, load_network  # noqa: E402
from neuroyard_worker.engine.style import (  # noqa: E402
    VGG_CONTENT_LAYERS,
    VGG_STYLE_LAYERS,
    StyleStep,
)

STEPS = int(os.environ.get("BENCH_STEPS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
XLA = os.environ.get("BENCH_XLA") == "1"
DREAM_SIDE, STYLE_SIDE = 300, 256
STEP_SIZE, TILE = 0.01, 512
CONTENT_WEIGHT, STYLE_WEIGHT, VARIATION_WEIGHT = 1e4, 1e-2, 30.0


def picture(height: int, width: int, seed: int) -> np.ndarray:
    """Smooth colour fields with some texture, float pixels in [0, 255]."""
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
    rng = np.random.default_rng(seed)
    planes = [127.5 + 100 * np.sin(rows / p + cols / q) for p, q in rng.uniform(5, 40, (3, 2))]
    return np.clip(np.stack(planes, axis=-1), 0, 255).astype(np.float32)


# -- the TensorFlow DeepDream tutorial, as written there (random weights) ---------------------
class TutorialDream:
    def __init__(self) -> None:
        base = keras.applications.InceptionV3(include_top=False, weights=None)
        outputs = [base.get_layer(name).output for name in INCEPTION_LAYERS]
        self.model = keras.Model(inputs=base.input, outputs=outputs)
        self.get_tiled_gradients = self._tiled_gradients()

    def _tiled_gradients(self) -> Callable[..., tf.Tensor]:
        model = self.model

        def calc_loss(img: tf.Tensor) -> tf.Tensor:
            layer_activations = model(tf.expand_dims(img, axis=0))
            return tf.reduce_sum([tf.math.reduce_mean(act) for act in layer_activations])

        @tf.function(
            input_signature=(
                tf.TensorSpec(shape=[None, None, 3], dtype=tf.float32),
                tf.TensorSpec(shape=[2], dtype=tf.int32),
                tf.TensorSpec(shape=[], dtype=tf.int32),
            )
        )
        def tiled(img: tf.Tensor, img_size: tf.Tensor, tile_size: tf.Tensor) -> tf.Tensor:
            shift = tf.random.uniform([2], minval=-tile_size, maxval=tile_size, dtype=tf.int32)
            img_rolled = tf.roll(img, shift=shift, axis=[0, 1])
            gradients = tf.zeros_like(img_rolled)
            xs = tf.range(0, img_size[1], tile_size)[:-1]
            if not tf.cast(len(xs), bool):
                xs = tf.constant([0])
            ys = tf.range(0, img_size[0], tile_size)[:-1]
            if not tf.cast(len(ys), bool):
                ys = tf.constant([0])
            for x in xs:
                for y in ys:
                    with tf.GradientTape() as tape:
                        tape.watch(img_rolled)
                        img_tile = img_rolled[y : y + tile_size, x : x + tile_size]
                        loss = calc_loss(img_tile)
                    gradients = gradients + tape.gradient(loss, img_rolled)
            gradients = tf.roll(gradients, shift=-shift, axis=[0, 1])
            return gradients / (tf.math.reduce_std(gradients) + 1e-8)

        return tiled

    def stepper(self, pixels: np.ndarray) -> Callable[[], None]:
        img = tf.constant(pixels / 127.5 - 1.0)
        size = tf.constant(pixels.shape[:2], tf.int32)
        tile = tf.constant(TILE)

        def step() -> None:
            nonlocal img
            gradients = self.get_tiled_gradients(img, size, tile)
            img = tf.clip_by_value(img + gradients * STEP_SIZE, -1, 1)
            img.numpy()  # the tutorial's loop ends each step with an eager tensor in hand

        return step


def engine_dream(pixels: np.ndarray, *, xla: bool) -> Callable[[], None]:
    network = load_network(KerasApplication("inception_v3"))
    dream = DreamStep(network, INCEPTION_LAYERS, (1.0, 1.0), tile_size=TILE, xla=xla)
    image = tf.constant(pixels / 127.5 - 1.0)

    def step() -> None:
        nonlocal image
        image, objective = dream(image, STEP_SIZE)
        float(objective)  # what dream() reads for its progress callback

    return step


# -- the TensorFlow style transfer tutorial, as written there (random weights) ----------------
def tutorial_style(content: np.ndarray, style: np.ndarray) -> Callable[[], None]:
    vgg = keras.applications.VGG19(include_top=False, weights=None)
    vgg.trainable = False
    layers = [*VGG_STYLE_LAYERS, *VGG_CONTENT_LAYERS]
    extractor_model = keras.Model([vgg.input], [vgg.get_layer(name).output for name in layers])
    count = len(VGG_STYLE_LAYERS)

    def gram_matrix(input_tensor: tf.Tensor) -> tf.Tensor:
        result = tf.linalg.einsum("bijc,bijd->bcd", input_tensor, input_tensor)
        input_shape = tf.shape(input_tensor)
        return result / tf.cast(input_shape[1] * input_shape[2], tf.float32)

    def extractor(inputs: tf.Tensor) -> dict[str, list[tf.Tensor]]:
        outputs = extractor_model(keras.applications.vgg19.preprocess_input(inputs * 255.0))
        return {"style": [gram_matrix(o) for o in outputs[:count]], "content": outputs[count:]}

    style_targets = extractor(tf.constant(style[None] / 255.0))["style"]
    content_targets = extractor(tf.constant(content[None] / 255.0))["content"]
    image = tf.Variable(content[None] / 255.0, dtype=tf.float32)
    opt = keras.optimizers.Adam(learning_rate=0.02, beta_1=0.99, epsilon=1e-1)

    @tf.function()
    def train_step(image: tf.Variable) -> None:
        with tf.GradientTape() as tape:
            outputs = extractor(image)
            style_loss = tf.add_n(
                [
                    tf.reduce_mean((o - t) ** 2)
                    for o, t in zip(outputs["style"], style_targets, strict=True)
                ]
            )
            content_loss = tf.add_n(
                [
                    tf.reduce_mean((o - t) ** 2)
                    for o, t in zip(outputs["content"], content_targets, strict=True)
                ]
            )
            loss = style_loss * STYLE_WEIGHT / count + content_loss * CONTENT_WEIGHT
            loss += VARIATION_WEIGHT * tf.image.total_variation(image)
        grad = tape.gradient(loss, image)
        opt.apply_gradients([(grad, image)])
        image.assign(tf.clip_by_value(image, 0.0, 1.0))

    return lambda: train_step(image)


def engine_style(content: np.ndarray, style: np.ndarray, *, xla: bool) -> Callable[[], None]:
    network = load_network(KerasApplication("vgg19"))
    step = StyleStep(
        network,
        VGG_CONTENT_LAYERS,
        VGG_STYLE_LAYERS,
        content=content / 255.0,
        style=style / 255.0,
        content_weight=CONTENT_WEIGHT,
        style_weight=STYLE_WEIGHT,
        total_variation_weight=VARIATION_WEIGHT,
        learning_rate=0.02,
        xla=xla,
    )

    def run() -> None:
        {name: float(value) for name, value in step().items()}  # what style_transfer() reads

    return run


# -- measuring ------------------------------------------------------------------------------
def timed(step: Callable[[], None]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def compare(title: str, contenders: dict[str, Callable[[], None]]) -> dict[str, float]:
    """First step of each, then ROUNDS x STEPS steps taken in turns (so that a busy machine
    slows all alike); median seconds per step."""
    first = {name: timed(step) for name, step in contenders.items()}
    per_step: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(ROUNDS * STEPS):
        for name, step in contenders.items():
            per_step[name].append(timed(step))
    medians = {name: statistics.median(times) for name, times in per_step.items()}
    print(f"\n{title}")
    for name in contenders:
        print(
            f"  {name:<18} first step {first[name]:7.2f} s   "
            f"per step {medians[name] * 1000:8.1f} ms (median of {len(per_step[name])})"
        )
    return medians


def main() -> None:
    print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}, devices: "
          f"{[d.device_type for d in tf.config.list_physical_devices()]}")  # fmt: skip
    dream_pixels = picture(DREAM_SIDE, DREAM_SIDE, seed=0)
    dream_steps = {
        "tutorial": TutorialDream().stepper(dream_pixels),
        "engine": engine_dream(dream_pixels, xla=False),
    }
    if XLA:
        dream_steps["engine (xla)"] = engine_dream(dream_pixels, xla=True)
    dream = compare(f"DeepDream, {DREAM_SIDE}x{DREAM_SIDE}, InceptionV3 mixed3+mixed5", dream_steps)

    content, style = picture(STYLE_SIDE * 3 // 4, STYLE_SIDE, 1), picture(STYLE_SIDE, STYLE_SIDE, 2)
    style_steps = {
        "tutorial": tutorial_style(content, style),
        "engine": engine_style(content, style, xla=False),
    }
    if XLA:
        style_steps["engine (xla)"] = engine_style(content, style, xla=True)
    styled = compare(f"Style transfer, longest side {STYLE_SIDE}, VGG19", style_steps)

    print("\nratio engine / tutorial, time per step (goal <= 1.0):")
    for title, medians in (("deepdream", dream), ("style transfer", styled)):
        for name in medians:
            if name != "tutorial":
                print(f"  {title:<15} {name:<14} {medians[name] / medians['tutorial']:.3f}")


if __name__ == "__main__":
    main()
