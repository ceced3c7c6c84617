"""Spec layers for sequences (steps, channels) and images (height, width, channels):
convolution, pooling and data augmentation."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from neuroyard_core.spec.field_types import Flag, Fraction, IntPair, PositiveInt
from neuroyard_core.spec.layer_base import ActivationName, LayerSpec, Padding


class Conv1DSpec(LayerSpec):
    type: Literal["Conv1D"]
    filters: PositiveInt
    kernel_size: PositiveInt
    strides: PositiveInt = 1
    # "causal": each step sees only itself and earlier steps.
    padding: Literal["valid", "same", "causal"] = "valid"
    activation: ActivationName = "linear"
    use_bias: Flag = True


class Convolution2DFields(LayerSpec):
    """The settings a 2-D convolution and its transpose share; never a layer itself."""

    filters: PositiveInt
    kernel_size: IntPair
    strides: IntPair = (1, 1)
    padding: Padding = "valid"
    activation: ActivationName = "linear"
    use_bias: Flag = True


class Conv2DSpec(Convolution2DFields):
    type: Literal["Conv2D"]


# gan (issue 18): the generator's upsampling, as in the DCGAN tutorials. Not a subclass of
# Conv2DSpec: the shape rules tell them apart with isinstance.
class Conv2DTransposeSpec(Convolution2DFields):
    type: Literal["Conv2DTranspose"]


class Pooling1DSpec(LayerSpec):
    pool_size: PositiveInt = 2
    # None means "same as pool_size", as in Keras.
    strides: PositiveInt | None = None
    padding: Padding = "valid"


class MaxPooling1DSpec(Pooling1DSpec):
    type: Literal["MaxPooling1D"]


class AveragePooling1DSpec(Pooling1DSpec):
    type: Literal["AveragePooling1D"]


class Pooling2DSpec(LayerSpec):
    pool_size: IntPair = (2, 2)
    strides: IntPair | None = None
    padding: Padding = "valid"


class MaxPooling2DSpec(Pooling2DSpec):
    type: Literal["MaxPooling2D"]


class AveragePooling2DSpec(Pooling2DSpec):
    type: Literal["AveragePooling2D"]


class GlobalAveragePooling1DSpec(LayerSpec):
    type: Literal["GlobalAveragePooling1D"]


class GlobalMaxPooling1DSpec(LayerSpec):
    type: Literal["GlobalMaxPooling1D"]


class GlobalAveragePooling2DSpec(LayerSpec):
    type: Literal["GlobalAveragePooling2D"]


class GlobalMaxPooling2DSpec(LayerSpec):
    type: Literal["GlobalMaxPooling2D"]


FillMode = Literal["reflect", "wrap", "constant", "nearest"]
# A zoom by -0.3 enlarges the picture by up to 30%, 0.3 shrinks it by up to 30%.
ZoomFactor = Annotated[float, Field(strict=True, gt=-1.0, lt=1.0)]


class RandomFlipSpec(LayerSpec):
    type: Literal["RandomFlip"]
    mode: Literal["horizontal", "vertical", "horizontal_and_vertical"] = "horizontal_and_vertical"
    seed: Annotated[int, Field(strict=True, ge=0)] | None = None


class RandomRotationSpec(LayerSpec):
    type: Literal["RandomRotation"]
    factor: Fraction  # rotate by up to this fraction of a full turn, either way
    fill_mode: FillMode = "reflect"
    seed: Annotated[int, Field(strict=True, ge=0)] | None = None


class RandomZoomSpec(LayerSpec):
    type: Literal["RandomZoom"]
    height_factor: ZoomFactor
    width_factor: ZoomFactor | None = None  # None: keep the aspect ratio
    fill_mode: FillMode = "reflect"
    seed: Annotated[int, Field(strict=True, ge=0)] | None = None


GLOBAL_POOLING_1D = (GlobalAveragePooling1DSpec, GlobalMaxPooling1DSpec)
GLOBAL_POOLING_2D = (GlobalAveragePooling2DSpec, GlobalMaxPooling2DSpec)
AUGMENTATIONS = (RandomFlipSpec, RandomRotationSpec, RandomZoomSpec)
