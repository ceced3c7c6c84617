"""Server-sent events for one job: a snapshot, then each epoch and status change as it happens.

An async view (served by the ASGI server without holding a thread per viewer). EventSource in
browsers sends the session cookie; scripts may send `Authorization: Token ...`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse

from neuroyard.accounts.tokens import token_user
from neuroyard.core.errors import NotFound
from neuroyard.jobs.events import Subscription
from neuroyard.jobs.models import EpochMetric, Job
from neuroyard.jobs.selectors import job_get

KEEPALIVE_SECONDS = 15.0

P = ParamSpec("P")
T = TypeVar("T")


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"


def _released(read: Callable[P, T]) -> Callable[P, Awaitable[T]]:
    """`read` in a worker thread that gives its database connection back (to the pool on
    PostgreSQL) when it is done. Django would keep it until the response ends, and a stream
    lasts as long as its job: a few hundred watchers would hold every connection there is."""

    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return read(*args, **kwargs)
        finally:
            if not connection.in_atomic_block:  # a caller's transaction keeps its connection
                connection.close()

    return sync_to_async(run)


def _session_user(request: HttpRequest) -> Any:
    user = request.user
    return user if user.is_authenticated else None


async def _user(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    if header.startswith("Token "):
        return await _released(token_user)(header[6:].strip())
    return await _released(_session_user)(request)


def _snapshot(job_id: object) -> dict[str, Any]:
    job = Job.objects.get(id=job_id)
    epochs = [
        {"epoch": m.epoch, "values": m.values}
        for m in EpochMetric.objects.filter(job_id=job_id).order_by("epoch")
    ]
    return {
        "status": job.status,
        "progress": job.progress,
        "epochs": epochs,
        "error": {"code": job.error_code, "message": job.error_message} if job.error_code else None,
    }


def _status(job_id: object) -> str | None:
    return Job.objects.filter(id=job_id).values_list("status", flat=True).first()


async def _events(job_id: object) -> AsyncIterator[str]:
    async with Subscription(job_id) as subscription:
        snapshot = await _released(_snapshot)(job_id)
        yield sse("snapshot", snapshot)
        if snapshot["status"] in Job.FINAL_STATUSES:
            return
        while True:
            event = await subscription.next_event(timeout=KEEPALIVE_SECONDS)
            if event is None:
                # a missed final event must not leave the stream open forever
                status = await _released(_status)(job_id)
                if status in Job.FINAL_STATUSES:
                    yield sse("status", {"type": "status", "status": status})
                    return
                yield ": keep-alive\n\n"
                continue
            yield sse(event["type"], event)
            if event["type"] == "status" and event["status"] in Job.FINAL_STATUSES:
                return


async def job_events(request: HttpRequest, job_id: str) -> HttpResponse:
    user = await _user(request)
    if user is None:
        return JsonResponse(
            {"code": "not_authenticated", "message": "Log in or send an API token.", "details": {}},
            status=401,
        )
    try:
        job = await _released(job_get)(user=user, job_id=job_id)
    except NotFound as exc:
        return JsonResponse({"code": exc.code, "message": exc.message, "details": {}}, status=404)
    response = StreamingHttpResponse(_events(job.id), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through as they come
    return response
