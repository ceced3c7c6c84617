"""Spec layers for text and sequences: tokenising, embedding and recurrent layers."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from neuroyard_core.formats.text import RESERVED_TOKENS
from neuroyard_core.spec.field_types import (
    Flag,
    PositiveInt,
    UnitInterval,
    models_by_tag,
    show,
)
from neuroyard_core.spec.layer_base import ActivationName, LayerSpec

MAX_VOCABULARY = 100_000
MAX_TOKEN_LENGTH = 100

Token = Annotated[str, Field(strict=True, min_length=1, max_length=MAX_TOKEN_LENGTH)]


class TextVectorizationSpec(LayerSpec):
    """Text in, a fixed-length sequence of token numbers out (0 pads, 1 is unknown)."""

    type: Literal["TextVectorization"]
    output_sequence_length: PositiveInt
    max_tokens: Annotated[int, Field(strict=True, ge=3, le=MAX_VOCABULARY + 2)] | None = None
    # Known tokens, most useful first; left out, training learns them from the texts.
    vocabulary: Annotated[list[Token], Field(max_length=MAX_VOCABULARY)] | None = None
    standardize: Literal["lower_and_strip_punctuation", "lower", "strip_punctuation"] | None = (
        "lower_and_strip_punctuation"
    )
    split: Literal["whitespace", "character"] = "whitespace"

    @field_validator("vocabulary")
    @classmethod
    def _distinct_tokens(cls, vocabulary: list[str] | None) -> list[str] | None:
        if vocabulary is None:
            return None
        reserved = sorted(RESERVED_TOKENS.intersection(vocabulary))
        if reserved:
            raise PydanticCustomError(
                "reserved_token",
                "must not hold {token}: Keras reserves it for unknown tokens",
                {"token": show(reserved[0])},
            )
        seen: set[str] = set()
        for token in vocabulary:
            if token in seen:
                raise PydanticCustomError(
                    "repeated_token", "lists {token} more than once", {"token": show(token)}
                )
            seen.add(token)
        return vocabulary

    def vocabulary_size(self) -> int | None:
        """Token numbers it can output (padding and unknown included), if known before training."""
        if self.max_tokens is not None:
            return self.max_tokens
        return None if self.vocabulary is None else len(self.vocabulary) + 2


class EmbeddingSpec(LayerSpec):
    """Token numbers 0..input_dim-1 in, one learned vector of output_dim values per token out."""

    type: Literal["Embedding"]
    input_dim: PositiveInt
    output_dim: PositiveInt
    mask_zero: Flag = False  # token 0 is padding: later recurrent layers skip it


class RecurrentSpec(LayerSpec):
    units: PositiveInt
    activation: ActivationName = "tanh"
    use_bias: Flag = True
    return_sequences: Flag = False  # every step's output, not only the last one's
    dropout: UnitInterval = 0.0
    recurrent_dropout: UnitInterval = 0.0


class SimpleRNNSpec(RecurrentSpec):
    type: Literal["SimpleRNN"]


class LSTMSpec(RecurrentSpec):
    type: Literal["LSTM"]
    recurrent_activation: ActivationName = "sigmoid"


class GRUSpec(RecurrentSpec):
    type: Literal["GRU"]
    recurrent_activation: ActivationName = "sigmoid"


AnyRecurrentSpec = Annotated[SimpleRNNSpec | LSTMSpec | GRUSpec, Field(discriminator="type")]


class BidirectionalSpec(LayerSpec):
    """Runs `layer` over the sequence forwards and a copy of it backwards, and merges both."""

    type: Literal["Bidirectional"]
    layer: AnyRecurrentSpec
    merge_mode: Literal["concat", "sum", "mul", "ave"] = "concat"

    @field_validator("layer")
    @classmethod
    def _wrapped_layer_takes_no_inputs(cls, layer: RecurrentSpec) -> RecurrentSpec:
        if layer.inputs is not None:
            raise PydanticCustomError(
                "wrapped_inputs",
                "must not name inputs: it takes the Bidirectional layer's input",
                {},
            )
        return layer


RECURRENT = (SimpleRNNSpec, LSTMSpec, GRUSpec)
RECURRENT_TYPES: dict[str, type[BaseModel]] = models_by_tag(AnyRecurrentSpec)
