from django.urls import path

from neuroyard.core.waiting import waiting_view
from neuroyard.registry import apis, predict

urlpatterns = [
    path("", apis.TrainedModelListApi.as_view(), name="model-list"),
    path("<uuid:model_id>/", apis.TrainedModelDetailApi.as_view(), name="model-detail"),
    path(
        "<uuid:model_id>/download/", apis.TrainedModelDownloadApi.as_view(), name="model-download"
    ),
    path(
        "<uuid:model_id>/predict/", waiting_view(predict.PredictApi.as_view()), name="model-predict"
    ),
    path(
        "<uuid:model_id>/predictions/<uuid:request_id>/",
        predict.PredictionPollApi.as_view(),
        name="model-prediction",
    ),
    path("<uuid:model_id>/weights/", apis.TrainedModelWeightsApi.as_view(), name="model-weights"),
]
