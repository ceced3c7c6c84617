"""The job kinds: the registry, each kind's parameters, and the checks a submission passes."""

from neuroyard_core.jobs.facts import DatasetFacts, JobRequest, MemoryAvailable, ModelFacts
from neuroyard_core.jobs.registry import (
    RUN_JOB_TASK,
    InputFile,
    JobKind,
    job_kind_get,
    job_kinds,
    register,
)

__all__ = [
    "RUN_JOB_TASK",
    "DatasetFacts",
    "InputFile",
    "JobKind",
    "JobRequest",
    "MemoryAvailable",
    "ModelFacts",
    "job_kind_get",
    "job_kinds",
    "register",
]
