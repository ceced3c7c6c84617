from typing import Any

from django.db.models import QuerySet

from neuroyard.core.selectors import get_owned, owned_by
from neuroyard.registry.models import TrainedModel


def model_list(*, user: Any) -> QuerySet[TrainedModel]:
    return owned_by(TrainedModel.objects.select_related("artifact"), user)


def model_get(*, user: Any, model_id: object) -> TrainedModel:
    return get_owned(TrainedModel.objects.select_related("artifact"), user, model_id, what="Model")
