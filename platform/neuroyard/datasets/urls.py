from django.urls import path

from neuroyard.datasets import apis

urlpatterns = [
    path("", apis.DatasetListCreateApi.as_view(), name="dataset-list"),
    path("uploads/", apis.DatasetUploadCreateApi.as_view(), name="dataset-uploads"),
    path("uploads/<uuid:upload_id>/", apis.DatasetUploadApi.as_view(), name="dataset-upload"),
    path("<uuid:dataset_id>/", apis.DatasetDetailApi.as_view(), name="dataset-detail"),
    path("<uuid:dataset_id>/preview/", apis.DatasetPreviewApi.as_view(), name="dataset-preview"),
    path(
        "<uuid:dataset_id>/thumbnails/<int:index>.png",
        apis.DatasetThumbnailApi.as_view(),
        name="dataset-thumbnail",
    ),
]
