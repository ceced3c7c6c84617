import uuid

from django.db import models

from neuroyard.core.models import OwnedModel


class TrainedModel(OwnedModel):
    """A network users can download, run and train further: one per successful train job, or
    a `.keras` file someone uploaded."""

    class Source(models.TextChoices):
        TRAINED = "trained"
        UPLOADED = "uploaded"

    class Status(models.TextChoices):
        CHECKING = "checking"  # uploaded; a worker is loading it in the sandbox
        READY = "ready"
        INVALID = "invalid"  # the check refused it; its file is gone, the reason stays

    name = models.CharField(max_length=200)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.TRAINED)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.READY)
    # Why an uploaded model was refused: a stable code and a sentence for a person.
    error_code = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    # When the check of an upload was last sent; one still checking far longer is sent again.
    check_sent_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="trained_models"
    )
    # Which epoch of its train job this is (None: a GAN's or an upload), and why it was kept:
    # the job's last epoch, its best by the monitored metric, or both.
    epoch = models.PositiveIntegerField(null=True, blank=True)
    is_last = models.BooleanField(default=True)
    is_best = models.BooleanField(default=False)
    monitor = models.CharField(max_length=100, blank=True)  # val_loss, val_accuracy, loss...
    monitor_value = models.FloatField(null=True, blank=True)
    artifact = models.ForeignKey("jobs.Artifact", on_delete=models.PROTECT, related_name="+")
    spec = models.JSONField(null=True, blank=True)
    task = models.CharField(max_length=16, blank=True)
    input_shape = models.JSONField(default=list)
    class_names = models.JSONField(default=list)
    metrics = models.JSONField(default=dict)
    param_count = models.BigIntegerField(default=0)
    # How raw inputs become what the network takes, as ingestion recorded it for the training
    # data (kind, scale, image size and colour mode, text vocabulary); {}: inputs go in as given.
    preprocessing = models.JSONField(default=dict, blank=True)
    output_shape = models.JSONField(default=list)
    # The Keras model's layers (name, type, output shape, params, trainable), nested models'
    # included, as the worker that trained or checked it saw them (engine.describe).
    layers = models.JSONField(default=list)
    # For a small dense network, every neuron's weights and bias; else {"unavailable": why}.
    diagram = models.JSONField(default=dict)

    class Meta(OwnedModel.Meta):
        # cursor pages of one owner's rows (neuroyard.core.pagination)
        indexes = [models.Index(fields=["owner", "-created_at", "-id"], name="model_owner_page")]
        constraints = [
            # a job keeps one model per epoch (a redelivered job updates it)
            models.UniqueConstraint(fields=["job", "epoch"], name="one_model_per_job_epoch"),
        ]

    def __str__(self) -> str:
        return self.name


class ModelExport(models.Model):
    """A trained model converted by a worker to another format; made on first download."""

    class Format(models.TextChoices):
        SAVEDMODEL = "savedmodel", "TensorFlow SavedModel (zip)"
        TFLITE = "tflite", "TensorFlow Lite"

    class Status(models.TextChoices):
        PENDING = "pending"  # queued or converting
        READY = "ready"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=16, choices=Format.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    artifact = models.ForeignKey(
        "jobs.Artifact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "format"], name="one_export_per_format")
        ]

    def __str__(self) -> str:
        return f"{self.model_id} as {self.format} ({self.status})"
