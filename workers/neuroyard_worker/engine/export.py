"""`export`: a saved Keras model converted to a TensorFlow SavedModel (zipped) or to TFLite.

Run as a throwaway process (`python -m neuroyard_worker.engine.export MODEL OUT FORMAT`) by
the worker, so that a converter crash or its memory never touches the long-lived worker.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import tensorflow as tf

from neuroyard_core.errors import CodedError
from neuroyard_worker.engine.errors import EngineError
from neuroyard_worker.engine.model_file import load_model_file

FORMATS = ("savedmodel", "tflite")


@dataclass(frozen=True)
class ExportRequest:
    model_path: Path  # a .keras file
    format: str  # one of FORMATS
    out_path: Path  # savedmodel: a .zip of the SavedModel folder; tflite: a .tflite file


def export(request: ExportRequest) -> Path:
    if request.format not in FORMATS:
        raise EngineError("model_unsuitable", f"unknown export format {request.format!r}")
    model = load_model_file(request.model_path)
    with tempfile.TemporaryDirectory(prefix="neuroyard-export-") as tmp:
        saved = Path(tmp) / "savedmodel"
        model.export(saved, format="tf_saved_model", verbose=False)
        if request.format == "savedmodel":
            _zip_folder(saved, request.out_path)
        else:
            converter = tf.lite.TFLiteConverter.from_saved_model(str(saved))
            request.out_path.write_bytes(converter.convert())
    return request.out_path


def _zip_folder(folder: Path, out: Path) -> None:
    """Entries under `savedmodel/`, so the archive unpacks into one folder."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, arcname=f"savedmodel/{path.relative_to(folder)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("format", choices=FORMATS)
    args = parser.parse_args(argv)
    try:
        export(ExportRequest(model_path=args.model, format=args.format, out_path=args.out))
    except CodedError as error:  # EngineError, or the model check's refusal
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
