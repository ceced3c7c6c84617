"""The DCGAN training step of the TensorFlow tutorial as a `keras.Model`, so `fit` runs it:
one generator pass per batch, the discriminator judging real and generated images, both networks
updated from their own tape and Adam. Conditioning follows the keras.io conditional GAN: a one-hot
class after the generator's latent numbers, and as extra image channels for the discriminator."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf


class Gan(keras.Model):
    def __init__(
        self,
        generator: keras.Model,
        discriminator: keras.Model,
        *,
        latent_dim: int,
        classes: int = 0,
        label_smoothing: float = 0.0,
        discriminator_logits: bool = True,
        seed: int = 0,
    ) -> None:
        super().__init__(name="gan")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.classes = classes
        self.real_target = 1.0 - label_smoothing  # one-sided label smoothing
        self.noise_seed = keras.random.SeedGenerator(seed)
        self.bce = keras.losses.BinaryCrossentropy(from_logits=discriminator_logits)
        self.generator_loss = keras.metrics.Mean(name="generator_loss")
        self.discriminator_loss = keras.metrics.Mean(name="discriminator_loss")

    def compile(
        self,
        *,
        generator_optimizer: keras.optimizers.Optimizer,
        discriminator_optimizer: keras.optimizers.Optimizer,
        jit_compile: bool = False,
    ) -> None:
        # No optimizer of its own: each network has one.
        super().compile(optimizer=None, jit_compile=jit_compile)
        self.generator_optimizer = generator_optimizer
        self.discriminator_optimizer = discriminator_optimizer
        generator_optimizer.build(self.generator.trainable_variables)
        discriminator_optimizer.build(self.discriminator.trainable_variables)

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return [self.generator_loss, self.discriminator_loss]

    def generator_input(self, noise: Any, labels: Any = None) -> Any:
        if not self.classes:
            return noise
        return tf.concat([noise, tf.one_hot(labels, self.classes, dtype=noise.dtype)], axis=-1)

    def discriminator_input(self, images: Any, labels: Any = None) -> Any:
        if not self.classes:
            return images
        one_hot = tf.one_hot(labels, self.classes, dtype=images.dtype)[:, None, None, :]
        shape = tf.shape(images)
        planes = tf.broadcast_to(one_hot, [shape[0], shape[1], shape[2], self.classes])
        return tf.concat([images, planes], axis=-1)

    def train_step(self, data: Any) -> dict[str, Any]:
        images, labels = data if self.classes else (data, None)
        if isinstance(images, tuple):  # fit hands x alone as a 1-tuple
            images = images[0]
        batch = tf.shape(images)[0]
        noise = keras.random.normal((batch, self.latent_dim), seed=self.noise_seed)
        with tf.GradientTape() as generator_tape, tf.GradientTape() as discriminator_tape:
            fakes = self.generator(self.generator_input(noise, labels), training=True)
            real_score = self.discriminator(self.discriminator_input(images, labels), training=True)
            fake_score = self.discriminator(self.discriminator_input(fakes, labels), training=True)
            real_score = tf.cast(real_score, tf.float32)
            fake_score = tf.cast(fake_score, tf.float32)
            generator_loss = self.bce(tf.ones_like(fake_score), fake_score)
            discriminator_loss = self.bce(
                tf.fill(tf.shape(real_score), self.real_target), real_score
            ) + self.bce(tf.zeros_like(fake_score), fake_score)
        generator_vars = self.generator.trainable_variables
        discriminator_vars = self.discriminator.trainable_variables
        self.generator_optimizer.apply_gradients(
            zip(
                generator_tape.gradient(generator_loss, generator_vars), generator_vars, strict=True
            )
        )
        self.discriminator_optimizer.apply_gradients(
            zip(
                discriminator_tape.gradient(discriminator_loss, discriminator_vars),
                discriminator_vars,
                strict=True,
            )
        )
        self.generator_loss.update_state(generator_loss)
        self.discriminator_loss.update_state(discriminator_loss)
        return {
            "generator_loss": self.generator_loss.result(),
            "discriminator_loss": self.discriminator_loss.result(),
        }

    def draw(self, noise: Any, labels: Any = None) -> Any:
        """The generator's pictures for this noise (and these classes), as in inference."""
        return self.generator(self.generator_input(noise, labels), training=False)
