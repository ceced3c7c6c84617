"""Bodies are refused by size, and anonymous ones by who sends them, before the web process
writes them anywhere: a real uvicorn process, 300 MiB offered, under 1 MiB written."""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from tests.stack import WebServer

pytestmark = pytest.mark.django_db(transaction=True)

MiB = 1024 * 1024
OFFERED = 300 * MiB


@pytest.fixture(scope="module")
def server(
    django_db_setup,  # noqa: ANN001
    django_db_blocker,  # noqa: ANN001
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[WebServer]:
    folder = tmp_path_factory.mktemp("web")
    (folder / "tmp").mkdir()
    with django_db_blocker.unblock():
        web = WebServer(log_path=folder / "web.log", extra_env={"TMPDIR": str(folder / "tmp")})
    yield web
    web.stop()


def bytes_written(pid: int) -> int:
    """Every byte the process passed to write() (files, pipes, sockets): wchar in /proc."""
    fields = dict(line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines())
    return int(fields["wchar"])


def offer(
    server: WebServer, path: str, *, chunked: bool = False, headers: dict[str, str] | None = None
) -> tuple[int, dict]:
    """POST up to 300 MiB to path, as a client that keeps sending until the server stops it;
    returns the status and JSON body the server answered."""
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {OFFERED}")
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        piece = b"x" * (64 * 1024)
        sent = 0
        answered = False
        try:
            while sent < OFFERED:
                if select.select([sock], [], [], 0.05)[0]:
                    answered = True  # the server has answered: it must not take the rest
                    break
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
        except OSError:
            answered = True  # the server closed the connection: its answer is waiting
        assert answered, "the server took the whole body"
        assert sent < 8 * MiB, f"the client could send {sent} bytes before the answer"
        return _read_response(sock)


def _read_response(sock: socket.socket) -> tuple[int, dict]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(
            line.split(b":")[1]
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
    )
    while len(body) < length:
        body += sock.recv(65536)
    return int(head.split(b" ")[1]), json.loads(body[:length])


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/healthz", 413, "too_large"),
        ("/api/v1/no-such-endpoint/", 413, "too_large"),
        ("/api/v1/datasets/", 401, "not_authenticated"),
        ("/api/v1/models/", 401, "not_authenticated"),
    ],
)
def test_an_anonymous_300_mib_body_is_refused_before_it_is_written(
    server: WebServer, path: str, status: int, code: str, chunked: bool
) -> None:
    before = bytes_written(server.process.pid)

    answer_status, body = offer(server, path, chunked=chunked)

    written = bytes_written(server.process.pid) - before
    assert written < MiB, f"the web process wrote {written} bytes"
    if chunked and status == 413:
        # a chunked body shows its size only as it streams: past the anonymous cap first
        status, code = 401, "not_authenticated"
    assert (answer_status, body["code"]) == (status, code), body
    assert set(body) == {"code", "message", "details"}
    assert not any(Path(server.log_path.parent / "tmp").iterdir())


def test_a_made_up_token_does_not_open_the_upload(server: WebServer) -> None:
    before = bytes_written(server.process.pid)

    status, body = offer(
        server, "/api/v1/datasets/", headers={"Authorization": "Token not-a-real-token"}
    )

    assert (status, body["code"]) == (401, "not_authenticated")
    assert bytes_written(server.process.pid) - before < MiB


def test_a_logged_in_upload_over_the_limit_is_refused_before_it_is_written(
    server: WebServer,
    user,  # noqa: ANN001
) -> None:
    token = Token.objects.create(user=user).key
    before = bytes_written(server.process.pid)

    status, body = offer(
        server,
        "/api/v1/models/00000000-0000-0000-0000-000000000000/predict/",
        headers={"Authorization": f"Token {token}"},
    )

    assert (status, body["code"]) == (413, "too_large")
    assert body["details"]["limit_bytes"] == 16 * MiB
    assert bytes_written(server.process.pid) - before < MiB


def test_a_json_body_over_the_limit_is_413_before_it_is_read(server: WebServer, user) -> None:  # noqa: ANN001
    token = Token.objects.create(user=user).key
    before = bytes_written(server.process.pid)

    status, body = offer(
        server,
        "/api/v1/specs/",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )

    assert (status, body["code"]) == (413, "too_large")
    assert body["details"]["limit_bytes"] == 2 * MiB
    assert bytes_written(server.process.pid) - before < MiB


def test_the_measure_sees_a_body_that_is_read(server: WebServer, user) -> None:  # noqa: ANN001
    """The control: an accepted 4 MiB upload does show up in the bytes written."""
    import requests

    token = Token.objects.create(user=user).key
    before = bytes_written(server.process.pid)

    response = requests.post(
        f"{server.url}/api/v1/datasets/",
        headers={"Authorization": f"Token {token}"},
        files={"file": ("junk.bin", b"\0" * (4 * MiB))},
        timeout=60,
    )

    assert response.status_code == 400  # not a dataset, but it was read
    assert bytes_written(server.process.pid) - before > 4 * MiB


def test_a_resumable_uploads_piece_may_be_as_big_as_an_upload(settings) -> None:  # noqa: ANN001
    from neuroyard.core.body_limits import body_limit

    piece = "/api/v1/datasets/uploads/8b0361fb-9b89-43c6-99df-01e460f84945/"
    assert body_limit(piece) == settings.NEUROYARD_MAX_UPLOAD_BYTES
    assert body_limit("/api/v1/datasets/uploads/") == settings.NEUROYARD_MAX_REQUEST_BYTES
