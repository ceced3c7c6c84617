"""Shape and parameter rules for the layers of layers_image."""

from __future__ import annotations

from neuroyard_core.spec.layer_base import LayerSpec
from neuroyard_core.spec.layers_image import (
    AUGMENTATIONS,
    GLOBAL_POOLING_1D,
    GLOBAL_POOLING_2D,
    Conv1DSpec,
    Conv2DSpec,
    Pooling1DSpec,
    Pooling2DSpec,
)
from neuroyard_core.spec.shape_math import (
    LayerOutput,
    Tensor,
    image_shape,
    sequence_shape,
    windowed,
    windowed_2d,
)


def image_output(layer: LayerSpec, inputs: list[Tensor]) -> LayerOutput | None:
    """The layer's output, or None if it is not one of the image and sequence layers."""
    shape = inputs[0].shape
    if isinstance(layer, Conv1DSpec):
        steps, channels = sequence_shape(shape)
        out = windowed(steps, layer.kernel_size, layer.strides, layer.padding, "kernel_size")
        bias = layer.filters if layer.use_bias else 0
        return LayerOutput(
            Tensor((out, layer.filters)), layer.kernel_size * channels * layer.filters + bias
        )
    if isinstance(layer, Conv2DSpec):
        height, width, channels = image_shape(shape)
        out_h, out_w = windowed_2d(
            (height, width), layer.kernel_size, layer.strides, layer.padding, "kernel_size"
        )
        kernel_h, kernel_w = layer.kernel_size
        bias = layer.filters if layer.use_bias else 0
        params = kernel_h * kernel_w * channels * layer.filters + bias
        return LayerOutput(Tensor((out_h, out_w, layer.filters)), params)
    if isinstance(layer, Pooling1DSpec):
        steps, channels = sequence_shape(shape)
        strides = layer.strides or layer.pool_size
        out = windowed(steps, layer.pool_size, strides, layer.padding, "pool_size")
        return LayerOutput(Tensor((out, channels)), 0)
    if isinstance(layer, Pooling2DSpec):
        height, width, channels = image_shape(shape)
        out_h, out_w = windowed_2d(
            (height, width),
            layer.pool_size,
            layer.strides or layer.pool_size,
            layer.padding,
            "pool_size",
        )
        return LayerOutput(Tensor((out_h, out_w, channels)), 0)
    if isinstance(layer, GLOBAL_POOLING_1D):
        _, channels = sequence_shape(shape)
        return LayerOutput(Tensor((channels,)), 0)
    if isinstance(layer, GLOBAL_POOLING_2D):
        _, _, channels = image_shape(shape)
        return LayerOutput(Tensor((channels,)), 0)
    if isinstance(layer, AUGMENTATIONS):
        image_shape(shape)
        return LayerOutput(Tensor(shape), 0)
    return None
