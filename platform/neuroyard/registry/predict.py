"""Synchronous predictions: `POST /api/v1/models/{id}/predict/` answers within the request,
or with 202 and a URL to poll when the inference worker is slower than the timeout.

A plain DRF view: it checks and prepares the inputs, sends them, gives its database
connection back, and waits for the answer, which the process's reply thread hands it. The
web server runs it in one of the threads kept for requests that wait (see
neuroyard.core.asgi_handler), not in one of the few that serve the rest of the API.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from neuroyard.core.errors import DomainError, NotFound
from neuroyard.core.fields import JsonOrStringField
from neuroyard.core.parsers import DepthLimitedJSONParser
from neuroyard.core.waiting import db_connections_release
from neuroyard.registry.inference import (
    Pending,
    prediction_answer,
    prediction_mark_pending,
    prediction_message,
    prediction_pending,
    prediction_send,
    reply_channel,
)
from neuroyard.registry.model_check import model_require_ready
from neuroyard.registry.prediction_inputs import generator_inputs, prediction_inputs
from neuroyard.registry.selectors import model_for_prediction, model_get


class TopKClass(serializers.Serializer):
    label = serializers.CharField()
    index = serializers.IntegerField()
    probability = serializers.FloatField()


class PredictionOutput(serializers.Serializer):
    """One sample's answer: a classifier's label, probability and top k, or a regressor's
    value; `outputs` is the network's output row as it came. A GAN generator's: its `image`
    (a PNG, base64), the `latent` point it drew it from, and for a conditional GAN the class
    (`label`, `index`)."""

    label = serializers.CharField(required=False)
    index = serializers.IntegerField(required=False)
    probability = serializers.FloatField(required=False)
    top_k = TopKClass(many=True, required=False)
    value = serializers.JSONField(required=False)
    outputs = serializers.ListField(child=serializers.FloatField(), required=False)
    image = serializers.CharField(required=False, help_text="A generated picture: PNG, base64.")
    latent = serializers.ListField(child=serializers.FloatField(), required=False)


class PredictAnswerOutput(serializers.Serializer):
    id = serializers.UUIDField()
    model = serializers.UUIDField()
    status = serializers.CharField(help_text="done, or pending (then poll poll_url)")
    task = serializers.CharField(required=False)
    predictions = PredictionOutput(many=True, required=False)
    batched_requests = serializers.IntegerField(
        required=False, help_text="Requests whose samples went through the network together."
    )
    poll_url = serializers.CharField(required=False)
    message = serializers.CharField(required=False)
    strip = serializers.CharField(
        required=False,
        help_text="An interpolation's pictures side by side, in order: PNG, base64.",
    )


def _poll_url(model_id: str, request_id: str) -> str:
    return f"/api/v1/models/{model_id}/predictions/{request_id}/"


def _answered(model_id: str, request_id: str, answer: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The response body and status for a worker's answer."""
    if answer.get("status") == "error":
        body = {"code": answer["code"], "message": answer["message"], "details": {}}
        return body, int(answer.get("http_status", 400))
    return {
        "id": request_id,
        "model": model_id,
        "status": "done",
        "task": answer["task"],
        "predictions": answer["predictions"],
        "batched_requests": answer.get("batched_requests", 1),
    } | ({"strip": answer["strip"]} if "strip" in answer else {}), status.HTTP_200_OK


def _pending(model_id: str, request_id: str, message: str) -> dict[str, Any]:
    return {
        "id": request_id,
        "model": model_id,
        "status": "pending",
        "poll_url": _poll_url(model_id, request_id),
        "message": message,
    }


class PredictApi(APIView):
    parser_classes = [DepthLimitedJSONParser, MultiPartParser, FormParser]

    class Input(serializers.Serializer):
        inputs = JsonOrStringField(
            required=False,
            invalid_message="must be a JSON list",
            help_text="A list of samples, raw as the training data was: numbers (an array of "
            "the model's input shape), a table row (a list, or an object by column), a text, "
            "or an image as base64. In a multipart request a JSON string; image files may be "
            "uploaded instead, one sample each.",
        )
        top_k = serializers.IntegerField(min_value=1, max_value=100, default=5)
        # A GAN generator's request; neuroyard_core.generation checks it (documented here).
        count = serializers.JSONField(
            required=False, help_text="A generator: this many pictures from random latent points."
        )
        latent = serializers.JSONField(
            required=False,
            help_text="A generator: latent points (lists of latent_dim numbers), a picture each, "
            "or the two ends of an interpolation.",
        )
        locals()["class"] = serializers.JSONField(
            required=False,
            help_text="A conditional GAN's generator: the class to draw (number or name).",
        )
        interpolate = serializers.JSONField(
            required=False,
            help_text="A generator: this many pictures along the line between two latent points "
            "(`latent`'s, or random ones), also answered as one `strip`.",
        )
        seed = serializers.JSONField(
            required=False, help_text="A generator: the seed of its random latent points."
        )

    @extend_schema(
        request=Input,
        responses={
            200: PredictAnswerOutput,
            202: OpenApiResponse(
                PredictAnswerOutput,
                description="Not answered within the timeout: poll `poll_url` (status pending).",
            ),
            409: OpenApiResponse(description="The model is not ready (model_not_ready)."),
        },
    )
    def post(self, request: Request, model_id: str) -> Response:
        timeout = settings.NEUROYARD_PREDICT_TIMEOUT_MS / 1000
        deadline = time.monotonic() + timeout
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.NEUROYARD_PREDICT_MAX_BYTES:
            raise DomainError(
                "too_large",
                f"The request is {length} bytes; predictions take at most "
                f"{settings.NEUROYARD_PREDICT_MAX_BYTES}. Use a predict job for large inputs.",
                status=413,
            )
        model = model_for_prediction(user=request.user, model_id=model_id)
        model_require_ready(model=model)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        images = [upload for key in request.FILES for upload in request.FILES.getlist(key)]
        generator = generator_inputs(model=model, body=request.data, images=images)
        if generator is not None:
            x = generator.inputs
        else:
            samples = data.validated_data.get("inputs")
            x = prediction_inputs(model=model, samples=samples, images=images)
        model_id, request_id = str(model.id), str(uuid.uuid4())
        replies = reply_channel()
        message = prediction_message(
            request_id=request_id,
            reply_to=replies.name,
            model=model,
            x=x,
            top_k=data.validated_data["top_k"],
            generator=generator,
        )
        with replies.expecting(request_id) as expected:
            prediction_send(message)
            db_connections_release()  # the wait for the worker holds no database connection
            answer = expected.answer(timeout=deadline - time.monotonic())
        if answer is None:
            prediction_mark_pending(
                request_id=request_id, owner_id=request.user.pk, model_id=model_id
            )
            body = _pending(
                model_id,
                request_id,
                f"The inference worker has not answered within {timeout:g} s; the answer will "
                "be at poll_url when it is ready.",
            )
            headers = {"Location": _poll_url(model_id, request_id), "Retry-After": "1"}
            return Response(body, status=status.HTTP_202_ACCEPTED, headers=headers)
        body, code = _answered(model_id, request_id, answer)
        return Response(body, status=code)


class PredictionPollApi(APIView):
    @extend_schema(
        responses={
            200: PredictAnswerOutput,
            202: OpenApiResponse(PredictAnswerOutput, description="Still pending."),
        }
    )
    def get(self, request: Request, model_id: str, request_id: str) -> Response:
        model = model_get(user=request.user, model_id=model_id)
        model_id, request_id = str(model.id), str(request_id)
        pending = prediction_pending(request_id)
        if pending != Pending(owner_id=str(request.user.pk), model_id=model_id):
            raise NotFound("Prediction")  # unknown, expired, or someone else's
        answer = prediction_answer(request_id)
        if answer is None:
            body = _pending(model_id, request_id, "Not answered yet; ask again shortly.")
            return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Retry-After": "1"})
        body, code = _answered(model_id, request_id, answer)
        return Response(body, status=code)
