from django.contrib import admin

from neuroyard.datasets.models import Dataset


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "owner",
        "format",
        "task",
        "status",
        "public",
        "size_bytes",
        "created_at",
    ]
    list_filter = ["status", "format", "task", "public"]
    search_fields = ["name", "sha256", "owner__username", "example_key"]
    list_select_related = ["owner"]
    readonly_fields = [
        "sha256",
        "data_sha256",
        "size_bytes",
        "options",
        "stats",
        "preview",
        "error_code",
        "error",
        "example_key",
        "created_at",
    ]
