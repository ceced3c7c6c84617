"""In JSON logs, every line a job produces carries the job's id, from any of its threads."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import threading
from collections.abc import Iterator
from copy import deepcopy

import pytest
from django.conf import settings

from neuroyard.core.logs import logs_name_job

log = logging.getLogger("neuroyard.test")


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    config = deepcopy(settings.LOGGING)
    config["handlers"]["console"]["formatter"] = "json"
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(settings.LOGGING)


def parsed(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def in_thread(target) -> None:  # noqa: ANN001
    thread = threading.Thread(target=target)
    thread.start()
    thread.join()


def test_every_line_of_a_job_carries_its_id_and_other_lines_do_not(json_lines):  # noqa: ANN001
    logs_name_job("0f0e-job")
    log.info("epoch %s done", 1)
    in_thread(lambda: log.warning("from the heartbeat thread"))
    logs_name_job(None)
    log.info("between jobs")

    lines = parsed(json_lines)
    assert [(line["message"], line.get("job_id")) for line in lines] == [
        ("epoch 1 done", "0f0e-job"),
        ("from the heartbeat thread", "0f0e-job"),
        ("between jobs", None),
    ]
    assert {"time", "level", "name", "process"} <= set(lines[0])


def test_jobs_running_side_by_side_on_threads_each_tag_their_own_lines(json_lines):  # noqa: ANN001
    both_named = threading.Barrier(2)

    def job(job_id: str) -> None:
        logs_name_job(job_id)
        both_named.wait()
        log.info("working on %s", job_id)
        both_named.wait()
        logs_name_job(None)

    threads = [threading.Thread(target=job, args=(job_id,)) for job_id in ("job-a", "job-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    in_thread(lambda: log.info("a line of no job"))

    tagged = {line["message"]: line.get("job_id") for line in parsed(json_lines)}
    assert tagged == {
        "working on job-a": "job-a",
        "working on job-b": "job-b",
        "a line of no job": None,
    }
