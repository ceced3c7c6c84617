"""The whole platform of its own that the tests which kill parts of it use (`stack`): one per
test module, with the reconciler and heartbeats made fast so that recovery takes seconds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stack import Stack

FAST_RECOVERY = {
    "NEUROYARD_RECONCILE_SECONDS": "1",
    "NEUROYARD_STALE_AFTER_SECONDS": "4",
    "NEUROYARD_LOST_MESSAGE_AFTER_SECONDS": "2",
    "NEUROYARD_HEARTBEAT_SECONDS": "1",
    "NEUROYARD_JOB_MEMORY_LIMIT_MB": "600",
}


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Stack]:  # noqa: ANN001
    with django_db_blocker.unblock():
        platform = Stack(tmp_path_factory.mktemp("stack"), env=FAST_RECOVERY)
    yield platform
    platform.stop()
