"""Static checks of an uploaded `.keras` file, before anything loads it.

A `.keras` file is a zip of config.json (the architecture as Keras objects, each named by module
and class), metadata.json and model.weights.h5. Loading it rebuilds every object the config
names, so the config is where an attacker hides code: a Lambda layer's bytecode, a module other
than Keras' ("os", "builtins"), a call that turns safe mode off. This reads the zip's directory
and the config as data and refuses all of that; the sandboxed load comes after. Pure Python:
the web process runs it.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from neuroyard_core.errors import CodedError
from neuroyard_core.safety.archives import ArchiveLimits, check_archive_entries, safe_entry_parts
from neuroyard_core.safety.keras_layers import REFUSED_LAYERS, SAFE_LAYERS

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
MAX_CONFIG_BYTES = 32 * 1024 * 1024
MAX_CONFIG_DEPTH = 200
# A .keras file holds a few entries; over a megabyte, a ratio past 200 is a zip bomb.
_LIMITS = ArchiveLimits(
    max_entries=256,
    max_bytes=8 * 1024**3,
    max_ratio=200,
    bomb_code="model_archive_unsafe",
    unsafe_code="model_archive_unsafe",
    unreadable_code="model_unreadable",
)
_EXPECTED = {"config.json", "metadata.json", "model.weights.h5"}
_SAVED_MODEL_MARKERS = ("saved_model.pb", "saved_model.pbtxt", "variables/", "keras_metadata.pb")

# Objects a config may name, by module: Keras' public modules only, never keras.utils,
# keras.config or keras.saving, through which a config could download files or change settings.
_FREE_CLASS_MODULES = frozenset(
    {
        "keras.initializers",
        "keras.regularizers",
        "keras.constraints",
        "keras.optimizers",
        "keras.optimizers.schedules",
        "keras.losses",
        "keras.metrics",
        "keras.activations",
    }
)
_MODEL_CLASSES = {
    "keras": {
        "Sequential",
        "Model",
        "Functional",
        "DTypePolicy",
        "FloatDTypePolicy",
        "QuantizedDTypePolicy",
        "QuantizedFloat8DTypePolicy",
        "DTypePolicyMap",
    },
    "keras.models": {"Sequential", "Model", "Functional"},
    "keras.src.models.functional": {"Functional"},
    "keras.src.models.sequential": {"Sequential"},
    "keras.layers": SAFE_LAYERS,
}
# Plain values Keras' serialization wraps (tuples, arrays, symbolic tensors between layers).
_VALUE_MARKERS = frozenset(
    {"__keras_tensor__", "__tuple__", "__numpy__", "__bytes__", "__slice__", "__ellipsis__"}
)
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")


class ArchiveRefused(CodedError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


@dataclass(frozen=True)
class ArchiveReport:
    keras_version: str | None
    layer_types: list[str]  # the layer classes the config names, sorted


def inspect_keras_archive(path: Path, *, filename: str) -> ArchiveReport:
    """Raise ArchiveRefused (with a stable code) unless `path` is a plain `.keras` archive whose
    config names only Keras' own, code-free objects. `filename` is the name it was uploaded as."""
    _check_name(filename)
    with path.open("rb") as file:
        head = file.read(len(HDF5_SIGNATURE))
    if head == HDF5_SIGNATURE:
        raise _h5_refusal()
    if not zipfile.is_zipfile(path):
        raise ArchiveRefused("model_unreadable", f"{filename} is not a .keras file (not a zip).")
    try:
        with zipfile.ZipFile(path) as archive:
            _check_entries(archive, filename)
            config = _json_entry(archive, "config.json", filename)
            metadata = _json_entry(archive, "metadata.json", filename)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ArchiveRefused("model_unreadable", f"{filename} is damaged: {error}.") from None
    layer_types = _check_config(config)
    version = metadata.get("keras_version") if isinstance(metadata, dict) else None
    return ArchiveReport(
        keras_version=version if isinstance(version, str) else None,
        layer_types=sorted(layer_types),
    )


def _check_name(filename: str) -> None:
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if suffix == ".keras":
        return
    if suffix in (".h5", ".hdf5"):
        raise _h5_refusal()
    if suffix in (".pb", ".zip", ".tar", ".gz", ".tgz") or not suffix:
        raise ArchiveRefused(
            "model_format",
            "TensorFlow SavedModel folders (and archives of them) are not accepted: loading one "
            "runs the graph it holds. Load it in Keras and save it with model.save('model.keras').",
        )
    raise ArchiveRefused(
        "model_format",
        f"Only Keras models saved as .keras files are accepted, not '{suffix}' files.",
    )


def _h5_refusal() -> ArchiveRefused:
    return ArchiveRefused(
        "model_format_h5",
        "HDF5 (.h5) models are not accepted: the legacy format stores Lambda layers as Python "
        "bytecode that runs when loaded. Save the model with model.save('model.keras').",
    )


def _check_entries(archive: zipfile.ZipFile, filename: str) -> None:
    try:
        check_archive_entries(archive, _LIMITS)
        for entry in archive.infolist():
            safe_entry_parts(entry, _LIMITS)
    except CodedError as error:
        raise ArchiveRefused(error.code, f"{filename}: {error.message}") from None
    names: set[str] = set()
    for entry in archive.infolist():
        name = entry.filename
        if any(marker in name for marker in _SAVED_MODEL_MARKERS):
            raise ArchiveRefused(
                "model_format",
                f"{filename} holds a TensorFlow SavedModel ({name}), which is not accepted: "
                "save the model with model.save('model.keras').",
            )
        if name in names:
            raise _unsafe(f"{filename} holds '{name[:100]}' twice.")
        names.add(name)
        if name not in _EXPECTED and not name.startswith("assets/"):
            raise _unsafe(f"{filename} holds '{name[:100]}', which no .keras file has.")
    missing = sorted({"config.json", "model.weights.h5"} - names)
    if missing:
        raise ArchiveRefused(
            "model_unreadable", f"{filename} is not a .keras file: it has no {missing[0]}."
        )


def _unsafe(message: str) -> ArchiveRefused:
    return ArchiveRefused("model_archive_unsafe", message)


def _json_entry(archive: zipfile.ZipFile, name: str, filename: str) -> Any:
    if name not in archive.namelist():
        return {}
    if archive.getinfo(name).file_size > MAX_CONFIG_BYTES:
        raise _unsafe(f"{filename}: {name} is larger than {MAX_CONFIG_BYTES // 2**20} MiB.")
    with archive.open(name) as file:
        raw = file.read(MAX_CONFIG_BYTES + 1)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise ArchiveRefused(
            "model_unreadable", f"{filename}: {name} is not readable JSON."
        ) from None


def _check_config(config: Any) -> set[str]:
    if not isinstance(config, dict) or "class_name" not in config:
        raise ArchiveRefused("model_unreadable", "config.json does not describe a Keras model.")
    objects = list(_objects(config))  # first, so that a safe-mode trick is named as such
    layer_types: set[str] = set()
    for node in objects:
        _check_object(node, layer_types)
    return layer_types


def _objects(config: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in the config, depth first, refusing absurd nesting and any key or
    string that would change how Keras loads (turning safe mode off)."""
    stack: list[tuple[Any, int]] = [(config, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_CONFIG_DEPTH:
            raise _unsafe(f"config.json is nested more than {MAX_CONFIG_DEPTH} levels deep.")
        if isinstance(value, dict):
            for key in value:
                _check_text(str(key))
            yield value
            stack += [(item, depth + 1) for item in value.values()]
        elif isinstance(value, list):
            stack += [(item, depth + 1) for item in value]
        elif isinstance(value, str):
            _check_text(value)


def _check_text(text: str) -> None:
    if "safe_mode" in text or "unsafe_deserialization" in text:
        raise ArchiveRefused(
            "model_safe_mode",
            f"The model's config tries to change how it is loaded ('{text[:60]}'); models are "
            "always loaded in Keras' safe mode.",
        )


def _check_object(node: dict[str, Any], layer_types: set[str]) -> None:
    if "class_name" not in node:
        return
    class_name, module = node["class_name"], node.get("module")
    registered = node.get("registered_name")
    if not isinstance(class_name, str):
        raise _custom(repr(class_name)[:60], module)
    if class_name == "__lambda__" or class_name in REFUSED_LAYERS:
        what = "a lambda function" if class_name == "__lambda__" else f"a {class_name} layer"
        does = (
            "loads and runs a TensorFlow SavedModel from a path"
            if class_name == "TFSMLayer"
            else "runs code of its author's when the model is loaded or used"
        )
        raise ArchiveRefused(
            "model_code", f"The model holds {what}, which {does}; rebuild it from built-in layers."
        )
    if class_name in _VALUE_MARKERS and module is None:
        return
    if module in _MODEL_CLASSES:
        if class_name not in _MODEL_CLASSES[module]:
            raise _custom(class_name, module)
        if module == "keras.layers":
            layer_types.add(class_name)
    elif module in _FREE_CLASS_MODULES:
        if not _IDENTIFIER.match(class_name):
            raise _custom(class_name, module)
        if class_name == "function" and not (
            isinstance(node.get("config"), str) and _IDENTIFIER.match(node["config"])
        ):
            raise _custom(f"function {node.get('config')!r}"[:60], module)
    else:
        raise _custom(class_name, module)
    if registered is not None and (not isinstance(registered, str) or ">" in registered):
        raise _custom(f"{registered}"[:60], module)


def _custom(class_name: str, module: object) -> ArchiveRefused:
    where = f"module '{str(module)[:60]}'" if module is not None else "no module"
    return ArchiveRefused(
        "model_custom_object",
        f"The model names '{class_name}' from {where}, which is not one of Keras' own "
        "built-in objects; custom objects and other modules are not accepted.",
    )
