# syntax=docker/dockerfile:1
# The worker image: Celery workers with TensorFlow. EXTRA=gpu (the default) brings TensorFlow
# with its CUDA libraries, for hosts with the NVIDIA driver and container toolkit; EXTRA=worker
# is CPU-only. Build from the repository root:
#   docker build -f deploy/docker/worker.Dockerfile -t neuroyard-worker .
#   docker build -f deploy/docker/worker.Dockerfile --build-arg EXTRA=worker -t neuroyard-worker:cpu .

FROM python:3.11-slim
ARG EXTRA=gpu
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    CUDA_DEVICE_ORDER=PCI_BUS_ID \
    NEUROYARD_VAR_DIR=/var/lib/neuroyard \
    NEUROYARD_WORKER_CACHE=/var/cache/neuroyard \
    NEUROYARD_WORKER_HEALTH_FILE=/tmp/neuroyard-worker-alive
RUN useradd --create-home --uid 1000 neuroyard \
    && mkdir -p /var/lib/neuroyard /var/cache/neuroyard \
    && chown neuroyard /var/lib/neuroyard /var/cache/neuroyard
WORKDIR /app
COPY pyproject.toml README.md ./
COPY platform/ platform/
COPY workers/ workers/
RUN pip install ".[${EXTRA}]"
COPY manage.py ./
USER neuroyard
# Alive while the worker's heartbeat thread touches the file (every few seconds).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
    CMD ["sh", "-c", "test -n \"$(find /tmp/neuroyard-worker-alive -mmin -1 2>/dev/null)\""]
CMD ["python", "-m", "neuroyard.launch", "gpu-worker"]
