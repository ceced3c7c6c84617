"""The pretrained weight files the image jobs use, by network: Keras' own file names, where Keras
publishes them and their digests.

Shared: the web process's `import_weights` command reads it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Where keras.applications downloads its weights from (NEUROYARD_WEIGHTS_BASE_URL replaces it).
KERAS_BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications"


@dataclass(frozen=True)
class WeightsFile:
    network: str
    filename: str  # as keras.applications names it in ~/.keras/models
    md5: str | None  # the digest keras.applications checks after a download; None: it checks none
    folder: str  # the file's folder under KERAS_BASE_URL, as in keras.applications' origin

    def url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/{self.folder}/{self.filename}"


WEIGHTS_FILES: dict[str, WeightsFile] = {
    file.network: file
    for file in (
        WeightsFile(
            network="vgg19",
            filename="vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
            md5="253f8cb515780f3b799900260a226db6",
            folder="vgg19",
        ),
        WeightsFile(
            network="inception_v3",
            filename="inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
            md5="bcbd6486424b2319ff4ef7d526e38f63",
            folder="inception_v3",
        ),
        # The transfer-learning backbones (engine.transfer).
        WeightsFile(
            network="mobilenet_v2",
            filename="mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
            md5=None,
            folder="mobilenet_v2",
        ),
        WeightsFile(
            network="resnet50",
            filename="resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
            md5="4d473c1dd8becc155b73f8504c6f6626",
            folder="resnet",
        ),
    )
}


def weights_path(network: str, weights_dir: Path | None) -> Path | None:
    """The local weights file of `network`, or None when it is not there."""
    if weights_dir is None:
        return None
    path = weights_dir / WEIGHTS_FILES[network].filename
    return path if path.is_file() else None
