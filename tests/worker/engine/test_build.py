"""build_model builds exactly the network summarize describes, compiled as the spec says."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from neuroyard_core.spec import SpecError, parse_spec, summarize
from neuroyard_worker.engine.build import build_model, keras_callbacks
from tests.worker.example_specs import DIGITS_MLP, EXAMPLES, network


@pytest.mark.parametrize("name", EXAMPLES)
def test_summarize_agrees_with_keras_on_every_example(name: str) -> None:
    spec = parse_spec(EXAMPLES[name][0])

    model = build_model(spec)
    summary = summarize(spec)

    assert summary.total_params == model.count_params()
    # Keras' Sequential.layers leaves the Input out; the summary keeps it as layers[0].
    assert [
        (layer.name, tuple(layer.output.shape[1:]), layer.count_params()) for layer in model.layers
    ] == [(layer.name, layer.output_shape, layer.params) for layer in summary.layers[1:]]
    assert tuple(model.input_shape[1:]) == summary.input_shape


def test_the_model_is_compiled_with_the_spec_optimizer_loss_and_metrics() -> None:
    model = build_model(parse_spec(DIGITS_MLP))

    assert isinstance(model.optimizer, keras.optimizers.RMSprop)
    assert model.optimizer.learning_rate.numpy() == pytest.approx(0.001)
    assert model.loss == "sparse_categorical_crossentropy"
    model.fit(np.zeros((4, 64)), np.zeros(4), epochs=1, verbose=0)  # builds the metrics
    assert "accuracy" in model.get_metrics_result()


@pytest.mark.parametrize(
    ("optimizer", "keras_class", "settings"),
    [
        ({"type": "sgd", "momentum": 0.5, "nesterov": True}, "SGD", {"momentum": 0.5}),
        ({"type": "rmsprop", "rho": 0.8}, "RMSprop", {"rho": 0.8}),
        ({"type": "adam", "beta_1": 0.8}, "Adam", {"beta_1": 0.8}),
        ({"type": "adamw", "weight_decay": 0.01}, "AdamW", {"weight_decay": 0.01}),
    ],
)
def test_each_optimizer_gets_its_settings(
    optimizer: dict[str, object], keras_class: str, settings: dict[str, float]
) -> None:
    spec = network(
        {"type": "Input", "shape": [2]},
        {"type": "Dense", "units": 1},
        loss="mse",
        optimizer=optimizer,
    )

    built = build_model(parse_spec(spec)).optimizer

    assert type(built).__name__ == keras_class
    config = built.get_config()
    assert {key: config[key] for key in settings} == pytest.approx(settings)


def test_the_same_seed_gives_the_same_initial_weights() -> None:
    spec = parse_spec(DIGITS_MLP)

    first = build_model(spec, seed=3).get_weights()
    second = build_model(spec, seed=3).get_weights()
    other = build_model(spec, seed=4).get_weights()

    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    assert not np.array_equal(first[0], other[0])


def test_an_oversized_network_is_refused_before_keras_allocates_it() -> None:
    spec = parse_spec(
        network(
            {"type": "Input", "shape": [100_000]},
            {"type": "Dense", "units": 100_000},
            loss="mse",
        )
    )

    with pytest.raises(SpecError, match="the limit is 50,000,000"):
        build_model(spec)


@pytest.mark.parametrize(
    "optimizer",
    [
        {"type": "sgd"},
        {"type": "sgd", "momentum": 0.9},
        {"type": "rmsprop"},
        {"type": "rmsprop", "momentum": 0.5},
        {"type": "adam"},
        {"type": "adamw"},
    ],
)
def test_the_memory_estimate_counts_the_optimizer_slots_keras_allocates(
    optimizer: dict[str, object],
) -> None:
    spec = parse_spec(
        network(
            {"type": "Input", "shape": [6]},
            {"type": "Dense", "units": 5},
            {"type": "BatchNormalization"},
            {"type": "Dense", "units": 1},
            loss="mse",
            optimizer=optimizer,
        )
    )
    model = build_model(spec)
    model.optimizer.build(model.trainable_variables)

    per_weight = [v for v in model.optimizer.variables if len(v.shape) > 0]
    keras_bytes = 4 * sum(int(np.prod(v.shape)) for v in per_weight)
    assert summarize(spec).memory.optimizer_bytes == keras_bytes


def test_a_learning_rate_schedule_is_built_with_its_settings() -> None:
    spec = parse_spec(
        network(
            {"type": "Input", "shape": [2]},
            {"type": "Dense", "units": 1},
            loss="mse",
            optimizer={
                "type": "sgd",
                "clipnorm": 1.0,
                "learning_rate": {
                    "type": "piecewise_constant_decay",
                    "boundaries": [10],
                    "values": [0.1, 0.01],
                },
            },
        )
    )

    optimizer = build_model(spec).optimizer

    schedule = optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.PiecewiseConstantDecay)
    assert float(schedule(5)) == pytest.approx(0.1)
    assert float(schedule(50)) == pytest.approx(0.01)
    assert optimizer.clipnorm == 1.0


def test_the_callbacks_are_built_with_their_settings() -> None:
    spec = parse_spec(
        {
            **DIGITS_MLP,
            "callbacks": [
                {"type": "early_stopping", "monitor": "val_accuracy", "patience": 2},
                {"type": "reduce_lr_on_plateau", "factor": 0.5, "min_lr": 0.0001},
            ],
        }
    )

    early, plateau = keras_callbacks(spec)

    assert isinstance(early, keras.callbacks.EarlyStopping)
    assert (early.monitor, early.patience) == ("val_accuracy", 2)
    assert isinstance(plateau, keras.callbacks.ReduceLROnPlateau)
    assert (plateau.factor, plateau.min_lr, plateau.monitor) == (0.5, 0.0001, "val_loss")
