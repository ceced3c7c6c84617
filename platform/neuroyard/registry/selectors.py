from typing import Any

from django.db.models import QuerySet

from neuroyard.core.selectors import get_owned, owned_by
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
