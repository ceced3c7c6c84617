"""`.keras` files for the upload tests: honest ones, and ones that try to run code when loaded.

Every payload touches a canary file; a test that refuses the file then checks the canary is
still absent. Built with Keras in the test process (the web process under test never loads it).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras

Config = dict[str, Any]


def dense_model(path: Path) -> Path:
    """The 2-3-1 adder network: small enough to draw."""
    model = keras.Sequential(
        [
            keras.Input((2,), name="numbers"),
            keras.layers.Dense(3, activation="relu", name="hidden"),
            keras.layers.Dense(1, name="sum"),
        ]
    )
    model.save(path)
    return path


def image_classifier(path: Path) -> Path:
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
            keras.layers.Flatten(),
            keras.layers.Dense(3, activation="softmax", name="classes"),
        ]
    )
    model.save(path)
    return path


def touching(canary: Path) -> Callable[[Any], Any]:
    """A lambda that creates `canary` whenever it runs; its code holds the path as a constant."""
    return eval(f"lambda x: (open({str(canary)!r}, 'w').close(), x)[1]")  # noqa: S307


def lambda_model(path: Path, canary: Path) -> Path:
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Lambda(touching(canary), name="payload"),
            keras.layers.Dense(1),
        ]
    )
    model.save(path)
    canary.unlink(missing_ok=True)  # building the model ran the lambda once
    return path


def lambda_activation_model(path: Path, canary: Path, dense: Path) -> Path:
    """No Lambda layer: the lambda's bytecode is the activation function of `dense`'s layer."""
    source = lambda_model(path.with_name(f"{path.stem}-source.keras"), canary)
    with zipfile.ZipFile(source) as archive:
        payload = layers_of(json.loads(archive.read("config.json")))[1]["config"]["function"]

    def plant(config: Config) -> None:
        layers_of(config)[1]["config"]["activation"] = payload

    return rewritten(dense, path, plant)


def junk_weights(source: Path, target: Path) -> Path:
    """A copy of `source` that passes the archive inspection (its config is fine) but whose
    weights file is junk, so Keras cannot load it."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for entry in original.infolist():
            data = original.read(entry)
            copy.writestr(entry, b"not hdf5" if entry.filename == "model.weights.h5" else data)
    return target


def rewritten(source: Path, target: Path, edit: Callable[[Config], Any]) -> Path:
    """A copy of `source` whose config.json `edit` has changed in place."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for entry in original.infolist():
            data = original.read(entry)
            if entry.filename == "config.json":
                config = json.loads(data)
                edit(config)
                data = json.dumps(config).encode()
            copy.writestr(entry, data)
    return target


def with_entries(
    source: Path, target: Path, entries: dict[str, bytes], *, link: bool = False
) -> Path:
    """A copy of `source` with more files in the zip (as symbolic links if `link`)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for entry in original.infolist():
            copy.writestr(entry, original.read(entry))
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            if link:
                info.external_attr = 0o120777 << 16
            copy.writestr(info, data)
    return target


def layers_of(config: Config) -> list[Config]:
    return config["config"]["layers"]
