from django.urls import path

from neuroyard.fleet import apis

urlpatterns = [
    path("workers/", apis.WorkerListApi.as_view(), name="worker-list"),
    path("workers/<int:worker_id>/", apis.WorkerDetailApi.as_view(), name="worker-detail"),
    path("workers/<int:worker_id>/drain/", apis.WorkerDrainApi.as_view(), name="worker-drain"),
    path("workers/<int:worker_id>/resume/", apis.WorkerResumeApi.as_view(), name="worker-resume"),
    path(
        "workers/<int:worker_id>/shutdown/",
        apis.WorkerShutdownApi.as_view(),
        name="worker-shutdown",
    ),
    path("queues/", apis.QueueListApi.as_view(), name="queue-list"),
    path("queues/<str:queue>/jobs/", apis.QueueJobsApi.as_view(), name="queue-jobs"),
    path(
        "queues/<str:queue>/jobs/<uuid:job_id>/front/",
        apis.QueueJobFrontApi.as_view(),
        name="queue-job-front",
    ),
    path(
        "queues/<str:queue>/jobs/<uuid:job_id>/cancel/",
        apis.QueueJobCancelApi.as_view(),
        name="queue-job-cancel",
    ),
    path(
        "queues/<str:queue>/jobs/<uuid:job_id>/move/",
        apis.QueueJobMoveApi.as_view(),
        name="queue-job-move",
    ),
]
