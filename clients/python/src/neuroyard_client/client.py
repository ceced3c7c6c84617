"""`Neuroyard`: the entry point of the Python API."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any, TextIO

from neuroyard_client.config import resolve
from neuroyard_client.datasets import Datasets
from neuroyard_client.errors import NeuroyardError
from neuroyard_client.jobs import Jobs
from neuroyard_client.models import Models
from neuroyard_client.specs import Specs, Templates
from neuroyard_client.sweeps import Sweeps
from neuroyard_client.transport import Transport


class Neuroyard:
    """A connection to a Neuroyard server.

    `url` and `token` default to `NEUROYARD_URL` / `NEUROYARD_TOKEN`, then to what
    `neuroyard login` saved. `progress=False` turns the progress bars and epoch lines off;
    `lines` is where epoch lines go (stdout by default; the command sends them to stderr under
    `--json`, so stdout holds only JSON).
    """

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        *,
        timeout: float = 60.0,
        progress: bool = True,
        lines: TextIO | None = None,
    ) -> None:
        self.url, token = resolve(url, token)
        self.transport = Transport(self.url, token, timeout=timeout)
        self.progress = progress
        self.lines = lines
        self.datasets = Datasets(self)
        self.specs = Specs(self)
        self.templates = Templates(self)
        self.jobs = Jobs(self)
        self.models = Models(self)
        self.sweeps = Sweeps(self)

    @classmethod
    def token_for(cls, url: str, username: str, password: str) -> str:
        """Trade a username and password for the user's API token."""
        transport = Transport(url, None)
        try:
            body = {"username": username, "password": password}
            return str(transport.json("POST", "/auth/token/", json=body)["token"])
        finally:
            transport.close()

    def whoami(self) -> dict[str, Any]:
        return dict(self.transport.json("GET", "/auth/me/"))

    def workers(self) -> list[dict[str, Any]]:
        """The fleet (staff only)."""
        return list(self.transport.pages("/workers/"))

    def download(
        self,
        url: str,
        target: Path,
        *,
        params: dict[str, Any] | None = None,
        timeout: float = 600,
    ) -> Path:
        """Stream a file to `target` (through a temporary file; checked against the server's
        sha256 when it sends one). Waits while the server answers 202 (being converted)."""
        deadline = time.monotonic() + timeout
        partial = target.with_name(target.name + ".part")
        while True:
            with self.transport.stream("GET", url, params=params) as response:
                if response.status_code == 202:
                    response.read()
                    if time.monotonic() > deadline:
                        raise NeuroyardError("timeout", f"{url} was not ready in {timeout:.0f}s.")
                    time.sleep(float(response.headers.get("Retry-After", "1")))
                    continue
                digest = hashlib.sha256()
                target.parent.mkdir(parents=True, exist_ok=True)
                with partial.open("wb") as handle:
                    for chunk in response.iter_bytes(1024 * 1024):
                        digest.update(chunk)
                        handle.write(chunk)
                expected = response.headers.get("X-Checksum-SHA256")
                break
        if expected and expected != digest.hexdigest():
            partial.unlink(missing_ok=True)
            raise NeuroyardError("checksum_mismatch", f"{target.name} arrived damaged; try again.")
        os.replace(partial, target)
        return target

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> Neuroyard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Neuroyard {self.url}>"
