"""Request bodies refused by size, and anonymous ones by who sends them, before Django reads them.

Django's ASGI handler spools a whole body to a temporary file before any view or upload handler
runs, so limits checked there come after the disk was written. This ASGI middleware stands in
front: a body whose Content-Length, or whose streamed byte count, passes the limit for its path
is answered 413 at once; a body past NEUROYARD_ANONYMOUS_MAX_BYTES from a request without a
valid token or session is answered 401. The connection is then closed unread.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from importlib import import_module
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)

_UPLOAD_PATHS = re.compile(r"^/api/v1/(datasets|models)/$")
_PREDICT_PATHS = re.compile(r"^/api/v1/models/[^/]+/predict/$")
# A resumable upload's PATCH: its view appends the body a chunk at a time, stopping at the
# length announced, so a piece may be as big as a whole upload (the clients send 8 MiB).
_RESUMABLE_PATHS = re.compile(r"^/api/v1/datasets/uploads/[^/]+/$")


def body_limit(path: str) -> int:
    """The largest body, in bytes, a request to this path may send."""
    if _UPLOAD_PATHS.match(path):
        from neuroyard.datasets.uploads import MULTIPART_OVERHEAD

        return settings.NEUROYARD_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
    if _RESUMABLE_PATHS.match(path):
        return settings.NEUROYARD_MAX_UPLOAD_BYTES
    if _PREDICT_PATHS.match(path):
        return settings.NEUROYARD_PREDICT_MAX_BYTES
    return settings.NEUROYARD_MAX_REQUEST_BYTES


def _error(code: str, message: str, details: dict[str, Any]) -> bytes:
    return json.dumps({"code": code, "message": message, "details": details}).encode()


def too_large(limit: int, size: int | None) -> tuple[int, bytes]:
    said = f"The request body is {size} bytes" if size is not None else "The request body is"
    if size is None:
        said += " larger than allowed"
    return 413, _error(
        "too_large", f"{said}; this endpoint takes at most {limit} bytes.", {"limit_bytes": limit}
    )


def anonymous(limit: int) -> tuple[int, bytes]:
    return 401, _error(
        "not_authenticated",
        f"Log in (or send `Authorization: Token ...`) to send a body larger than {limit} bytes.",
        {"limit_bytes": limit},
    )


def _credentials_valid(authorization: str, session_key: str) -> bool:
    from django.db import close_old_connections

    try:
        return _credentials_found(authorization, session_key)
    except Exception:  # the database is unreachable: nobody can be recognised
        log.exception("checking the credentials of a large request failed")
        return False
    finally:
        close_old_connections()  # as Django does when a request ends


def _credentials_found(authorization: str, session_key: str) -> bool:
    from django.contrib.auth import SESSION_KEY

    from neuroyard.accounts.tokens import token_user

    if authorization.startswith("Token "):
        return token_user(authorization[6:].strip()) is not None
    if session_key:
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        return store.get(SESSION_KEY) is not None
    return False


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        declared = self._content_length(headers)
        if declared == -1:
            await self._answer(send, 400, _error("malformed_request", "Bad Content-Length.", {}))
            return
        if declared is not None and declared > limit:
            await self._answer(send, *too_large(limit, declared))
            return
        anonymous_limit = settings.NEUROYARD_ANONYMOUS_MAX_BYTES
        authenticated: bool | None = None

        async def allowed(size: int) -> bool:
            nonlocal authenticated
            if size <= anonymous_limit:
                return True
            if authenticated is None:
                authenticated = await sync_to_async(_credentials_valid)(
                    headers.get(b"authorization", b"").decode("latin-1"),
                    self._session_key(headers),
                )
            return authenticated

        if declared is not None and not await allowed(declared):
            await self._answer(send, *anonymous(anonymous_limit))
            return

        refusal: tuple[int, bytes] | None = None
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received, refusal
            if refusal is not None:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refusal = too_large(limit, None)
                elif not await allowed(received):
                    refusal = anonymous(anonymous_limit)
                if refusal is not None:
                    # Django takes a disconnect as the end of the request and answers nothing.
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, tracked_send)
        if refusal is not None and not started:
            await self._answer(send, *refusal)

    @staticmethod
    def _content_length(headers: dict[bytes, bytes]) -> int | None:
        """The declared length; None when there is none (chunked), -1 when it is not a number."""
        value = headers.get(b"content-length")
        if value is None:
            return None
        try:
            length = int(value)
        except ValueError:
            return -1
        return length if length >= 0 else -1

    @staticmethod
    def _session_key(headers: dict[bytes, bytes]) -> str:
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
        except Exception:  # a malformed Cookie header: no session
            return ""
        morsel = cookie.get(settings.SESSION_COOKIE_NAME)
        return morsel.value if morsel else ""

    @staticmethod
    async def _answer(send: Send, status: int, body: bytes) -> None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        if status == 401:
            headers.append((b"www-authenticate", b"Token"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
