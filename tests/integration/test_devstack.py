"""`make run` in a terminal, stopped with Ctrl-C: every process it started stops on SIGTERM in
its own time (none is killed with SIGKILL) and `make` ends with status 0, not 130."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

from neuroyard.core.redis_server import free_port
from tests.stack import REPO, shared_database_url, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PROCESSES = ("web", "gpu-worker", "cpu-worker", "inference-worker", "scheduler")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Terminal:
    """A pseudo-terminal running `command` as its session's foreground, as a shell runs it;
    everything the processes print is kept in `output`."""

    def __init__(self, command: list[str], *, env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            command, cwd=REPO, env=env, stdin=slave, stdout=slave, stderr=slave,
            preexec_fn=self._take_terminal,
        )  # fmt: skip
        os.close(slave)
        self.output = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @staticmethod
    def _take_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the terminal closed: everyone left
                return
            if not data:
                return
            self.output += ANSI.sub("", data.decode(errors="replace"))

    def ctrl_c(self) -> None:
        os.write(self.master, b"\x03")

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._reader.join(timeout=5)
        os.close(self.master)


def ready_lines(output: str) -> bool:
    ready_workers = set(re.findall(r"(\S+-worker)\s*\|.*@\S+ ready\.", output))
    return (
        "Application startup complete" in output
        and ready_workers == {"gpu-worker", "cpu-worker", "inference-worker"}
        and "beat: Starting..." in output
    )


def test_ctrl_c_on_make_run_stops_everything_cleanly(tmp_path: Path) -> None:
    makefile = tmp_path / "Makefile"
    makefile.write_text(f"run:\n\t{sys.executable} -m neuroyard.devstack\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    } | {
        "DATABASE_URL": shared_database_url(),
        "NEUROYARD_VAR_DIR": str(tmp_path / "var"),
        "NEUROYARD_PORT": str(free_port()),
        "NEUROYARD_WEB_WORKERS": "1",
        "TERM": "dumb",
    }
    terminal = Terminal(["make", "-f", str(makefile), "run"], env=env)
    try:
        try:
            wait_for(lambda: ready_lines(terminal.output) or terminal.process.poll() is not None,
                     timeout=180, every=0.2)  # fmt: skip
        except AssertionError:
            raise AssertionError(f"not ready:\n{terminal.output[-5000:]}") from None
        assert terminal.process.poll() is None, terminal.output[-5000:]

        terminal.ctrl_c()
        status = terminal.process.wait(timeout=90)
    finally:
        terminal.close()

    output = terminal.output
    assert status == 0, output[-5000:]
    assert "Error 130" not in output and "Interrupt" not in output
    assert "SIGKILL" not in output, output[-5000:]
    stopped = dict(re.findall(r"\|\s*(\S+) stopped \(rc=(-?\d+)\)", output))
    assert set(stopped) == set(PROCESSES), output[-5000:]
    # The workers and the scheduler end with status 0 after their warm shutdown. uvicorn shuts
    # down cleanly, then raises the SIGTERM it caught again so that its status tells why it ended.
    assert {name: rc for name, rc in stopped.items() if name != "web"} == dict.fromkeys(
        ("gpu-worker", "cpu-worker", "inference-worker", "scheduler"), "0"
    ), output[-5000:]
    assert output.count("worker: Warm shutdown (MainProcess)") == 3
    assert stopped["web"] in ("0", "-15") and "Finished server process" in output
