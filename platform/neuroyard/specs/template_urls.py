from django.urls import path

from neuroyard.specs import apis

urlpatterns = [
    path("", apis.TemplateListApi.as_view(), name="template-list"),
    path("<slug:key>/", apis.TemplateDetailApi.as_view(), name="template-detail"),
]
