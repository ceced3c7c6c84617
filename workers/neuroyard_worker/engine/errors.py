"""EngineError: a training failure with a stable code the platform can show and act on."""

from __future__ import annotations

from typing import Literal

from neuroyard_core.errors import CodedError

EngineErrorCode = Literal[
    "spec_invalid",  # the spec does not parse
    "spec_incompatible",  # the spec is valid but does not fit the data
    "data_invalid",  # the data file is unreadable or malformed
    "checkpoint_mismatch",  # the checkpoint directory holds another network's checkpoint
    "loss_nan",  # training diverged
    # the image jobs (dream, style, adversarial, visualize)
    "image_invalid",  # an input image cannot be decoded
    "image_unsuitable",  # an image the network cannot take (too small, wrong shape)
    "model_invalid",  # the model file cannot be loaded
    "model_unsuitable",  # the model cannot do what the job asks (no conv layers, not a classifier)
    "layer_unknown",  # a named layer is not in the network, or gives no feature maps
    "weights_invalid",  # a pretrained weights file does not fit its network
]


class EngineError(CodedError):
    """A job's own failure: not retried."""

    def __init__(self, code: EngineErrorCode, message: str) -> None:
        super().__init__(code, message)
