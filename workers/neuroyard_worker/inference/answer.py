"""One synchronous prediction from the web, answered through the worker's inference server and
published for the web process waiting on it (taken from Redis by .taker)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings

from neuroyard.registry.inference import decode_array, prediction_reply
from neuroyard_worker.engine.predictions import prediction_rows
from neuroyard_worker.inference.cache import InferenceRefused, ModelCache, ModelRef
from neuroyard_worker.inference.generated import generated_answer
from neuroyard_worker.inference.server import InferenceServer
from neuroyard_worker.runtime.inputs import cached_input

log = logging.getLogger(__name__)

# A request still unanswered after this long is answered with an error (a model that takes
# minutes to load, a stuck call); the web has long since answered 202 by then.
ANSWER_WITHIN_SECONDS = 300

_server: InferenceServer | None = None
_server_lock = threading.Lock()


def inference_server() -> InferenceServer:
    """This process's one server (and model cache), made on the first request."""
    global _server
    with _server_lock:
        if _server is None:
            cache = ModelCache(
                capacity_bytes=settings.NEUROYARD_INFERENCE_CACHE_MB * 1024**2,
                fetch=lambda ref: cached_input(ref.file, sha256=ref.sha256, suffix=".keras"),
            )
            _server = InferenceServer(cache)
        return _server


def answer_prediction(message: dict[str, Any]) -> str:
    """Publishes the answer (or the refusal) under the request's id; returns its status."""
    try:
        answer = _answer(message)
    except InferenceRefused as exc:
        answer = {"status": "error", "code": exc.code, "message": exc.message,
                  "http_status": exc.status}  # fmt: skip
    except Exception as exc:  # the worker answers and lives on, whatever the request
        log.exception("prediction %s failed", message.get("id"))
        answer = {
            "status": "error",
            "code": "inference_failed",
            "message": f"The inference worker failed ({type(exc).__name__}); it was logged.",
            "http_status": 502,
        }
    prediction_reply(message, answer)
    return str(answer["status"])


def _answer(message: dict[str, Any]) -> dict[str, Any]:
    model = message["model"]
    x = decode_array(message["x"])
    result = inference_server().predict(
        ModelRef(sha256=model["sha256"], file=model["file"]), x, timeout=ANSWER_WITHIN_SECONDS
    )
    task = message.get("task") or result.task
    answered = {"status": "ok", "task": task, "batched_requests": result.batched_requests}
    if "generate" in message:  # a GAN's generator: pictures
        return answered | generated_answer(
            result.outputs, x, reading=message["generate"], class_names=message["class_names"]
        )
    rows = prediction_rows(
        result.outputs, task=task, k=int(message["top_k"]), class_names=message["class_names"]
    )
    return answered | {"predictions": rows}
