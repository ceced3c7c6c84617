"""Benchmark and acceptance figures of the `gan` job on the digits enlarged to 28x28.

(a) Seconds per training step of the engine's GAN (the DCGAN template, `fit` running `Gan`'s
    train_step) beside the TensorFlow DCGAN tutorial's loop written out (`tf.function` step, two
    tapes, Adam), same networks, same batches, interleaved. Goal: ratio (engine / tutorial) <= 1.0.
(b) How the samples get better: a small digit classifier trained on the real digits judges the
    generator after each stage of a CPU-sized GAN job (resumed from its checkpoint each time):
    its mean confidence, the "digit score" (the Inception score with this classifier: high when
    samples are both recognisable and varied, 1 to 10) and, for the conditional GAN, how often
    a sample is recognised as the digit asked for (chance: 0.1).
`make bench` or `python -m bench.gan` (BENCH_STEPS, BENCH_ROUNDS, BENCH_STAGES=1,3,6,10).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from neuroyard.datasets import examples  # noqa: E402
from neuroyard.specs.templates import template_get  # noqa: E402
from neuroyard_core.spec.gan import gan_networks  # noqa: E402
from neuroyard_worker.engine.build import build_model  # noqa: E402
from neuroyard_worker.engine.gan import GanRequest, train_gan  # noqa: E402
from neuroyard_worker.engine.gan_model import Gan  # noqa: E402
from tests.worker.engine.gan_networks import (  # noqa: E402
    CLASSES,
    digit_classifier,
    discriminator_spec,
    generator_spec,
)

STEPS = int(os.environ.get("BENCH_STEPS", "60"))  # an epoch: fit's per-epoch set-up amortised
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
STAGES = [int(s) for s in os.environ.get("BENCH_STAGES", "1,3,6,10").split(",")]
BATCH, LATENT = 64, 100
SMALL_LATENT = 32


# -- (a) the TensorFlow DCGAN tutorial's training step, as written there ---------------------
class TutorialLoop:
    def __init__(self, generator: keras.Model, discriminator: keras.Model) -> None:
        self.generator, self.discriminator = generator, discriminator
        self.cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)
        self.generator_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.discriminator_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.train_step = tf.function(self._train_step)

    def _train_step(self, images: tf.Tensor) -> None:
        noise = tf.random.normal([BATCH, LATENT])
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated_images = self.generator(noise, training=True)
            real_output = self.discriminator(images, training=True)
            fake_output = self.discriminator(generated_images, training=True)
            gen_loss = self.cross_entropy(tf.ones_like(fake_output), fake_output)
            disc_loss = self.cross_entropy(
                tf.ones_like(real_output), real_output
            ) + self.cross_entropy(tf.zeros_like(fake_output), fake_output)
        gradients_of_generator = gen_tape.gradient(gen_loss, self.generator.trainable_variables)
        gradients_of_discriminator = disc_tape.gradient(
            disc_loss, self.discriminator.trainable_variables
        )
        self.generator_optimizer.apply_gradients(
            zip(gradients_of_generator, self.generator.trainable_variables, strict=True)
        )
        self.discriminator_optimizer.apply_gradients(
            zip(gradients_of_discriminator, self.discriminator.trainable_variables, strict=True)
        )

    def epoch(self, images: np.ndarray) -> None:
        dataset = tf.data.Dataset.from_tensor_slices(images).batch(BATCH, drop_remainder=True)
        for image_batch in dataset:
            self.train_step(image_batch)


def step_seconds() -> tuple[float, float]:
    template = template_get(key="dcgan_28_grayscale")
    networks = gan_networks(
        template.spec,
        template.params["discriminator"],
        image_shape=(28, 28, 1),
        latent_dim=LATENT,
    )
    digits = examples.digits_28()["x"] * 2.0 - 1.0
    # exactly STEPS batches (the digits tiled where there are fewer)
    images = np.resize(digits, (BATCH * STEPS, *digits.shape[1:])).astype(np.float32)
    engine = Gan(
        build_model(networks.generator), build_model(networks.discriminator), latent_dim=LATENT
    )
    engine.compile(
        generator_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        discriminator_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    tutorial = TutorialLoop(build_model(networks.generator), build_model(networks.discriminator))

    def run_engine() -> None:
        engine.fit(images, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)

    def run_tutorial() -> None:
        tutorial.epoch(images)

    run_engine(), run_tutorial()  # tracing
    times: dict[str, list[float]] = {"engine": [], "tutorial": []}
    runs = [("engine", run_engine), ("tutorial", run_tutorial)]
    for round_ in range(ROUNDS):
        # each goes first in every other round, so drift in the machine's load hits both alike
        for name, run in runs if round_ % 2 == 0 else runs[::-1]:
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) / STEPS)
    return statistics.median(times["engine"]), statistics.median(times["tutorial"])


# -- (b) better epoch by epoch -------------------------------------------------------------
class _Quiet:
    def epoch_ended(self, epoch: int, metrics: dict[str, float]) -> None:
        pass

    def samples_drawn(self, epoch: int, path: Path) -> None:
        pass

    def stop_requested(self) -> bool:
        return False


def judged(model_path: Path, classifier: keras.Model, conditional: bool) -> dict[str, float]:
    generator = keras.saving.load_model(model_path, safe_mode=True)
    wanted = np.arange(500) % CLASSES
    noise = np.random.default_rng(9).standard_normal((500, SMALL_LATENT)).astype(np.float32)
    if conditional:
        noise = np.hstack([noise, np.eye(CLASSES, dtype=np.float32)[wanted]])
    p = classifier.predict(generator.predict(noise, verbose=0), verbose=0)
    marginal = p.mean(axis=0)
    kl = (p * (np.log(p + 1e-12) - np.log(marginal + 1e-12))).sum(axis=1).mean()
    figures = {"confidence": float(p.max(axis=1).mean()), "digit_score": float(np.exp(kl))}
    if conditional:
        figures["asked_for_digit"] = float((p.argmax(axis=1) == wanted).mean())
    return figures


def stages(conditional: bool, classifier: keras.Model, data: Path, folder: Path) -> None:
    generator, discriminator = generator_spec(), discriminator_spec()
    for epochs in STAGES:
        request = GanRequest(
            generator=generator,
            discriminator=discriminator,
            data_path=data,
            model_path=folder / "generator.keras",
            grid_dir=folder / "grids",
            epochs=epochs,
            batch_size=32,
            latent_dim=SMALL_LATENT,
            generator_learning_rate=1e-3,
            discriminator_learning_rate=1e-3,
            conditional=conditional,
            checkpoint_dir=folder / "checkpoint",
        )
        train_gan(request, _Quiet())
        figures = judged(request.model_path, classifier, conditional)
        print(f"  epoch {epochs:3d}: " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()))


def main() -> None:
    engine, tutorial = step_seconds()
    print(f"GAN training step, DCGAN template, 28x28, batch {BATCH} ({STEPS} steps x {ROUNDS})")
    print(f"  engine {engine * 1000:.1f} ms, tutorial loop {tutorial * 1000:.1f} ms")
    print(f"  ratio (engine / tutorial): {engine / tutorial:.2f}  (goal <= 1.0)")
    digits = examples.digits_28()
    classifier, accuracy = digit_classifier(digits)
    print(f"digit classifier trained on the real digits: test accuracy {accuracy:.3f}")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "digits_28.npz"
        np.savez(data, x=digits["x"], y=digits["y"])
        for conditional in (False, True):
            print(f"{'conditional' if conditional else 'plain'} GAN on {len(digits['x'])} digits")
            stages(conditional, classifier, data, Path(tmp) / str(conditional))


if __name__ == "__main__":
    main()
