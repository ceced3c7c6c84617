"""A local stand-in for Keras' weights host: Python's http.server in a thread, serving files by
path the way storage.googleapis.com does (Content-Length, byte ranges), or misbehaving on purpose
(slow, stalling, 404) so the real download code runs in tests without the internet."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from neuroyard_core.pretrained import WeightsFile


@dataclass
class Served:
    body: bytes
    chunk: int = 64 * 1024
    delay: float = 0.0  # seconds between chunks: a slow server
    # Go quiet (connection open, nothing sent) after this many bytes, on the first request only.
    stall_after: int | None = None
    stall_seconds: float = 0.0


@dataclass
class WeightsServer:
    url: str
    files: dict[str, Served] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Range header)

    def serve(self, file: WeightsFile, served: Served) -> None:
        self.files[f"/keras-applications/{file.folder}/{file.filename}"] = served


@contextmanager
def weights_server() -> Iterator[WeightsServer]:
    state = WeightsServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            range_header = self.headers.get("Range")
            state.requests.append((self.path, range_header))
            served = state.files.get(self.path)
            if served is None:
                self.send_error(404, "Not Found")
                return
            start = int(range_header.split("=")[1].split("-")[0]) if range_header else 0
            body = served.body[start:]
            self.send_response(206 if range_header else 200)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            stall_after = served.stall_after if len(state.requests) == 1 else None
            for offset in range(0, len(body), served.chunk):
                if stall_after is not None and offset >= stall_after:
                    time.sleep(served.stall_seconds)
                    return
                self.wfile.write(body[offset : offset + served.chunk])
                self.wfile.flush()
                time.sleep(served.delay)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_port}/keras-applications"
    thread = threading.Thread(target=server.serve_forever, name="weights-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
