from typing import Any

from django.db.models import QuerySet

from neuroyard.core.selectors import get_owned, owned_by
from neuroyard.specs.models import ModelSpec


def spec_list(*, user: Any) -> QuerySet[ModelSpec]:
    return owned_by(ModelSpec.objects.all(), user)


def spec_get(*, user: Any, spec_id: object) -> ModelSpec:
    return get_owned(ModelSpec.objects.all(), user, spec_id, what="Spec")
