"""Install a pretrained weights file (VGG19, InceptionV3) for the image jobs, checked first.

Workers never download weights: an administrator copies Keras' file in once, e.g.
`manage.py import_weights vgg19 ~/Downloads/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from neuroyard.core.storage import CHUNK, sha256_of
from neuroyard_core.pretrained import WEIGHTS_FILES  # pure Python: no TensorFlow


class Command(BaseCommand):
    help = (
        "Copy a Keras weights file into NEUROYARD_WEIGHTS_DIR under the name Keras gives it. "
        "The file must match the digest Keras publishes for it, or the --sha256 given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("network", choices=sorted(WEIGHTS_FILES))
        parser.add_argument("file", type=Path)
        parser.add_argument("--sha256", help="the file's expected SHA-256 (hex)")

    def handle(self, *args: Any, **options: Any) -> None:
        expected = WEIGHTS_FILES[options["network"]]
        source: Path = options["file"]
        if not source.is_file():
            raise CommandError(f"{source} is not a file")
        folder = Path(settings.NEUROYARD_WEIGHTS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        md5 = hashlib.md5(usedforsecurity=False)
        fd, partial = tempfile.mkstemp(dir=folder, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
                sha256, size = sha256_of(_copied(handle, out, md5))
            wanted = options["sha256"]
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


def _copied(source: IO[bytes], out: IO[bytes], md5: Any) -> Iterator[bytes]:
    for chunk in iter(lambda: source.read(CHUNK), b""):
        md5.update(chunk)
        out.write(chunk)
        yield chunk
