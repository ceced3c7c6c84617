from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from neuroyard.core.errors import DomainError
from neuroyard.jobs.models import Artifact, EpochMetric, Job


class ArtifactInline(admin.TabularInline):
    model = Artifact
    extra = 0
    fields = ["kind", "name", "size_bytes", "sha256", "created_at"]
    readonly_fields = fields


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "owner",
        "queue",
        "priority",
        "attempt",
        "worker",
        "error_code",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "kind", "queue", "error_code", "cancel_requested"]
    search_fields = ["id", "owner__username", "worker"]
    date_hierarchy = "created_at"
    list_select_related = ["owner"]
    readonly_fields = ["created_at", "started_at", "finished_at", "heartbeat_at", "enqueued_at"]
    inlines = [ArtifactInline]
    actions = ["move_to_front", "cancel_waiting"]

    def _queue_action(self, request: HttpRequest, jobs: QuerySet[Job], action, done: str) -> None:  # noqa: ANN001
        for job in jobs:
            try:
                action(queue=job.queue, job=job)
            except DomainError as exc:
                self.message_user(request, f"{job.id}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{job.id}: {done}", messages.SUCCESS)

    @admin.action(description="Move to the front of its queue")
    def move_to_front(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        from neuroyard.fleet.services import queue_job_to_front

        self._queue_action(request, queryset, queue_job_to_front, "starts next")

    @admin.action(description="Cancel (waiting jobs)")
    def cancel_waiting(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        from neuroyard.fleet.services import queue_job_cancel

        self._queue_action(request, queryset, queue_job_cancel, "cancelled")


@admin.register(EpochMetric)
class EpochMetricAdmin(admin.ModelAdmin):
    list_display = ["job", "epoch", "created_at"]
    search_fields = ["job__id"]
    list_select_related = ["job"]


@admin.register(Artifact)
class ArtifactAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "job", "owner", "size_bytes", "created_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["name", "sha256", "job__id"]
