"""Trained models for the prediction tests: Keras networks fitted in the test process and
registered as a train job would register them (artifact, task, classes, preprocessing)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import numpy as np
from django.core.files import File

from neuroyard.core.storage import sha256_of_file
from neuroyard.datasets.models import Dataset
from neuroyard.jobs.models import Artifact
from neuroyard.registry.models import TrainedModel


def digits_mlp(path: Path, arrays: dict[str, np.ndarray], *, epochs: int = 3) -> Path:
    """A small MLP fitted on the digits arrays (x: 64 values in [0, 1], y: 0..9)."""
    import keras

    keras.utils.set_random_seed(5)
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(arrays["x"], arrays["y"], epochs=epochs, batch_size=32, verbose=0)
    model.save(path)
    return path


def registered_model(owner: Any, path: Path, **fields: Any) -> TrainedModel:
    """`path` (a .keras file) stored as a model artifact and registered for `owner`."""
    artifact = Artifact(
        owner=owner,
        kind=Artifact.Kind.MODEL,
        name="model.keras",
        content_type="application/octet-stream",
    )
    with path.open("rb") as handle:
        artifact.sha256, artifact.size_bytes = sha256_of_file(handle)
        artifact.file.save(f"models/{uuid.uuid4()}.keras", File(handle), save=False)
    artifact.save()
    defaults: dict[str, Any] = {"name": path.stem, "task": "classification"}
    return TrainedModel.objects.create(owner=owner, artifact=artifact, **(defaults | fields))


def trained_on(dataset_id: object) -> dict[str, Any]:
    """What registering a model trained on the dataset records of it (as
    trained_model_register does)."""
    dataset = Dataset.objects.get(id=dataset_id)
    return {
        "task": dataset.task,
        "input_shape": dataset.stats["input_shape"],
        "class_names": dataset.stats.get("class_names", []),
        "preprocessing": dataset.stats.get("preprocessing", {}),
    }
