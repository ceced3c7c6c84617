"""Reads TensorBoard event files back the way TensorBoard does (its EventAccumulator and the
HParams plugin's own parsers), for tests of what train jobs write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.protobuf.json_format import MessageToDict
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import metadata
from tensorboard.util import tensor_util


@dataclass(frozen=True)
class TensorBoardRun:
    scalars: dict[str, list[tuple[int, float]]]  # tag -> (step, value) in the order written
    hparams: dict[str, Any]  # the session's hyperparameters
    group: str  # the HParams trial id
    metrics: list[str]  # the metrics the HParams table shows


def read_run(folder: Path) -> TensorBoardRun:
    """The one run whose event files lie directly in `folder`."""
    assert list(folder.glob("events.out.tfevents.*")), f"no event file in {folder}"
    events = EventAccumulator(str(folder), size_guidance={"tensors": 0})
    events.Reload()
    scalars = {
        tag: [(event.step, float(tensor_util.make_ndarray(event.tensor_proto))) for event in
              events.Tensors(tag)]
        for tag in events.Tags()["tensors"]
        if not tag.startswith("_hparams_/")
    }  # fmt: skip
    contents = events.PluginTagToContent(metadata.PLUGIN_NAME)
    start = metadata.parse_session_start_info_plugin_data(contents[metadata.SESSION_START_INFO_TAG])
    experiment = metadata.parse_experiment_plugin_data(contents[metadata.EXPERIMENT_TAG])
    return TensorBoardRun(
        scalars=scalars,
        hparams={name: MessageToDict(value) for name, value in start.hparams.items()},
        group=start.group_name,
        metrics=[info.name.tag for info in experiment.metric_infos],
    )
