from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q, QuerySet

from neuroyard.core.errors import NotFound
from neuroyard.datasets.models import Dataset


def dataset_list(*, user: Any) -> QuerySet[Dataset]:
    """The user's own datasets and the built-in examples every user shares (staff: all)."""
    datasets = Dataset.objects.all()
    return datasets if user.is_staff else datasets.filter(Q(owner=user) | Q(public=True))


def dataset_get(*, user: Any, dataset_id: object) -> Dataset:
    """The dataset, or NotFound: someone else's answers exactly like a missing one."""
    try:
        return dataset_list(user=user).get(pk=dataset_id)
    except (ObjectDoesNotExist, ValidationError, ValueError):
        raise NotFound("Dataset") from None
