"""Example network specs shared by the spec and engine tests, with their parameter counts
worked out by hand."""

from __future__ import annotations

from typing import Any


def network(
    *layers: dict[str, Any],
    loss: str = "sparse_categorical_crossentropy",
    optimizer: str | dict[str, Any] = "adam",
    metrics: tuple[str, ...] = ("accuracy",),
) -> dict[str, Any]:
    return {
        "layers": list(layers),
        "compile": {"optimizer": optimizer, "loss": loss, "metrics": list(metrics)},
    }


def mlp(inputs: int, hidden: int, classes: int) -> dict[str, Any]:
    return network(
        {"type": "Input", "shape": [inputs]},
        {"type": "Dense", "units": hidden, "activation": "relu"},
        {"type": "Dropout", "rate": 0.2},
        {"type": "Dense", "units": classes, "activation": "softmax"},
        optimizer={"type": "rmsprop", "learning_rate": 0.001},
    )


PERCEPTRON = network(
    {"type": "Input", "shape": [4]},
    {"type": "Dense", "units": 1, "activation": "sigmoid"},
    loss="binary_crossentropy",
)

XOR = network(
    {"type": "Input", "shape": [2]},
    {"type": "Dense", "units": 2, "activation": "tanh"},
    {"type": "Dense", "units": 1, "activation": "sigmoid"},
    loss="binary_crossentropy",
    optimizer={"type": "adam", "learning_rate": 0.05},
)

ADDER = network(
    {"type": "Input", "shape": [2]},
    {"type": "Dense", "units": 3, "activation": "relu"},
    {"type": "Dense", "units": 1},
    loss="mse",
    metrics=("mae",),
)

DIGITS_MLP = mlp(64, 512, 10)

MNIST_MLP = mlp(784, 512, 10)

SMALL_CONVNET = network(
    {"type": "Input", "shape": [8, 8, 1]},
    {"type": "Conv2D", "filters": 8, "kernel_size": 3, "activation": "relu"},
    {"type": "MaxPooling2D", "pool_size": 2},
    {"type": "Flatten"},
    {"type": "Dropout", "rate": 0.25},
    {"type": "Dense", "units": 10, "activation": "softmax"},
)

RESHAPED_CONVNET = network(
    {"type": "Input", "shape": [64]},
    {"type": "Reshape", "target_shape": [8, -1, 1], "name": "as_image"},
    {"type": "Conv2D", "filters": 4, "kernel_size": [3, 2], "strides": 2, "padding": "same"},
    {"type": "MaxPooling2D", "pool_size": 3, "strides": [1, 2], "padding": "same"},
    {"type": "Flatten"},
    {"type": "Dense", "units": 10, "activation": "softmax"},
)

# name -> (spec, total parameters)
EXAMPLES: dict[str, tuple[dict[str, Any], int]] = {
    "perceptron": (PERCEPTRON, 4 * 1 + 1),
    "xor_2_2_1": (XOR, (2 * 2 + 2) + (2 * 1 + 1)),
    "adder_2_3_1": (ADDER, (2 * 3 + 3) + (3 * 1 + 1)),
    "digits_mlp_64_512_10": (DIGITS_MLP, (64 * 512 + 512) + (512 * 10 + 10)),
    "mnist_mlp_784_512_10": (MNIST_MLP, (784 * 512 + 512) + (512 * 10 + 10)),
    # conv 3x3x1x8+8 -> (6,6,8); pool -> (3,3,8); flatten -> 72; dense 72x10+10
    "small_convnet_8x8x1": (SMALL_CONVNET, (3 * 3 * 1 * 8 + 8) + (72 * 10 + 10)),
    # reshape -> (8,8,1); conv 3x2x1x4+4, stride 2 same -> (4,4,4); pool stride (1,2) same
    # -> (4,2,4); flatten -> 32; dense 32x10+10
    "reshaped_convnet": (RESHAPED_CONVNET, (3 * 2 * 1 * 4 + 4) + (32 * 10 + 10)),
}


def _on(shape: list[int], *layers: dict[str, Any], dtype: str = "float32") -> dict[str, Any]:
    return network({"type": "Input", "shape": shape, "dtype": dtype}, *layers, loss="mse")


# One network per layer configuration whose shapes and parameter counts must equal Keras'.
LAYER_CASES: dict[str, dict[str, Any]] = {
    "dense_on_sequences_no_bias": _on([5, 7], {"type": "Dense", "units": 3, "use_bias": False}),
    "rescaling": _on([4], {"type": "Rescaling", "scale": 0.5, "offset": -1}),
    "batch_norm": _on([6, 6, 3], {"type": "BatchNormalization"}),
    "batch_norm_without_center": _on([5], {"type": "BatchNormalization", "center": False}),
    "layer_norm": _on([5, 3], {"type": "LayerNormalization", "scale": False}),
    "conv1d_valid": _on([10, 3], {"type": "Conv1D", "filters": 4, "kernel_size": 3}),
    "conv1d_causal_strided": _on(
        [11, 2],
        {"type": "Conv1D", "filters": 2, "kernel_size": 4, "strides": 3, "padding": "causal"},
    ),
    "conv1d_same_no_bias": _on(
        [9, 2],
        {"type": "Conv1D", "filters": 3, "kernel_size": 5, "padding": "same", "use_bias": False},
    ),
    "conv2d_no_bias": _on(
        [7, 9, 2], {"type": "Conv2D", "filters": 3, "kernel_size": [2, 3], "use_bias": False}
    ),
    "max_pool1d": _on([9, 2], {"type": "MaxPooling1D", "pool_size": 2}),
    "avg_pool1d_same": _on(
        [9, 2], {"type": "AveragePooling1D", "pool_size": 3, "strides": 2, "padding": "same"}
    ),
    "avg_pool2d": _on([9, 7, 3], {"type": "AveragePooling2D", "pool_size": [3, 2]}),
    "global_pools": _on(
        [6, 6, 4],
        {"type": "GlobalAveragePooling2D"},
        {"type": "Reshape", "target_shape": [2, 2]},
        {"type": "GlobalMaxPooling1D"},
    ),
    "global_pool1d": _on([5, 3], {"type": "GlobalAveragePooling1D"}),
    "global_max2d": _on([4, 4, 2], {"type": "GlobalMaxPooling2D"}),
    "augmentation": _on(
        [16, 16, 3],
        {"type": "RandomFlip", "mode": "horizontal"},
        {"type": "RandomRotation", "factor": 0.1},
        {"type": "RandomZoom", "height_factor": 0.2, "width_factor": -0.1},
        {"type": "Conv2D", "filters": 2, "kernel_size": 3},
    ),
    "embedding": _on([7], {"type": "Embedding", "input_dim": 50, "output_dim": 4}),
    "lstm": _on([6, 3], {"type": "LSTM", "units": 5}),
    "lstm_sequences_no_bias": _on(
        [6, 3], {"type": "LSTM", "units": 4, "return_sequences": True, "use_bias": False}
    ),
    "gru": _on([6, 3], {"type": "GRU", "units": 5}),
    "gru_no_bias": _on([6, 3], {"type": "GRU", "units": 2, "use_bias": False}),
    "simple_rnn": _on([6, 3], {"type": "SimpleRNN", "units": 4, "return_sequences": True}),
    "bidirectional_concat": _on(
        [6, 3], {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 4}}
    ),
    "bidirectional_sum_gru": _on(
        [6, 3],
        {
            "type": "Bidirectional",
            "layer": {"type": "GRU", "units": 3, "return_sequences": True},
            "merge_mode": "sum",
        },
    ),
    "text_classifier": _on(
        [1],
        {
            "type": "TextVectorization",
            "output_sequence_length": 6,
            "vocabulary": ["the", "cat", "sat"],
        },
        {"type": "Embedding", "input_dim": 5, "output_dim": 3, "mask_zero": True},
        {"type": "LSTM", "units": 2},
        dtype="string",
    ),
    "residual_block": network(
        {"type": "Input", "shape": [8, 8, 3], "name": "image"},
        {"type": "Conv2D", "filters": 3, "kernel_size": 3, "padding": "same", "name": "conv"},
        {"type": "BatchNormalization", "name": "norm"},
        {"type": "Add", "inputs": ["image", "norm"], "name": "skip"},
        {"type": "Activation", "activation": "relu"},
        {"type": "GlobalAveragePooling2D"},
        {"type": "Dense", "units": 2, "activation": "softmax"},
    ),
    "inception_style_branches": network(
        {"type": "Input", "shape": [9, 9, 2], "name": "image"},
        {"type": "Conv2D", "filters": 4, "kernel_size": 1, "name": "one"},
        {
            "type": "Conv2D",
            "filters": 3,
            "kernel_size": 3,
            "padding": "same",
            "inputs": ["image"],
            "name": "three",
        },
        {
            "type": "MaxPooling2D",
            "pool_size": 3,
            "strides": 1,
            "padding": "same",
            "inputs": ["image"],
            "name": "pool",
        },
        {"type": "Concatenate", "inputs": ["one", "three", "pool"], "name": "joined"},
        {"type": "Flatten"},
        {"type": "Dense", "units": 3, "activation": "softmax"},
    ),
    "listed_out_of_order": network(
        {"type": "Input", "shape": [4], "name": "x"},
        {"type": "Dense", "units": 2, "inputs": ["wide"], "name": "narrow"},
        {"type": "Dense", "units": 6, "inputs": ["x"], "name": "wide"},
        {"type": "Concatenate", "axis": 1, "inputs": ["wide", "narrow"], "name": "both"},
        {"type": "Dense", "units": 1},
        loss="mse",
    ),
    "every_elementwise_merge": network(
        {"type": "Input", "shape": [3, 4], "name": "x"},
        {"type": "Dense", "units": 4, "name": "a"},
        {"type": "Dense", "units": 4, "inputs": ["x"], "name": "b"},
        {"type": "Subtract", "inputs": ["a", "b"], "name": "minus"},
        {"type": "Multiply", "inputs": ["a", "minus"], "name": "times"},
        {"type": "Average", "inputs": ["times", "a", "b"], "name": "mean"},
        {"type": "Maximum", "inputs": ["mean", "x"], "name": "high"},
        {"type": "Minimum", "inputs": ["high", "b"], "name": "low"},
        {"type": "Concatenate", "axis": 1, "inputs": ["low", "x"]},
        loss="mse",
    ),
}
