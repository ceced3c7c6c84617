"""Python API for a Neuroyard server: `from neuroyard_client import Neuroyard`."""

__version__ = "0.1.0"

from neuroyard_client.client import Neuroyard  # noqa: E402
from neuroyard_client.datasets import Dataset  # noqa: E402
from neuroyard_client.errors import (  # noqa: E402
    DatasetInvalid,
    JobCancelled,
    JobFailed,
    NeuroyardError,
)
from neuroyard_client.jobs import Job, JobKind  # noqa: E402
from neuroyard_client.models import TrainedModel  # noqa: E402
from neuroyard_client.specs import Spec, Template  # noqa: E402
from neuroyard_client.sweeps import Sweep  # noqa: E402

__all__ = [
    "Dataset",
    "DatasetInvalid",
    "Job",
    "JobCancelled",
    "JobFailed",
    "JobKind",
    "Neuroyard",
    "NeuroyardError",
    "Spec",
    "Sweep",
    "Template",
    "TrainedModel",
]
