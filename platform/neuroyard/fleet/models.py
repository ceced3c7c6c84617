from django.db import models


class Worker(models.Model):
    """One Celery worker process, as it last reported itself. Rows are keyed by the Celery
    hostname (`gpu0@host`), so a restarted worker takes its row back."""

    class State(models.TextChoices):
        IDLE = "idle"
        BUSY = "busy"
        DRAINING = "draining"  # finishes its current job, takes no more
        OFFLINE = "offline"

    name = models.CharField(max_length=200, unique=True)
    host = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    queues = models.JSONField(default=list)
    # [{"type": "gpu", "index", "name", "uuid", "memory_total_bytes", "memory_used_bytes",
    #   "utilization_percent"}] or [{"type": "cpu", "name": "CPU only", ...}]
    devices = models.JSONField(default=list)
    state = models.CharField(max_length=16, choices=State.choices, default=State.IDLE)
    current_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Counted since started_at: jobs this process ran to the end, and jobs that failed on it.
    jobs_done = models.PositiveIntegerField(default=0)
    jobs_failed = models.PositiveIntegerField(default=0)
    version = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    last_heartbeat = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
