from django.contrib import admin

from neuroyard.registry.models import TrainedModel


@admin.register(TrainedModel)
class TrainedModelAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "task", "param_count", "created_at"]
    list_filter = ["task", "created_at"]
    search_fields = ["name", "owner__username"]
    list_select_related = ["owner"]
