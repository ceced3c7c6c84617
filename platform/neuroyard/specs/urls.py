from django.urls import path

from neuroyard.specs import apis

urlpatterns = [
    path("", apis.SpecListCreateApi.as_view(), name="spec-list"),
    path("validate/", apis.SpecValidateApi.as_view(), name="spec-validate"),
    path("<uuid:spec_id>/", apis.SpecDetailApi.as_view(), name="spec-detail"),
]
