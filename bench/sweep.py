"""Benchmark: an adaptive sweep (ASHA) against the full-budget grid, on the same 24 points.

The digits MLP (scikit-learn's 8x8 digits), learning rate x hidden units x dropout, 9 epochs a
trial, trained by the engine directly (no Celery), one trial at a time, with the same Optuna
sampler and pruner the sweep controller builds from SweepSettings. Goals: the adaptive sweep's
best validation accuracy within 0.5 point of the full grid's, with at most a third of its
epochs. Prints both, and wall times: `make bench` (or `python -m bench.sweep`).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import optuna

from neuroyard_core.sweeps.space import SweepSettings, trial_job_inputs
from neuroyard_worker.engine.train import TrainRequest, train
from neuroyard_worker.sweeps.study import searcher_pruner, searcher_sampler, suggest_values

EPOCHS = 9
SPACE = [
    {"name": "learning_rate", "type": "choice", "values": [0.0003, 0.001, 0.003]},
    {"name": "hidden.units", "type": "choice", "values": [16, 32, 64, 128]},
    {"name": "drop.rate", "type": "choice", "values": [0.0, 0.3]},
]
SPEC: dict[str, Any] = {
    "layers": [
        {"type": "Input", "shape": [64]},
        {"type": "Dense", "units": 32, "activation": "relu", "name": "hidden"},
        {"type": "Dropout", "rate": 0.0, "name": "drop"},
        {"type": "Dense", "units": 10, "activation": "softmax"},
    ],
    "compile": {
        "optimizer": {"type": "adam", "learning_rate": 0.001},
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy"],
    },
}
PARAMS = {"epochs": EPOCHS, "batch_size": 32, "validation_split": 0.25, "seed": 0}


class _TrialReporter:
    def __init__(self, trial: optuna.Trial, metric: str) -> None:
        self.trial, self.metric, self.pruned, self.epochs = trial, metric, False, 0
        self.last: float | None = None

    def epoch_ended(self, epoch: int, metrics: dict[str, float]) -> None:
        self.epochs, self.last = epoch, metrics[self.metric]
        self.trial.report(self.last, step=epoch)
        self.pruned = self.trial.should_prune()

    def stop_requested(self) -> bool:
        return self.pruned


def run_sweep(early_stopping: str, data: Path, folder: Path) -> dict[str, Any]:
    settings = SweepSettings.model_validate(
        {"space": SPACE, "searcher": "grid", "early_stopping": early_stopping,
         "budget": {"trials": 24}, "parallelism": 1}
    )  # fmt: skip
    study = optuna.create_study(
        direction="maximize",
        sampler=searcher_sampler(settings, trials_so_far=0),
        pruner=searcher_pruner(settings, max_epochs=EPOCHS),
    )
    spent = {"epochs": 0}
    started = time.perf_counter()

    def objective(trial: optuna.Trial) -> float:
        values = suggest_values(trial, settings)
        spec, params = trial_job_inputs(spec=SPEC, params=PARAMS, values=values)
        reporter = _TrialReporter(trial, settings.metric)
        train(
            TrainRequest(spec=spec, data_path=data, model_path=folder / f"{trial.number}.keras",
                         epochs=params["epochs"], batch_size=params["batch_size"],
                         validation_split=params["validation_split"], seed=params["seed"]),
            reporter,
        )  # fmt: skip
        spent["epochs"] += reporter.epochs
        if reporter.pruned:
            raise optuna.TrialPruned()
        return float(reporter.last or 0.0)

    # optimize, not ask/tell: the grid sampler stops the study from inside it when done
    study.optimize(objective, n_trials=24)
    best, epochs = study.best_value, spent["epochs"]
    return {"best": best, "epochs": epochs, "seconds": time.perf_counter() - started}


def main() -> None:
    from sklearn.datasets import load_digits

    digits = load_digits()
    order = np.random.default_rng(0).permutation(len(digits.data))
    x = (digits.data[order] / 16.0).astype(np.float32)
    y = digits.target[order].astype(np.int64)
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        data = Path(tmp) / "digits.npz"
        np.savez(data, x=x, y=y)
        full = run_sweep("none", data, Path(tmp))
        asha = run_sweep("asha", data, Path(tmp))
    print(f"{'searcher':<24}{'best val acc':>14}{'epochs':>8}{'wall s':>9}")
    for name, row in (("grid, full budget", full), ("grid + ASHA (eta 3)", asha)):
        print(f"{name:<24}{row['best'] * 100:>13.2f}%{row['epochs']:>8}{row['seconds']:>9.1f}")
    gap = (full["best"] - asha["best"]) * 100
    ratio = asha["epochs"] / full["epochs"]
    print(f"accuracy gap {gap:.2f} points (goal <= 0.5): {'met' if gap <= 0.5 else 'MISSED'}")
    print(f"epochs ratio {ratio:.3f} (goal <= 0.333): {'met' if ratio <= 1 / 3 else 'MISSED'}")
    print(f"wall-time ratio {asha['seconds'] / full['seconds']:.3f}")


if __name__ == "__main__":
    main()
