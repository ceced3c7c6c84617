"""One HTTP connection to a Neuroyard server: token auth, the server's errors as exceptions,
the network's failures as one clear `connection_failed`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from neuroyard_client import __version__
from neuroyard_client.errors import NeuroyardError, error_from_response

API = "/api/v1"


def connection_error(url: str, exc: Exception) -> NeuroyardError:
    return NeuroyardError("connection_failed", f"Cannot reach {url}: {exc}")


class Transport:
    def __init__(self, url: str, token: str | None, *, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        headers = {"User-Agent": f"neuroyard-client/{__version__}"}
        if token:
            headers["Authorization"] = f"Token {token}"
        self.http = httpx.Client(
            base_url=self.url + API, headers=headers, timeout=timeout, follow_redirects=True
        )

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The response (2xx or 3xx), or the server's error raised as NeuroyardError."""
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise connection_error(self.url, exc) from exc
        if response.is_error:
            raise error_from_response(response)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise error_from_response(response) from None

    def pages(self, path: str, *, limit: int | None = None, **params: Any) -> Iterator[Any]:
        """Every row of a paginated list (or a plain JSON list), up to `limit`."""
        url: str | None = path
        query: dict[str, Any] | None = {k: v for k, v in params.items() if v is not None}
        count = 0
        while url:
            page = self.json("GET", url, params=query)
            rows = page["results"] if isinstance(page, dict) else page
            for row in rows:
                if limit is not None and count >= limit:
                    return
                yield row
                count += 1
            url, query = (page.get("next"), None) if isinstance(page, dict) else (None, None)

    @contextmanager
    def stream(self, method: str, path: str, **kwargs: Any) -> Iterator[httpx.Response]:
        try:
            with self.http.stream(method, path, **kwargs) as response:
                if response.is_error:
                    response.read()
                    raise error_from_response(response)
                yield response
        except httpx.TransportError as exc:
            raise connection_error(self.url, exc) from exc

    def poll_accepted(self, method: str, path: str, *, timeout: float, **kwargs: Any) -> Any:
        """Ask again while the server answers 202 (work under way), as `Retry-After` says."""
        deadline = time.monotonic() + timeout
        while True:
            response = self.request(method, path, **kwargs)
            if response.status_code != 202:
                return response
            if time.monotonic() > deadline:
                body = response.json()
                raise NeuroyardError(
                    str(body.get("code", "pending")),
                    f"Still not ready after {timeout:.0f}s: {body.get('message', '')}".strip(),
                )
            time.sleep(float(response.headers.get("Retry-After", "1")))
