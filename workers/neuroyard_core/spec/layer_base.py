"""What every layer of a spec has: an optional name and, in a graph, the layers it takes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from neuroyard_core.spec.field_types import LayerName, one_of
from neuroyard_core.spec.keras_names import ACTIVATIONS

ActivationName = Annotated[str, Field(strict=True), one_of("activation", ACTIVATIONS)]
Padding = Literal["valid", "same"]

# A merge of more layers than this is not a network a person writes.
MAX_LAYER_INPUTS = 64


class LayerSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: LayerName | None = None
    # The names of the layers whose outputs this layer takes. Left out: the layer listed before.
    inputs: Annotated[list[LayerName], Field(min_length=1, max_length=MAX_LAYER_INPUTS)] | None = (
        None
    )
