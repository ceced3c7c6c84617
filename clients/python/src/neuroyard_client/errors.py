"""The client's errors: the server's `{code, message, details}` answers, and the network's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from neuroyard_client.jobs import Job


class NeuroyardError(Exception):
    """A request the server refused, or that did not reach it. `code` is the server's stable
    error code (or the client's own: `connection_failed`, `not_neuroyard`, ...)."""

    def __init__(
        self, code: str, message: str, *, status: int | None = None, details: Any = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.details = details if details is not None else {}


class DatasetInvalid(NeuroyardError):
    """Ingestion refused the dataset; `code` and `message` say why."""


class JobFailed(NeuroyardError):
    """A followed job ended failed (or cancelled: `JobCancelled`)."""

    def __init__(self, job: Job) -> None:
        error = job.error or {}
        code = error.get("code") or job.status
        message = error.get("message") or f"The job ended {job.status}."
        super().__init__(code, f"Job {job.id} {job.status}: {message}")
        self.job = job


class JobCancelled(JobFailed):
    pass


def error_from_response(response: httpx.Response) -> NeuroyardError:
    """The server's error body as an exception; anything else says what answered."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and "code" in body and "message" in body:
        return NeuroyardError(
            str(body["code"]),
            str(body["message"]),
            status=response.status_code,
            details=body.get("details"),
        )
    return NeuroyardError(
        "not_neuroyard",
        f"{response.request.url} answered HTTP {response.status_code} "
        f"{response.reason_phrase} without a Neuroyard error body; is the URL a Neuroyard server?",
        status=response.status_code,
    )
