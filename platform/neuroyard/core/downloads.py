"""File downloads that stream in chunks and resume: `Range: bytes=...` answers 206 with those bytes.

Under ASGI the body is an async iterator (each read in a worker thread), so the server sends a
chunk before the next is read; a sync iterator there would make Django read the whole file
into memory first. Under WSGI (and Django's test client) it is a plain iterator.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from typing import IO, Any

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK_BYTES = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """The (first, last) byte a `Range` header asks for; None for the whole file (no header, or
    one this server does not serve, such as several ranges); False when it cannot be met."""
    match = _RANGE.match((header or "").strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # bytes=-N: the last N bytes
        if int(last) == 0:
            return False
        return max(size - int(last), 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return False
    return start, end


def _read(file: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    try:
        file.seek(start)
        while length > 0:
            chunk = file.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        file.close()


async def _aread(file: IO[bytes], start: int, length: int) -> AsyncIterator[bytes]:
    try:
        await asyncio.to_thread(file.seek, start)
        while length > 0:
            chunk = await asyncio.to_thread(file.read, min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        await asyncio.to_thread(file.close)


def file_download(
    request: HttpRequest | Any,
    file: IO[bytes],
    *,
    size: int,
    filename: str,
    content_type: str,
    etag: str,
) -> HttpResponse | StreamingHttpResponse:
    """`file` (opened, closed when the body is done) as an attachment, whole or the range asked
    for. `If-Range` with another ETag gets the whole file: the one resumed has changed."""
    quoted_etag = f'"{etag}"'
    wanted = byte_range(request.headers.get("Range"), size)
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range != quoted_etag:
        wanted = None
    if wanted is False:
        file.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    start, end = wanted if isinstance(wanted, tuple) else (0, size - 1)
    length = end - start + 1 if size else 0
    django_request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    body = (
        _aread(file, start, length)
        if isinstance(django_request, ASGIRequest)
        else _read(file, start, length)
    )
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = quoted_etag
    if isinstance(wanted, tuple):
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    if disposition:
        response["Content-Disposition"] = disposition
    return response
