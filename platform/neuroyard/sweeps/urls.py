from django.urls import path

from neuroyard.sweeps import apis

urlpatterns = [
    path("", apis.SweepListCreateApi.as_view(), name="sweep-list"),
    path("<uuid:sweep_id>/", apis.SweepDetailApi.as_view(), name="sweep-detail"),
    path("<uuid:sweep_id>/cancel/", apis.SweepCancelApi.as_view(), name="sweep-cancel"),
    path(
        "<uuid:sweep_id>/tensorboard/",
        apis.SweepTensorBoardApi.as_view(),
        name="sweep-tensorboard",
    ),
]
