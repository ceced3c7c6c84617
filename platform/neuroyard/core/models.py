"""Fields and bases shared by every Neuroyard model."""

import uuid

from django.conf import settings
from django.db import models


class OwnedModel(models.Model):
    """A row that belongs to one user; every queryset on it is filtered by owner."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
