import uuid

from django.conf import settings
from django.db import models

from neuroyard.core.models import OwnedModel


class Job(OwnedModel):
    """One unit of work on a worker. The row, not the broker message, is the truth."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"
        # A sweep's trial its searcher stopped early: neither the job's fault (failed) nor the
        # user's decision (cancelled); its metrics stand, it registers no model.
        PRUNED = "pruned"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    FINAL_STATUSES = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED, Status.PRUNED)

    kind = models.CharField(max_length=32, db_index=True)
    # What the owner calls the run; defaults to "<network> on <dataset> #n" (jobs.services).
    name = models.CharField(max_length=200, blank=True)
    queue = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    params = models.JSONField(default=dict)
    dataset = models.ForeignKey(
        "datasets.Dataset", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    spec = models.ForeignKey(
        "specs.ModelSpec", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    model = models.ForeignKey(
        "registry.TrainedModel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    # The spec as it was when the job was submitted, so the job can always be re-run.
    spec_snapshot = models.JSONField(null=True, blank=True)

    attempt = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=3)
    worker = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    # Set with cancel_requested when a sweep's searcher prunes the trial: it then ends as pruned.
    prune_requested = models.BooleanField(default=False)
    sweep = models.ForeignKey(
        "sweeps.Sweep", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    # Queued jobs start by priority, then by age; moving a job to the front of its queue
    # raises it above every other queued job's (neuroyard.fleet.services.queue_job_to_front).
    priority = models.IntegerField(default=0)

    progress = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    # The latest epoch's (or step's) headline metric, for lists sorted by it (job_record_epoch).
    final_metric_name = models.CharField(max_length=64, blank=True)
    final_metric = models.FloatField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta(OwnedModel.Meta):
        indexes = [
            models.Index(fields=["queue", "status", "created_at"]),
            # cursor pages of one owner's jobs, all or by status (neuroyard.core.pagination)
            models.Index(fields=["owner", "-created_at", "-id"], name="job_owner_page"),
            models.Index(
                fields=["owner", "status", "-created_at", "-id"], name="job_owner_status_page"
            ),
            # queue positions: the queued jobs of a queue in start order (jobs.selectors)
            # (with the id, PostgreSQL ranks them from the index alone)
            models.Index(
                fields=["queue", "status", "-priority", "created_at"],
                name="job_queue",
                include=["id"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.status})"


class EpochMetric(models.Model):
    """Metrics of one finished epoch. Unique per job and epoch: a resumed job never repeats one."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="epochs")
    epoch = models.PositiveIntegerField()
    values = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job", "epoch"]
        constraints = [
            models.UniqueConstraint(fields=["job", "epoch"], name="one_metric_row_per_epoch")
        ]

    def __str__(self) -> str:
        return f"epoch {self.epoch} of {self.job_id}"


class Artifact(models.Model):
    class Kind(models.TextChoices):
        MODEL = "model"
        CHECKPOINT = "checkpoint"
        IMAGE = "image"
        PREDICTIONS = "predictions"
        REPORT = "report"
        INPUT = "input"  # a file given with the job (an image to dream on...)
        TENSORBOARD = "tensorboard"  # a train job's event files, zipped (tensorboard.zip)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Null for files that belong to no job, such as an uploaded model.
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.CASCADE, related_name="artifacts"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    name = models.CharField(max_length=255)
    file = models.FileField(upload_to="artifacts/")
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name
