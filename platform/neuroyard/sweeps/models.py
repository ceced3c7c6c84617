"""A sweep (a hyperparameter search over train jobs), its trials, and the journal of its Optuna
study. The rows are the truth: a sweep carries on from them after any process dies."""

from django.db import models

from neuroyard.core.models import OwnedModel


class Sweep(OwnedModel):
    class Status(models.TextChoices):
        RUNNING = "running"
        SUCCEEDED = "succeeded"  # the budget is spent and a best trial is marked
        FAILED = "failed"  # no trial completed
        CANCELLED = "cancelled"

    FINAL_STATUSES = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    name = models.CharField(max_length=200)
    dataset = models.ForeignKey(
        "datasets.Dataset", null=True, on_delete=models.SET_NULL, related_name="sweeps"
    )
    spec = models.ForeignKey(
        "specs.ModelSpec", null=True, on_delete=models.SET_NULL, related_name="sweeps"
    )
    # The trials' starting point: the spec and train params as submitted, before a trial's values.
    spec_snapshot = models.JSONField()
    params = models.JSONField(default=dict)
    # neuroyard_core.sweeps.SweepSettings: space, searcher, metric, direction, budget...
    settings = models.JSONField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    cancel_requested = models.BooleanField(default=False)
    best_trial = models.ForeignKey(
        "sweeps.SweepTrial", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    best_model = models.ForeignKey(
        "registry.TrainedModel", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # One controller at a time (a lease taken with a conditional UPDATE); a caller that finds
    # it taken leaves `advance_pending` so the holder looks again before letting go.
    advancing_until = models.DateTimeField(null=True, blank=True)
    advance_pending = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"sweep {self.name} ({self.status})"


class SweepTrial(models.Model):
    """One Optuna trial, run as exactly one train job."""

    class State(models.TextChoices):
        RUNNING = "running"  # its job is queued or running, or ended and not yet told to Optuna
        COMPLETE = "complete"
        PRUNED = "pruned"
        FAILED = "failed"  # the job failed or was cancelled

    sweep = models.ForeignKey(Sweep, on_delete=models.CASCADE, related_name="trials")
    number = models.PositiveIntegerField()
    optuna_trial_id = models.PositiveIntegerField()
    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="sweep_trial")
    values = models.JSONField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    value = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sweep", "number"]
        constraints = [
            models.UniqueConstraint(fields=["sweep", "number"], name="one_job_per_trial_number")
        ]

    def __str__(self) -> str:
        return f"trial {self.number} of {self.sweep_id}"


class SweepJournalEntry(models.Model):
    """One operation of the sweep's Optuna study (Optuna's journal format), numbered densely
    from 0 per sweep; see neuroyard_worker.sweeps.journal."""

    sweep = models.ForeignKey(Sweep, on_delete=models.CASCADE, related_name="journal")
    seq = models.PositiveIntegerField()
    entry = models.JSONField()

    class Meta:
        ordering = ["sweep", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["sweep", "seq"], name="one_journal_entry_per_seq")
        ]

    def __str__(self) -> str:
        return f"journal entry {self.seq} of {self.sweep_id}"
