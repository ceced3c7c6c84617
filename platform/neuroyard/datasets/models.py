from django.db import models

from neuroyard.core.models import OwnedModel


class Dataset(OwnedModel):
    class Format(models.TextChoices):
        NPZ = "npz", "NumPy NPZ"
        CSV = "csv", "CSV table"
        IMAGE_FOLDER = "image_folder", "Image folders (ZIP)"
        TEXT_CSV = "text_csv", "Text CSV"

    class Status(models.TextChoices):
        PROCESSING = "processing"
        READY = "ready"
        INVALID = "invalid"

    class Task(models.TextChoices):
        CLASSIFICATION = "classification"
        REGRESSION = "regression"

    name = models.CharField(max_length=200)
    format = models.CharField(max_length=16, choices=Format.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROCESSING)
    task = models.CharField(max_length=16, choices=Task.choices, blank=True)  # known once ready
    # Why an invalid dataset was refused: a stable code and a sentence for a person.
    error_code = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    # What the uploader declared: label column, task, image size, colour mode, split fractions...
    options = models.JSONField(default=dict, blank=True)
    # The upload as it came (deleted once converted or refused), and the canonical form training
    # streams: `data` names manifest.json, whose shards lie beside it.
    source = models.FileField(upload_to="datasets/source/", blank=True)
    data = models.FileField(upload_to="datasets/data/", blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    data_sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.BigIntegerField()
    # Samples, input shape, dtype, value range, classes, split sizes and preprocessing.
    stats = models.JSONField(default=dict, blank=True)
    # First rows (tables, text) or thumbnails (images), made once at ingestion.
    preview = models.JSONField(default=dict, blank=True)
    # When the ingestion task was last sent; a dataset processing far longer is sent again.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # Built-in examples: readable by every user, deletable by none but staff.
    public = models.BooleanField(default=False, db_index=True)
    example_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta(OwnedModel.Meta):
        indexes = [
            models.Index(fields=["owner", "sha256"]),
            models.Index(fields=["owner", "-created_at", "-id"], name="dataset_owner_page"),
        ]

    def __str__(self) -> str:
        return self.name
