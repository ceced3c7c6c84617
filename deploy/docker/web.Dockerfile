# syntax=docker/dockerfile:1
# The web image: Django + DRF under uvicorn, the admin and the built web UI. No TensorFlow:
# the project is installed without its `worker` extra. Build from the repository root:
#   docker build -f deploy/docker/web.Dockerfile -t neuroyard-web .

FROM node:22-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim AS web
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NEUROYARD_VAR_DIR=/var/lib/neuroyard \
    NEUROYARD_FRONTEND_DIST=/app/frontend/dist
RUN useradd --create-home --uid 1000 neuroyard \
    && mkdir -p /var/lib/neuroyard && chown neuroyard /var/lib/neuroyard
WORKDIR /app
COPY pyproject.toml README.md ./
COPY platform/ platform/
COPY workers/ workers/
RUN pip install .
COPY manage.py ./
COPY --from=frontend /src/frontend/dist frontend/dist
# Static files are collected into the image; the key only lets settings load for this step.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0 \
    && chown -R neuroyard /var/lib/neuroyard
USER neuroyard
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["python", "-m", "neuroyard.launch", "web", "--host", "0.0.0.0", "--port", "8000"]
