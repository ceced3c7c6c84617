from functools import cache
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from neuroyard.core.selectors import (
    get_owned,
    get_owned_raw,
    loaded,
    owned_by,
    sql_columns,
    sql_pk,
    sql_table,
)
from neuroyard.jobs.models import Artifact
from neuroyard.registry.models import TrainedModel


def model_list(*, user: Any, search: str = "", owner: str = "all") -> QuerySet[TrainedModel]:
    """`search`: part of the name; `owner` "me" narrows a staff member's list to their own."""
    models = owned_by(TrainedModel.objects.select_related("artifact", "owner"), user)
    if owner == "me":
        models = models.filter(owner=user)
    if search:
        models = models.filter(name__icontains=search)
    return models


def model_get(*, user: Any, model_id: object) -> TrainedModel:
    return get_owned(TrainedModel.objects.select_related("artifact"), user, model_id, what="Model")


def model_for_prediction(*, user: Any, model_id: object) -> TrainedModel:
    """One of the user's models (anyone's for staff) with its artifact's file, or NotFound.
    Asked at every synchronous prediction, so its query is written out once rather than
    compiled by the ORM at each (as jobs.selectors.job_get; compiling it was most of the
    lookup). The network's description (spec, layers, diagram, metrics: large for a large
    network) is left deferred, and of the artifact only what the worker needs is loaded."""
    model = get_owned_raw(
        TrainedModel,
        _model_for_prediction_sql(),
        user,
        model_id,
        what="Model",
        without=_DESCRIBED,
        extra=("artifact_file", "artifact_sha256"),
    )
    values = {"id": model.artifact_id, "file": model.artifact_file, "sha256": model.artifact_sha256}
    model.artifact = loaded(Artifact, values)
    return model


_DESCRIBED = ("spec", "layers", "diagram", "metrics")


@cache
def _model_for_prediction_sql() -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT {sql_columns(TrainedModel, 't', without=_DESCRIBED)},"
        f" a.{quote('file')} AS artifact_file, a.{quote('sha256')} AS artifact_sha256"
        f" FROM {sql_table(TrainedModel)} t"
        f" INNER JOIN {sql_table(Artifact)} a ON a.{sql_pk(Artifact)} = t.{quote('artifact_id')}"
        f" WHERE t.{sql_pk(TrainedModel)} = %s"
    )
