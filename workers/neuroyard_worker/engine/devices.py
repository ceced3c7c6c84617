"""Which devices a job trains on, and how: memory growth, mixed precision, mirroring.

Called in the job's own process, after the fork: this is where CUDA is first initialised.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import keras
import tensorflow as tf

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Devices:
    names: tuple[str, ...]  # ("CPU",) on a machine without a GPU
    gpus: int

    @property
    def description(self) -> str:
        return ", ".join(self.names) if self.gpus else "CPU only"


def configure_devices(*, mixed_precision: bool = False) -> Devices:
    """Turn on memory growth for every visible GPU and set the precision policy.

    Memory growth lets the process take GPU memory as it needs it instead of all at once; the
    worker pins one GPU per process with CUDA_VISIBLE_DEVICES.
    """
    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        with contextlib.suppress(RuntimeError):  # already initialised in this process
            tf.config.experimental.set_memory_growth(gpu, True)
    names = tuple(_gpu_name(gpu) for gpu in gpus) or ("CPU",)
    # float16 only pays off on GPUs; on a CPU it is slower, so the option is ignored there.
    policy = "mixed_float16" if mixed_precision and gpus else "float32"
    keras.mixed_precision.set_global_policy(policy)
    if mixed_precision and not gpus:
        log.info("mixed precision asked for, but there is no GPU: training in float32")
    return Devices(names=names, gpus=len(gpus))


def _gpu_name(gpu: tf.config.PhysicalDevice) -> str:
    try:
        return str(tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name))
    except (RuntimeError, ValueError):
        return str(gpu.name)


@contextlib.contextmanager
def distribution_scope(*, enabled: bool, devices: Devices) -> Iterator[None]:
    """Mirror the model on every visible GPU when asked and there is more than one."""
    if not enabled or devices.gpus < 2:
        yield
        return
    with tf.distribute.MirroredStrategy().scope():
        yield
