"""A sweep's TensorBoard runs in one zip: each trial's event files (the `tensorboard.zip` its
train job stored) under `trial-NNN/`, so `tensorboard --logdir` on the unzipped folder shows every
trial's curves side by side, and their hyperparameters against the metric in HParams."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import PurePosixPath
from typing import IO

from neuroyard.core.errors import Conflict
from neuroyard.core.storage import sha256_of_file
from neuroyard.jobs.models import Artifact
from neuroyard.sweeps.models import Sweep
from neuroyard_core.sweeps import trial_run_name

# Event files are a few kilobytes a trial: past this the zip spills from memory to disk.
_IN_MEMORY_BYTES = 8 * 1024 * 1024
# Fixed times in the zip: the same trials' files give the same bytes (and the same ETag).
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def sweep_tensorboard_zip(*, sweep: Sweep) -> tuple[IO[bytes], int, str]:
    """The zip (opened, at its start), its size and its SHA-256; Conflict no_tensorboard while
    no trial has stored its event files yet."""
    boards = (
        Artifact.objects.filter(job__sweep_trial__sweep=sweep, kind=Artifact.Kind.TENSORBOARD)
        .select_related("job__sweep_trial")
        .order_by("job__sweep_trial__number", "-created_at")
    )
    latest: dict[int, Artifact] = {}
    for artifact in boards:  # a trial's newest, should an attempt have stored two
        latest.setdefault(artifact.job.sweep_trial.number, artifact)
    if not latest:
        raise Conflict(
            "no_tensorboard",
            "No trial of this sweep has TensorBoard files yet: a trial stores them when it ends.",
        )
    out = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY_BYTES)  # noqa: SIM115 -- returned
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, artifact in latest.items():
            with artifact.file.open("rb") as stored, zipfile.ZipFile(stored) as trial_zip:
                for member in trial_zip.infolist():
                    if member.is_dir():
                        continue
                    name = f"{trial_run_name(number)}/{PurePosixPath(member.filename).name}"
                    entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(entry, trial_zip.read(member))
    digest, size = sha256_of_file(out)
    return out, size, digest
