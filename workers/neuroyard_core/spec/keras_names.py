"""The Keras identifiers a spec may name: activations, losses, metrics.

Allow-listed by hand because the web process validates specs without importing Keras; a test
checks that every name here resolves in the installed Keras.
"""

from __future__ import annotations

from typing import Literal

Task = Literal["classification", "regression"]

# Every activation of Keras that keeps its input's shape and needs no arguments beyond it: not
# `glu`, which halves the last axis, nor `threshold`, which needs its threshold.
ACTIVATIONS: frozenset[str] = frozenset(
    {
        "celu",
        "elu",
        "exponential",
        "gelu",
        "hard_sigmoid",
        "hard_shrink",
        "hard_silu",
        "hard_swish",
        "hard_tanh",
        "leaky_relu",
        "linear",
        "log_sigmoid",
        "log_softmax",
        "mish",
        "relu",
        "relu6",
        "selu",
        "sigmoid",
        "silu",
        "softmax",
        "softplus",
        "soft_shrink",
        "softsign",
        "sparse_plus",
        "sparse_sigmoid",
        "sparsemax",
        "squareplus",
        "swish",
        "tanh",
        "tanh_shrink",
    }
)

# Each loss with the kind of target it is meant for.
LOSS_TASKS: dict[str, Task] = {
    "sparse_categorical_crossentropy": "classification",
    "categorical_crossentropy": "classification",
    "binary_crossentropy": "classification",
    "hinge": "classification",
    "squared_hinge": "classification",
    "categorical_hinge": "classification",
    "mean_squared_error": "regression",
    "mse": "regression",
    "mean_absolute_error": "regression",
    "mae": "regression",
    "mean_absolute_percentage_error": "regression",
    "mape": "regression",
    "mean_squared_logarithmic_error": "regression",
    "msle": "regression",
    "huber": "regression",
    "log_cosh": "regression",
    "poisson": "regression",
}

LOSSES: frozenset[str] = frozenset(LOSS_TASKS)

METRICS: frozenset[str] = frozenset(
    {
        "accuracy",
        "binary_accuracy",
        "categorical_accuracy",
        "sparse_categorical_accuracy",
        "top_k_categorical_accuracy",
        "sparse_top_k_categorical_accuracy",
        "auc",
        "precision",
        "recall",
        "mean_squared_error",
        "mse",
        "mean_absolute_error",
        "mae",
        "mean_absolute_percentage_error",
        "mape",
        "mean_squared_logarithmic_error",
        "msle",
        "root_mean_squared_error",
    }
)
