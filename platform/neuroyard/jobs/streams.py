"""Server-sent events for one job: a snapshot, then each epoch and status change as it happens.

An async view (served by the ASGI server without holding a thread per viewer). EventSource in
browsers sends the session cookie; scripts may send `Authorization: Token ...`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse

from neuroyard.accounts.tokens import token_user
from neuroyard.core.errors import NotFound
from neuroyard.jobs.events import Subscription
from neuroyard.jobs.models import EpochMetric, Job
from neuroyard.jobs.selectors import job_get

KEEPALIVE_SECONDS = 15.0


def sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n"


async def _user(request: HttpRequest) -> Any:
    header = request.headers.get("Authorization", "")
    if header.startswith("Token "):
        return await sync_to_async(token_user)(header[6:].strip())
    user = await request.auser()
    return user if user.is_authenticated else None


async def _snapshot(job_id: object) -> dict[str, Any]:
    job = await Job.objects.aget(id=job_id)
    epochs = [
        {"epoch": m.epoch, "values": m.values}
        async for m in EpochMetric.objects.filter(job_id=job_id).order_by("epoch")
    ]
    return {
        "status": job.status,
        "progress": job.progress,
        "epochs": epochs,
        "error": {"code": job.error_code, "message": job.error_message} if job.error_code else None,
    }


async def _events(job_id: object) -> AsyncIterator[str]:
    async with Subscription(job_id) as subscription:
        snapshot = await _snapshot(job_id)
        yield sse("snapshot", snapshot)
        if snapshot["status"] in Job.FINAL_STATUSES:
            return
        while True:
            event = await subscription.next_event(timeout=KEEPALIVE_SECONDS)
            if event is None:
                # a missed final event must not leave the stream open forever
                status = (
                    await Job.objects.filter(id=job_id).values_list("status", flat=True).afirst()
                )
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
        job = await sync_to_async(job_get)(user=user, job_id=job_id)
    except NotFound as exc:
        return JsonResponse({"code": exc.code, "message": exc.message, "details": {}}, status=404)
    response = StreamingHttpResponse(_events(job.id), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through as they come
    return response
