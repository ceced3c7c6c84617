"""The `style_transfer` job: repaint the content image in the style image's manner."""

from __future__ import annotations

import tempfile
from pathlib import Path

from neuroyard_worker.engine.style import StyleRequest, style_transfer
from neuroyard_worker.runners.images import (
    engine_options,
    input_picture,
    network_name,
    network_source,
    store_png,
)
from neuroyard_worker.runtime.job_run import JobRun
from neuroyard_worker.runtime.outcome import RunOutcome


def run_style(run: JobRun) -> RunOutcome:
    content = input_picture(run, "content")
    request = StyleRequest(
        content=content.pixels,
        style=input_picture(run, "style").pixels,
        network=network_source(run, "vgg19"),
        **engine_options(run.params(), StyleRequest),
    )
    result = style_transfer(request, on_step=run.report_progress, stop_requested=run.stop_requested)
    summary = {
        "network": network_name(run, "vgg19"),
        "weights": result.weights,
        "content_layers": list(result.content_layers),
        "style_layers": list(result.style_layers),
        "steps_completed": len(result.losses),
        "loss": {"first": result.losses[0], "last": result.losses[-1]} if result.losses else {},
    }
    if result.cancelled:
        return RunOutcome(cancelled=True, result=summary)
    with tempfile.TemporaryDirectory(prefix="neuroyard-style-") as tmp:
        frames = [
            store_png(run, frame, name=f"step-{step:05d}.png", folder=Path(tmp), like=content)
            for step, frame in result.frames
        ]
        image = store_png(run, result.image, name="styled.png", folder=Path(tmp), like=content)
    height, width = result.image.shape[:2]
    return RunOutcome(result=summary | {"image": image, "frames": frames, "size": [height, width]})
