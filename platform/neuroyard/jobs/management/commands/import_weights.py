"""Install pretrained weights files (VGG19, InceptionV3, ...) for the image jobs, checked first.

Workers download the weights they miss the first time a job needs them; where they cannot
(NEUROYARD_WEIGHTS_DOWNLOAD=0, no internet), an administrator installs them ahead of time:
`manage.py import_weights --download vgg19 inception_v3` on a host with internet (then copy the
folder), or `manage.py import_weights vgg19 FILE` with Keras' file from elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from neuroyard.core.storage import CHUNK, sha256_of
from neuroyard_core.errors import CodedError
from neuroyard_core.pretrained import WEIGHTS_FILES  # pure Python: no TensorFlow
from neuroyard_core.pretrained_download import WeightsSource, pretrained_weights

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Install Keras weights files into NEUROYARD_WEIGHTS_DIR under the names Keras gives them: "
        "downloaded from Keras' published URLs (--download NAME...), or copied from a FILE. "
        "A file must match the digest Keras publishes for it, or the --sha256 given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("network", nargs="?", choices=sorted(WEIGHTS_FILES))
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--sha256", help="the file's expected SHA-256 (hex)")
        parser.add_argument(
            "--download",
            nargs="+",
            choices=sorted(WEIGHTS_FILES),
            metavar="NAME",
            help=f"download these networks' weights ({', '.join(sorted(WEIGHTS_FILES))})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["download"]:
            if options["network"] or options["file"]:
                raise CommandError("give either --download NAME... or NETWORK FILE, not both")
            for network in options["download"]:
                self._download(network)
            return
        if not options["network"] or not options["file"]:
            raise CommandError("give NETWORK FILE, or --download NAME...")
        self._install(options["network"], options["file"], options["sha256"])

    def _download(self, network: str) -> None:
        source = WeightsSource(
            weights_dir=Path(settings.NEUROYARD_WEIGHTS_DIR),
            base_url=settings.NEUROYARD_WEIGHTS_BASE_URL,
            timeout=settings.NEUROYARD_WEIGHTS_TIMEOUT_SECONDS,
        )
        bar = _ProgressBar(self.stdout, WEIGHTS_FILES[network].filename)
        try:
            path = pretrained_weights(network, source=source, on_download=bar)
        except CodedError as error:
            bar.end()
            raise CommandError(error.message) from None
        bar.end()
        self.stdout.write(f"{network}: {path} ({path.stat().st_size} bytes, digest checked)")

    def _install(self, network: str, source: Path, wanted: str | None) -> None:
        expected = WEIGHTS_FILES[network]
        if not source.is_file():
            raise CommandError(f"{source} is not a file")
        folder = Path(settings.NEUROYARD_WEIGHTS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        md5 = hashlib.md5(usedforsecurity=False)
        fd, partial = tempfile.mkstemp(dir=folder, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
                sha256, size = sha256_of(_copied(handle, out, md5))
            if wanted is not None and sha256 != wanted.strip().lower():
                raise CommandError(f"{source.name}: SHA-256 is {sha256}, not {wanted}")
            if wanted is None and expected.md5 is not None and md5.hexdigest() != expected.md5:
                raise CommandError(
                    f"{source.name} is not Keras' {expected.filename} (MD5 {md5.hexdigest()}, "
                    f"Keras publishes {expected.md5}); give --sha256 to install another file"
                )
            target = folder / expected.filename
            os.replace(partial, target)  # atomic: a worker never reads half a file
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        self.stdout.write(f"Installed {target} ({size} bytes, SHA-256 {sha256})")


class _ProgressBar:
    """`name  [#####.....]  40%  35.2 of 80.1 MB` redrawn in place, at most 10 times a second."""

    def __init__(self, out: Any, name: str) -> None:
        self.out, self.name, self.drawn_at, self.drawn = out, name, 0.0, False

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if done != total and now - self.drawn_at < 0.1:
            return
        self.drawn_at, self.drawn = now, True
        megabytes = f"{done / 1e6:.1f}" + (f" of {total / 1e6:.1f} MB" if total else " MB")
        if total:
            filled = BAR_WIDTH * done // total
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {100 * done // total:3d}%"
        else:
            bar = ""
        self.out.write(f"\r{self.name}  {bar}  {megabytes}", ending="")
        self.out.flush()

    def end(self) -> None:
        if self.drawn:
            self.out.write("")


def _copied(source: IO[bytes], out: IO[bytes], md5: Any) -> Iterator[bytes]:
    for chunk in iter(lambda: source.read(CHUNK), b""):
        md5.update(chunk)
        out.write(chunk)
        yield chunk
