"""The `visualize` job: grids of the model's kernels, activations and preferred inputs."""

from __future__ import annotations

import tempfile
from pathlib import Path

from neuroyard_worker.engine.visualize import VisualizeRequest, visualize
from neuroyard_worker.runners.images import (
    engine_options,
    optional_input_picture,
    store_png,
)
from neuroyard_worker.runtime.job_run import JobRun
from neuroyard_worker.runtime.outcome import RunOutcome


def run_visualize(run: JobRun) -> RunOutcome:
    picture = optional_input_picture(run, "image")
    request = VisualizeRequest(
        model_path=run.model_path(),
        image=picture.pixels if picture is not None else None,
        **engine_options(run.params(), VisualizeRequest),
    )
    result = visualize(request, on_step=run.report_progress, stop_requested=run.stop_requested)
    if result.cancelled:
        return RunOutcome(cancelled=True)
    grids = []
    with tempfile.TemporaryDirectory(prefix="neuroyard-visualize-") as tmp:
        for grid in result.grids:
            name = f"{grid.name}-{grid.layer}.png"
            grids.append(
                {
                    "name": grid.name,
                    "layer": grid.layer,
                    "tiles": grid.tiles,
                    "columns": grid.columns,
                    "image": store_png(run, grid.pixels, name=name, folder=Path(tmp)),
                }
            )
    return RunOutcome(result={"grids": grids, "feature_objective": list(result.feature_objective)})
