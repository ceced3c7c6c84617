from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from neuroyard.core.errors import DomainError
from neuroyard.fleet.models import Worker
from neuroyard.fleet.services import worker_drain, worker_resume, worker_shutdown


def _control(modeladmin: admin.ModelAdmin, request: HttpRequest, workers, action, done: str):  # noqa: ANN001, ANN201
    for worker in workers:
        try:
            action(worker=worker)
        except DomainError as exc:
            modeladmin.message_user(request, f"{worker.name}: {exc.message}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{worker.name}: {done}", messages.SUCCESS)


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "state",
        "current_job",
        "queue_list",
        "device_list",
        "jobs_done",
        "jobs_failed",
        "heartbeat_age",
        "version",
        "started_at",
    ]
    list_filter = ["state", "host", "version"]
    search_fields = ["name", "host"]
    actions = ["drain", "resume", "shutdown"]
    # Workers write their own rows; admins act on them through the actions.
    readonly_fields = [f.name for f in Worker._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="queues")
    def queue_list(self, worker: Worker) -> str:
        return ", ".join(worker.queues)

    @admin.display(description="devices")
    def device_list(self, worker: Worker) -> str:
        return "; ".join(_device_text(device) for device in worker.devices)

    @admin.display(description="heartbeat", ordering="last_heartbeat")
    def heartbeat_age(self, worker: Worker) -> str:
        return f"{(timezone.now() - worker.last_heartbeat).total_seconds():.0f} s ago"

    @admin.action(description="Drain: finish the current job, take no more")
    def drain(self, request: HttpRequest, queryset: QuerySet[Worker]) -> None:
        _control(self, request, queryset, worker_drain, "draining")

    @admin.action(description="Resume taking jobs")
    def resume(self, request: HttpRequest, queryset: QuerySet[Worker]) -> None:
        _control(self, request, queryset, worker_resume, "taking jobs again")

    @admin.action(description="Shut down after the current job")
    def shutdown(self, request: HttpRequest, queryset: QuerySet[Worker]) -> None:
        _control(self, request, queryset, worker_shutdown, "shutting down")


def _device_text(device: dict) -> str:
    if device.get("type") != "gpu":
        return str(device.get("name", "CPU only"))
    text = str(device.get("name", "GPU"))
    total, used = device.get("memory_total_bytes"), device.get("memory_used_bytes")
    if total:
        text += f" {(used or 0) / 2**30:.1f}/{total / 2**30:.0f} GiB"
    if device.get("utilization_percent") is not None:
        text += f" {device['utilization_percent']}%"
    return text
