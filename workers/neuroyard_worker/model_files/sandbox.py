"""Load an uploaded `.keras` file in a throwaway process and describe it, as JSON on stdout.

    python -m neuroyard_worker.model_files.sandbox MODEL.keras

The process limits itself (CPU seconds, address space, file sizes, open files) before it imports
Keras, loads the model with safe_mode=True on the CPU, and prints one JSON line:
{"ok": true, "model": describe_model(...)} or {"ok": false, "error": "..."}. The caller adds a
wall-clock timeout and reads nothing else from the process.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path
from typing import Any

CPU_SECONDS = int(os.environ.get("NEUROYARD_SANDBOX_CPU_SECONDS", "60"))
MEMORY_BYTES = int(os.environ.get("NEUROYARD_SANDBOX_MEMORY_BYTES", str(6 * 1024**3)))
FILE_BYTES = 64 * 1024**2
OPEN_FILES = 256


def limit_resources() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_BYTES, FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def load_and_describe(path: str) -> dict[str, Any]:
    os.environ["CUDA_VISIBLE_DEVICES"] = "-1"  # the web host's GPU, if any, is not for this
    import keras  # after the limits: importing and loading count against them

    from neuroyard_core.errors import CodedError
    from neuroyard_worker.engine.describe import describe_model
    from neuroyard_worker.engine.model_file import load_model_file

    keras.config.disable_interactive_logging()
    try:
        model = load_model_file(Path(path))
    except CodedError as error:
        return {"ok": False, "error": error.message[:500]}
    except Exception as error:  # anything the file makes Keras raise is a refusal
        return {"ok": False, "error": f"{type(error).__name__}: {str(error)[:500]}"}
    return {"ok": True, "model": describe_model(model)}


def main(argv: list[str]) -> int:
    limit_resources()
    if len(argv) != 2:
        print(json.dumps({"ok": False, "error": "usage: sandbox MODEL.keras"}))
        return 2
    print(json.dumps(load_and_describe(argv[1])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
