"""`python -m neuroyard.launch KIND [options]`: start one Neuroyard process, for containers
and service managers. The commands are the ones `make run` and the tests use
(neuroyard.core.processes); this only picks one and replaces itself with it.

    python -m neuroyard.launch web --host 0.0.0.0 --port 8000   # NEUROYARD_WEB_WORKERS processes
    python -m neuroyard.launch gpu-worker --name gpu0        # one per GPU
    python -m neuroyard.launch inference-worker
    python -m neuroyard.launch cpu-worker                    # the reconciler's queue: control
    python -m neuroyard.launch scheduler                     # exactly one in the whole fleet
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from neuroyard.core.processes import (
    beat_command,
    cpu_worker_command,
    gpu_worker_command,
    inference_worker_command,
    web_command,
)

KINDS = ["web", "gpu-worker", "inference-worker", "cpu-worker", "scheduler"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m neuroyard.launch")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--host", default="0.0.0.0", help="web: address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="web: port to listen on")
    parser.add_argument(
        "--workers",
        type=int,
        help="web: processes (default NEUROYARD_WEB_WORKERS, or one per core)",
    )
    parser.add_argument("--name", help="workers: the Celery node name, before @host")
    parser.add_argument("--queues", help="workers: comma-separated queues to take jobs from")
    parser.add_argument("--schedule", help="scheduler: where beat keeps its state")
    return parser


def command_for(argv: list[str]) -> list[str]:
    args = _parser().parse_args(argv)
    if args.kind == "web":
        return web_command(host=args.host, port=args.port, workers=args.workers)
    if args.kind == "gpu-worker":
        return gpu_worker_command(name=args.name or "gpu", queues=args.queues or "gpu")
    if args.kind == "inference-worker":
        return inference_worker_command(
            name=args.name or "inference", queues=args.queues or "inference"
        )
    if args.kind == "cpu-worker":
        return cpu_worker_command(name=args.name or "cpu", queues=args.queues or "control,cpu")
    schedule = args.schedule or str(_var_dir() / "celerybeat-schedule")
    return beat_command(schedule=schedule)


def _var_dir() -> Path:
    path = Path(os.environ.get("NEUROYARD_VAR_DIR", "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def main() -> None:
    command = command_for(sys.argv[1:])
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
