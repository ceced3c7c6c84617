"""Django's ASGI handler with its middleware chain run as one synchronous step per request.

Django's own ASGI handler runs the middleware chain in async mode. Every middleware built on
MiddlewareMixin (sessions, CSRF, auth, messages, ...) then moves its process_request and
process_response to a worker thread and back, and one sync-only middleware (WhiteNoise) in the
chain switches back to sync in the middle: about sixteen thread switches for one request to a
sync view, which cost more than a small view itself (issue 13's profile: a job's detail spent
most of its time in asgiref's executors). Here the chain is loaded in sync mode, as under WSGI,
and the whole of it runs in the request's thread in one switch. Async views (the event streams,
synchronous predict) still run on the event loop: the sync chain calls them through
async_to_sync, and their streamed bodies are sent by the handler as before.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # thread-sensitive: the request's own thread (Django's ThreadSensitiveContext per
        # request), the one that later closes its database connection when the response ends
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
