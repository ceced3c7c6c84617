"""A rough estimate of the memory training a network takes, for a given batch size.

float32 throughout: the weights, one gradient per trainable weight, the optimizer's slots
(momentum, moving averages), and per sample every layer's output, kept for backpropagation,
with its gradient. Frameworks fuse and free some of it, so this is an upper-end guide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BYTES_PER_VALUE = 4
BATCH_SIZES = (1, 32, 128, 512)


@dataclass(frozen=True)
class MemoryEstimate:
    weights_bytes: int
    gradients_bytes: int
    optimizer_bytes: int
    activations_bytes_per_sample: int
    by_batch_size: dict[int, int] = field(default_factory=dict)  # batch size -> total bytes

    def for_batch(self, batch_size: int) -> int:
        fixed = self.weights_bytes + self.gradients_bytes + self.optimizer_bytes
        return fixed + batch_size * self.activations_bytes_per_sample


def estimate_memory(
    *,
    total_params: int,
    trainable_params: int,
    optimizer_slots: int,
    activation_values_per_sample: int,
    batch_sizes: tuple[int, ...] = BATCH_SIZES,
) -> MemoryEstimate:
    partial = MemoryEstimate(
        weights_bytes=total_params * BYTES_PER_VALUE,
        gradients_bytes=trainable_params * BYTES_PER_VALUE,
        optimizer_bytes=optimizer_slots * trainable_params * BYTES_PER_VALUE,
        # Forward value and backward gradient of each layer output.
        activations_bytes_per_sample=2 * activation_values_per_sample * BYTES_PER_VALUE,
    )
    by_batch = {size: partial.for_batch(size) for size in sorted(set(batch_sizes))}
    return MemoryEstimate(
        weights_bytes=partial.weights_bytes,
        gradients_bytes=partial.gradients_bytes,
        optimizer_bytes=partial.optimizer_bytes,
        activations_bytes_per_sample=partial.activations_bytes_per_sample,
        by_batch_size=by_batch,
    )
