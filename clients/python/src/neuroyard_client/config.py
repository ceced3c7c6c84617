"""Where the command keeps the server URL and token: explicit values, then the environment
(`NEUROYARD_URL`, `NEUROYARD_TOKEN`), then the config file `neuroyard login` writes (mode 0600)."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"


def config_dir() -> Path:
    """`NEUROYARD_CONFIG_DIR`, else the platform's per-user config folder."""
    if explicit := os.environ.get("NEUROYARD_CONFIG_DIR"):
        return Path(explicit)
    if sys.platform == "win32" and (appdata := os.environ.get("APPDATA")):
        return Path(appdata) / "neuroyard"
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "neuroyard"


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (it may hold a token)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)  # an older file may have been made with other bits
    tmp.replace(path)


@dataclass(frozen=True)
class Config:
    url: str | None = None
    token: str | None = None
    username: str | None = None

    @staticmethod
    def path() -> Path:
        return config_dir() / "config.json"

    @classmethod
    def load(cls) -> Config:
        try:
            values = json.loads(cls.path().read_text())
        except (FileNotFoundError, ValueError):
            return cls()
        return cls(**{k: values.get(k) for k in ("url", "token", "username")})

    def save(self) -> Path:
        write_private(self.path(), json.dumps(asdict(self), indent=2))
        return self.path()


def resolve(url: str | None = None, token: str | None = None) -> tuple[str, str | None]:
    """The URL and token to use: given, else from the environment, else from the config."""
    saved = Config.load()
    url = url or os.environ.get("NEUROYARD_URL") or saved.url or DEFAULT_URL
    token = token or os.environ.get("NEUROYARD_TOKEN") or saved.token
    return url.rstrip("/"), token
