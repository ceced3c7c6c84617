"""The Celery app shared by the web process (which only sends) and the workers.

Task modules are listed in ``include`` and imported by worker processes alone, so sending a
job from the web process never imports TensorFlow.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuroyard.config.settings")

app = Celery("neuroyard", include=["neuroyard_worker.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
