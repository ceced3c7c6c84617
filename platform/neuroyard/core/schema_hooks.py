"""OpenAPI for what drf-spectacular cannot see: the job's event stream is a plain async Django
view (DRF does not stream), so its path is added to the schema here."""

from __future__ import annotations

from typing import Any

EVENT_STREAM_PATHS: dict[str, Any] = {
    "/api/v1/jobs/{job_id}/events/": {
        "get": {
            "operationId": "v1_jobs_events_retrieve",
            "tags": ["v1"],
            "description": "Server-sent events: a `snapshot` (the job and its recorded epochs), "
            "then each `epoch`, `step` and `status` as it happens, and a comment line every 15 s "
            "to keep the connection open. Browsers send the session cookie; scripts "
            "`Authorization: Token ...`.",
            "parameters": [
                {
                    "in": "path",
                    "name": "job_id",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                }
            ],
            "responses": {
                "200": {
                    "description": "An event stream.",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                "401": {"description": "Not authenticated."},
                "404": {"description": "No such job of yours."},
            },
        }
    }
}


def add_event_streams(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    paths = {**result.get("paths", {}), **EVENT_STREAM_PATHS}
    result["paths"] = dict(sorted(paths.items()))
    return result
