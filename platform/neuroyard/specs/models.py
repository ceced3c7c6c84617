from django.db import models

from neuroyard.core.models import OwnedModel


class ModelSpec(OwnedModel):
    """A network described in the spec language (see neuroyard_core.spec)."""

    name = models.CharField(max_length=200)
    spec = models.JSONField()
    # Per-layer output shapes and parameter counts, computed when the spec was saved.
    summary = models.JSONField(default=dict)

    class Meta(OwnedModel.Meta):
        # cursor pages of one owner's rows (neuroyard.core.pagination)
        indexes = [models.Index(fields=["owner", "-created_at", "-id"], name="spec_owner_page")]

    def __str__(self) -> str:
        return self.name
