"""The registry: a site's module may register a kind before anything asks for the kinds, and the
built-in kinds are still all there."""

from __future__ import annotations

import subprocess
import sys

REGISTER_FIRST = """
from pydantic import BaseModel
from neuroyard_core.jobs import JobKind, job_kinds, register

class NoParams(BaseModel):
    pass

register(JobKind(name="early", title="Early", description="", queue="q", params=NoParams,
                 runner="m:f"))
print(sorted(job_kinds()))
"""


def test_a_kind_registered_before_the_first_lookup_keeps_the_built_in_ones() -> None:
    done = subprocess.run(
        [sys.executable, "-c", REGISTER_FIRST], capture_output=True, text=True, check=True
    )

    kinds = eval(done.stdout)  # noqa: S307 - our own subprocess printed a list of names
    assert "early" in kinds
    assert {"train", "predict", "deepdream", "style_transfer", "gan"} <= set(kinds)
