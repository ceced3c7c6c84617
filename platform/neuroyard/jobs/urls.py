from django.urls import path

from neuroyard.jobs import apis, streams

urlpatterns = [
    path("job-kinds/", apis.JobKindListApi.as_view(), name="job-kind-list"),
    path("jobs/", apis.JobListCreateApi.as_view(), name="job-list"),
    path("jobs/<uuid:job_id>/", apis.JobDetailApi.as_view(), name="job-detail"),
    path("jobs/<uuid:job_id>/cancel/", apis.JobCancelApi.as_view(), name="job-cancel"),
    path("jobs/<uuid:job_id>/events/", streams.job_events, name="job-events"),
    path("jobs/<uuid:job_id>/metrics/", apis.JobMetricsApi.as_view(), name="job-metrics"),
    path("jobs/<uuid:job_id>/artifacts/", apis.JobArtifactsApi.as_view(), name="job-artifacts"),
    path(
        "artifacts/<uuid:artifact_id>/download/",
        apis.ArtifactDownloadApi.as_view(),
        name="artifact-download",
    ),
]
