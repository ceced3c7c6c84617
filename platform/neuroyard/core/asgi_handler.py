"""Django's ASGI handler, serving a request to a sync view in one step on a thread it keeps.

Django's own handler runs the middleware chain in async mode, and every request in a thread of
its own (ThreadSensitiveContext makes one per request). For a sync view that means a new
thread, and a switch to it and back for the request_started signal, for each MiddlewareMixin
middleware (sessions, CSRF, auth, messages, ...), for the view, and for closing the response:
more than a small view itself costs (issue 13's profile of a job's detail: most of its time in
asgiref's executors and thread starts).

Here the chain is loaded in sync mode, as under WSGI. A request to a sync view (the whole API
but two endpoints) is served by one of the process's NEUROYARD_WEB_THREADS threads in one
step: request_started, the chain and the view, and the response's close (request_finished,
which gives its database connection back to the pool) before it is sent. Like a WSGI server's
threads, they bound how many requests a process works on at once; the database pool has as
many connections (NEUROYARD_DB_POOL_SIZE), so that none waits for one. A streamed response
(downloads) is sent from the event loop afterwards, and stopped when the client goes.

Requests to views that wait long (neuroyard.core.waiting: synchronous predict, and async
views such as a job's event stream) are served the same way, by another set of threads that
grows as needed (up to WAITING_THREADS) and keeps its idle ones, so that they never hold one
of the few. An async view is called on the event loop by the chain, and its sync parts come
back to the request's thread. Django's own way made a new thread for each (a tenth of a
prediction's web CPU went to starting threads).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.urls import Resolver404, ResolverMatch, get_resolver, set_script_prefix

from neuroyard.core.processes import web_threads
from neuroyard.core.waiting import db_connections_release, view_waits

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


_MATCH = "neuroyard.resolver_match"  # the scope's key for the URL's match
WAITING_THREADS = 512  # requests to waiting views a process serves at once; more queue


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self, *, threads: int | None = None) -> None:
        super().__init__()
        self._threads = ThreadPoolExecutor(threads or web_threads(), thread_name_prefix="web")
        self._waiting_threads = ThreadPoolExecutor(WAITING_THREADS, thread_name_prefix="web-wait")

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        threads = self._waiting_threads if _waits(scope) else self._threads
        try:
            body = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            response = await sync_to_async(self._respond, thread_sensitive=False, executor=threads)(
                scope, body
            )
            if response.streaming:
                await self._stream(response, receive, send)
            else:
                await self.send_response(response, send)
        finally:
            body.close()

    def _respond(self, scope: Scope, body: Any) -> HttpResponseBase:
        """All of a request, in one of the threads; its database connection goes back to the
        pool before the response is sent (a response that is not streamed comes back closed)."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if response.streaming:
            db_connections_release()  # the body is sent later, from the event loop
        else:
            response.close()
        return response

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        """The match _waits found for the request's path (resolving a URL twice was 4% of a
        job's detail), unless a middleware gave the request a URLconf of its own."""
        match = request.scope.get(_MATCH)  # type: ignore[attr-defined]
        if match is None or hasattr(request, "urlconf"):
            return super().resolve_request(request)
        request.resolver_match = match
        return match  # type: ignore[no-any-return]

    async def _stream(self, response: HttpResponseBase, receive: Receive, send: Send) -> None:
        """Send a streamed body as Django does: stopped when the client disconnects."""
        async with ThreadSensitiveContext():  # a sync iterator is read in a thread of its own
            tasks = [
                asyncio.create_task(self.listen_for_disconnect(receive)),
                asyncio.create_task(self.send_response(response, send)),
            ]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, RequestAborted):
                    await task
            await sync_to_async(response.close)()


def _waits(scope: Scope) -> bool:
    """Whether the request's view waits long; its URL's match is kept in the scope for
    resolve_request."""
    script_name = get_script_prefix(scope)
    path = scope["path"].removeprefix(script_name) if script_name else scope["path"]
    try:
        match = scope[_MATCH] = get_resolver().resolve(path)
    except Resolver404:
        return False
    return view_waits(match.func)
