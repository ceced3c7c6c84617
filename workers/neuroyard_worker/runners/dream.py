"""The `deepdream` job: dream on the uploaded image, store the result and a frame per octave."""

from __future__ import annotations

import tempfile
from pathlib import Path

from neuroyard_worker.engine.dream import DreamRequest, dream
from neuroyard_worker.runners.images import (
    engine_options,
    input_picture,
    network_name,
    network_source,
    store_png,
)
from neuroyard_worker.runtime.job_run import JobRun
from neuroyard_worker.runtime.outcome import RunOutcome


def run_dream(run: JobRun) -> RunOutcome:
    picture = input_picture(run, "image")
    request = DreamRequest(
        image=picture.pixels,
        network=network_source(run, "inception_v3"),
        **engine_options(run.params(), DreamRequest),
    )
    result = dream(request, on_step=run.report_progress, stop_requested=run.stop_requested)
    summary = {
        "network": network_name(run, "inception_v3"),
        "weights": result.weights,
        "layers": list(result.layers),
        "steps_completed": len(result.objective),
        "objective": {"first": result.objective[0], "last": result.objective[-1]}
        if result.objective
        else {},
    }
    if result.cancelled:
        return RunOutcome(cancelled=True, result=summary)
    with tempfile.TemporaryDirectory(prefix="neuroyard-dream-") as tmp:
        frames = [
            store_png(run, frame, name=f"octave-{octave}.png", folder=Path(tmp), like=picture)
            for octave, frame in enumerate(result.frames, start=1)
        ]
        image = store_png(run, result.image, name="dream.png", folder=Path(tmp), like=picture)
    return RunOutcome(result=summary | {"image": image, "frames": frames})
