"""The one way a worker loads a `.keras` file: the archive and layer checks an uploaded model
gets (neuroyard_core.safety.keras_archive) first, then Keras in safe mode, not compiled.

A model is checked when it is uploaded, but the file a job or the inference worker reads is
whatever storage holds: loading it without those checks would trust storage (and models
registered before a check was added) with everything the upload check refuses.
"""

from __future__ import annotations

from pathlib import Path

import keras

from neuroyard_core.safety.keras_archive import inspect_keras_archive
from neuroyard_worker.engine.errors import EngineError


def load_model_file(path: Path) -> keras.Model:
    """The model in `path`. Raises the upload check's refusal (ArchiveRefused: model_code,
    model_archive_unsafe, model_unreadable, ...) for a file it would refuse, and
    EngineError `model_invalid` for one Keras cannot load as a model."""
    inspect_keras_archive(Path(path), filename="model.keras")
    try:
        model = keras.saving.load_model(path, safe_mode=True, compile=False)
    except Exception as error:  # Keras raises many kinds for a bad file
        raise EngineError("model_invalid", f"cannot load the model: {error}") from None
    if not isinstance(model, keras.Model) or not model.inputs:
        raise EngineError("model_invalid", "the file holds no Keras model with a defined input")
    return model
