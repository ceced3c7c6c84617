"""Transfer learning options of a train job: the network to start from, what to freeze, the head.

Pure Python, like the rest of the spec package: the web process checks a job with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictFloat, StrictInt, model_validator

BackboneName = Literal["vgg19", "inception_v3", "mobilenet_v2", "resnet50"]
# Keras layer names, as uploaded models may spell them.
KerasLayerName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-/]{1,200}$")]


@dataclass(frozen=True)
class BackboneInfo:
    features: int  # channels of its last feature map: the length of the pooled feature vector
    min_side: int  # smaller images are enlarged to this side


BACKBONES: dict[str, BackboneInfo] = {
    "vgg19": BackboneInfo(features=512, min_side=32),
    "inception_v3": BackboneInfo(features=2048, min_side=75),
    "mobilenet_v2": BackboneInfo(features=1280, min_side=32),
    "resnet50": BackboneInfo(features=2048, min_side=32),
}


class TransferParams(BaseModel):
    """A train job starts from the job's model (trained or uploaded), from `backbone`, or, with
    neither, from the job's spec alone."""

    backbone: BackboneName | None = Field(
        None,
        description="Start from this Keras application (ImageNet weights from "
        "NEUROYARD_WEIGHTS_DIR, else random weights), without its classifier.",
    )
    head: Literal["replace", "keep"] = Field(
        "replace",
        description="With a model: replace its last layer (and what follows it) by a new head "
        "sized to the dataset, or keep it and fine-tune the whole network.",
    )
    trainable_layers: StrictInt | None = Field(
        None,
        ge=0,
        le=10_000,
        description="Train only the last N layers of the model or backbone (0: only the new "
        "head). Default: only the head when it is replaced, every layer when it is kept.",
    )
    freeze_until: KerasLayerName | None = Field(
        None, description="Freeze the model or backbone up to and including this layer."
    )
    head_dropout: StrictFloat = Field(
        0.0, ge=0.0, lt=1.0, description="Dropout before the new head's output layer."
    )
    learning_rate: StrictFloat | None = Field(
        None,
        gt=0.0,
        le=10.0,
        description="Adam's learning rate when no spec gives a compile section (default 0.001).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> TransferParams:
        if self.trainable_layers is not None and self.freeze_until is not None:
            raise ValueError("give trainable_layers or freeze_until, not both")
        if self.backbone is not None and self.head == "keep":
            raise ValueError(
                "a backbone comes without its classifier: its head is always new (head 'replace')"
            )
        return self

    def transfer_options_given(self) -> list[str]:
        """The transfer options set to other than their defaults."""
        return [
            name
            for name, field in TransferParams.model_fields.items()
            if getattr(self, name) != field.default
        ]
