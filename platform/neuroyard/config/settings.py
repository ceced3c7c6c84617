"""Django settings, read from the environment in one place.

Local defaults need nothing set: SQLite and media under ``var/``, a generated secret key kept in
``var/``. With ``NEUROYARD_ENV=production`` every secret must come from the environment.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from neuroyard.config.env import env_bool, env_int, env_list
from neuroyard.core.processes import web_threads
from neuroyard_core.machine import default_job_memory_limit_mb
from neuroyard_core.pretrained import KERAS_BASE_URL

REPO_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("NEUROYARD_VAR_DIR", REPO_DIR / "var")).resolve()
PRODUCTION = os.environ.get("NEUROYARD_ENV", "local") == "production"


def _local_secret_key() -> str:
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = os.environ["SECRET_KEY"]  # no default: a missing key must stop the start
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()

# Off unless asked for: a debug page shows settings and tracebacks to whoever reaches the server.
DEBUG = env_bool("DJANGO_DEBUG", default=False)
# Locally: the names of the address `make run` serves on (NEUROYARD_HOST), never any Host.
_LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", os.environ.get("NEUROYARD_HOST", "127.0.0.1")]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=[] if PRODUCTION else sorted(set(_LOCAL_HOSTS)))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "neuroyard.accounts",
    "neuroyard.datasets",
    "neuroyard.specs",
    "neuroyard.jobs",
    "neuroyard.registry",
    "neuroyard.fleet",
    "neuroyard.sweeps",
]

MIDDLEWARE = [
    "neuroyard.core.metrics.RequestLatencyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # last: turns a login refused for too many failures into 429 (neuroyard.accounts.lockout)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "neuroyard.config.urls"
WSGI_APPLICATION = "neuroyard.config.wsgi.application"
ASGI_APPLICATION = "neuroyard.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
_sqlite_path = VAR_DIR / "neuroyard.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{_sqlite_path}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, workers and tests share the file: WAL lets readers run beside the one writer, and
    # IMMEDIATE transactions make writers queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-neuroyard.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run five times on one connection is
    # prepared there, so PostgreSQL parses and plans it once per connection rather than at every
    # request (issue 13: a job's detail cost it 1.1 ms of CPU with the statements sent as text,
    # 0.4 ms prepared). Connections are pooled or persistent, so a prepared statement is reused.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
    if env_bool("NEUROYARD_DB_POOL", default=False):
        # The ASGI web process (neuroyard.config.asgi turns this on) runs each sync view in a
        # fresh thread, and Django keeps a connection per thread: persistent connections would
        # pile up until PostgreSQL refuses new clients. A pool per process shares a fixed few
        # instead. Every web process holds at most NEUROYARD_DB_POOL_SIZE; see the README for
        # the sum against max_connections. Celery workers (one thread, forked children) keep
        # persistent connections.
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool decides how long one lives
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": env_int("NEUROYARD_DB_POOL_SIZE", 0) or web_threads(),
            # a request waits this long for a free connection, then fails (500), not hangs
            "timeout": env_int("NEUROYARD_DB_POOL_TIMEOUT_SECONDS", 10),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- storage --------------------------------------------------------------------------------
MEDIA_ROOT = Path(os.environ.get("NEUROYARD_MEDIA_ROOT", VAR_DIR / "media")).resolve()
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# An S3-compatible object store (AWS S3, MinIO, Ceph...) for uploads and artifacts, shared by
# the web process and every worker host; the AWS_* names are the ones boto3 users know.
NEUROYARD_STORAGE = os.environ.get("NEUROYARD_STORAGE", "local")
if NEUROYARD_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # unset: boto3's own chain (instance roles, ~/.aws)
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
elif NEUROYARD_STORAGE != "local":
    raise ValueError(f"NEUROYARD_STORAGE must be 'local' or 's3', not {NEUROYARD_STORAGE!r}")
# The built web UI (`make run` builds it): WhiteNoise serves its assets at the site root, and
# neuroyard.core.spa answers index.html for the UI's routes. Vite names assets by content hash.
NEUROYARD_FRONTEND_DIST = Path(
    os.environ.get("NEUROYARD_FRONTEND_DIST", REPO_DIR / "frontend" / "dist")
).resolve()
if NEUROYARD_FRONTEND_DIST.is_dir():
    WHITENOISE_ROOT = NEUROYARD_FRONTEND_DIST
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/assets/"
# Uploads above this size go to a temporary file while they stream, never whole into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
NEUROYARD_MAX_UPLOAD_BYTES = env_int("NEUROYARD_MAX_UPLOAD_BYTES", 2 * 1024**3)
# A resumable upload nothing was sent to for this long is deleted by the reconciler.
NEUROYARD_UPLOAD_EXPIRE_SECONDS = env_int("NEUROYARD_UPLOAD_EXPIRE_SECONDS", 24 * 3600)
# The caps on uploaded archives (NEUROYARD_ARCHIVE_MAX_*), NEUROYARD_MIN_SAMPLES_PER_CLASS and
# NEUROYARD_DATASET_MAX_STORED_BYTES are read where they are enforced, in neuroyard_core
# (safety.archives, formats.options, formats.budget).
# Bodies are refused by size before Django reads them (neuroyard.core.body_limits): uploads
# up to NEUROYARD_MAX_UPLOAD_BYTES, predict up to NEUROYARD_PREDICT_MAX_BYTES, anything else up
# to this; a request without a valid token or session may send at most the anonymous size.
NEUROYARD_MAX_REQUEST_BYTES = env_int("NEUROYARD_MAX_REQUEST_BYTES", 2 * 1024**2)
NEUROYARD_ANONYMOUS_MAX_BYTES = env_int("NEUROYARD_ANONYMOUS_MAX_BYTES", 64 * 1024)
# JSON nested deeper than this is refused (400) before it reaches Python's recursive parser.
NEUROYARD_JSON_MAX_DEPTH = env_int("NEUROYARD_JSON_MAX_DEPTH", 64)
# A dataset still processing this long after its ingestion was sent is sent again.
NEUROYARD_INGEST_RESEND_AFTER_SECONDS = env_int("NEUROYARD_INGEST_RESEND_AFTER_SECONDS", 900)
# Workers keep their copies of inputs here, keyed by sha256.
NEUROYARD_WORKER_CACHE = Path(
    os.environ.get("NEUROYARD_WORKER_CACHE", VAR_DIR / "worker-cache")
).resolve()
# Pretrained VGG19 / InceptionV3 / ... weights, under Keras' file names. A job that needs one
# missing here downloads it from Keras' published URL (NEUROYARD_WEIGHTS_BASE_URL replaces the
# host) and checks its digest; with NEUROYARD_WEIGHTS_DOWNLOAD=0 (air-gapped sites) it fails as
# weights_unavailable instead, and `manage.py import_weights` installs files by hand.
NEUROYARD_WEIGHTS_DIR = Path(os.environ.get("NEUROYARD_WEIGHTS_DIR", VAR_DIR / "weights")).resolve()
NEUROYARD_WEIGHTS_DOWNLOAD = env_bool("NEUROYARD_WEIGHTS_DOWNLOAD", default=True)
NEUROYARD_WEIGHTS_BASE_URL = os.environ.get("NEUROYARD_WEIGHTS_BASE_URL", KERAS_BASE_URL)
# Seconds to connect, and the longest silence mid-file before the download resumes elsewhere.
NEUROYARD_WEIGHTS_TIMEOUT_SECONDS = env_int("NEUROYARD_WEIGHTS_TIMEOUT_SECONDS", 30)
# Synchronous predictions (POST /api/v1/models/{id}/predict/): the web waits this long for the
# inference worker's answer, then answers 202 with a URL to poll; answers are kept this long.
NEUROYARD_PREDICT_TIMEOUT_MS = env_int("NEUROYARD_PREDICT_TIMEOUT_MS", 10_000)
NEUROYARD_PREDICT_KEEP_SECONDS = env_int("NEUROYARD_PREDICT_KEEP_SECONDS", 3600)
NEUROYARD_PREDICT_MAX_INPUTS = env_int("NEUROYARD_PREDICT_MAX_INPUTS", 64)
NEUROYARD_PREDICT_MAX_BYTES = env_int("NEUROYARD_PREDICT_MAX_BYTES", 16 * 1024**2)
# Pixels of all the images of one request, as their headers declare them, checked before any is
# decoded (a small PNG can declare a huge picture): about 1 s of decoding.
NEUROYARD_PREDICT_MAX_PIXELS = env_int("NEUROYARD_PREDICT_MAX_PIXELS", 50_000_000)
# Django's own cap on a non-file body; the per-path limits above are the ones that bite.
DATA_UPLOAD_MAX_MEMORY_SIZE = max(NEUROYARD_PREDICT_MAX_BYTES, NEUROYARD_MAX_REQUEST_BYTES)
# The inference worker keeps loaded models up to this size (least recently used go first);
# NEUROYARD_INFERENCE_THREADS (neuroyard.core.processes) is how many requests it holds at once.
NEUROYARD_INFERENCE_CACHE_MB = env_int("NEUROYARD_INFERENCE_CACHE_MB", 1024)
# An uploaded .keras model is loaded once, by the inference worker, in a throwaway process with
# these limits; one still checking this long after its check was sent is sent again.
NEUROYARD_MODEL_CHECK_SECONDS = env_int("NEUROYARD_MODEL_CHECK_SECONDS", 120)
NEUROYARD_MODEL_CHECK_CPU_SECONDS = env_int("NEUROYARD_MODEL_CHECK_CPU_SECONDS", 90)
NEUROYARD_MODEL_CHECK_MEMORY_BYTES = env_int("NEUROYARD_MODEL_CHECK_MEMORY_BYTES", 4 * 1024**3)
NEUROYARD_MODEL_CHECK_RESEND_AFTER_SECONDS = env_int(
    "NEUROYARD_MODEL_CHECK_RESEND_AFTER_SECONDS", 600
)

# --- auth and API ---------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins are counted per username and address (django-axes, in the database, so every
# web process sees them); past the limit that pair is refused (429) until the cool-off ends.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("NEUROYARD_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("NEUROYARD_LOGIN_COOLOFF_SECONDS", 900))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "neuroyard.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins need no row each
AXES_VERBOSE = False
# API tokens expire this long after they are issued (and go on logout and password change).
NEUROYARD_TOKEN_TTL_SECONDS = env_int("NEUROYARD_TOKEN_TTL_SECONDS", 7 * 24 * 3600)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "neuroyard.accounts.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "neuroyard.core.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "neuroyard.core.schema.ErrorsDocumentedAutoSchema",
    "EXCEPTION_HANDLER": "neuroyard.core.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "neuroyard.core.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # `?format=` names a model's download format (keras, savedmodel, tflite), not a renderer.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Neuroyard API",
    "DESCRIPTION": "Train, run and explore neural networks on a job queue of GPU workers.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "neuroyard.core.schema_hooks.add_event_streams",
    ],
    # Served from the installed package: the docs page works without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status`; each enum gets a stable name in the schema and the
    # generated client instead of a hash-suffixed one.
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "neuroyard.jobs.models.Job.Status",
        "DatasetStatusEnum": "neuroyard.datasets.models.Dataset.Status",
        "SweepStatusEnum": "neuroyard.sweeps.models.Sweep.Status",
    },
}

# The web UI, the admin and the API docs load scripts only from this server (Vite's build has no
# inline script; the docs page is the split Swagger view). Inline styles stay: React sets widths.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Celery and Redis -----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Longer than the longest job, so Redis never hands an unacknowledged job to a second worker
# while the first is still training (acks are late).
JOB_HARD_TIME_LIMIT = env_int("NEUROYARD_JOB_TIME_LIMIT", 24 * 3600)
JOB_SOFT_TIME_LIMIT = env_int("NEUROYARD_JOB_SOFT_TIME_LIMIT", JOB_HARD_TIME_LIMIT - 60)
_visibility_timeout = JOB_HARD_TIME_LIMIT + 3600
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility_timeout}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility_timeout}
CELERY_VISIBILITY_TIMEOUT = _visibility_timeout
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# prefork, replacing a finished job's process at once (see neuroyard_worker.runtime.pool)
CELERY_WORKER_POOL = "neuroyard_worker.runtime.pool:JobProcessPool"
# Job processes a gpu worker keeps started beyond the jobs it runs, so the next job starts at
# once (0: fork each job's process when the one before it has ended).
NEUROYARD_SPARE_JOB_PROCESSES = env_int("NEUROYARD_SPARE_JOB_PROCESSES", 1)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = JOB_HARD_TIME_LIMIT
CELERY_TASK_SOFT_TIME_LIMIT = JOB_SOFT_TIME_LIMIT
CELERY_RESULT_EXPIRES = 3600
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ROUTES = {
    "neuroyard.reconcile": {"queue": "control"},
    "neuroyard.sweep_advance": {"queue": "control"},
}
CELERY_BEAT_SCHEDULE = {
    "reconcile": {
        "task": "neuroyard.reconcile",
        "schedule": float(env_int("NEUROYARD_RECONCILE_SECONDS", 30)),
    },
}
# Jobs whose worker died are re-run at most this many times before they fail for good.
NEUROYARD_MAX_ATTEMPTS = env_int("NEUROYARD_MAX_ATTEMPTS", 3)
NEUROYARD_HEARTBEAT_SECONDS = env_int("NEUROYARD_HEARTBEAT_SECONDS", 5)
NEUROYARD_STALE_AFTER_SECONDS = env_int("NEUROYARD_STALE_AFTER_SECONDS", 60)
# A worker silent this long is shown offline (its jobs go back by their own heartbeats above).
NEUROYARD_WORKER_OFFLINE_AFTER_SECONDS = env_int(
    "NEUROYARD_WORKER_OFFLINE_AFTER_SECONDS", NEUROYARD_STALE_AFTER_SECONDS
)
# Touched by every worker heartbeat when set: container liveness probes check its age.
NEUROYARD_WORKER_HEALTH_FILE = os.environ.get("NEUROYARD_WORKER_HEALTH_FILE", "")
# Heap a job's process may grow by, in MB (0: no limit); by default a share of the machine's
# memory (neuroyard_core.machine). Past it the job fails as out_of_memory and the worker lives.
# Jobs whose estimate exceeds what the largest worker has are refused at submission.
NEUROYARD_JOB_MEMORY_LIMIT_MB = env_int(
    "NEUROYARD_JOB_MEMORY_LIMIT_MB", default_job_memory_limit_mb()
)
# A queued job with no broker message this long after it was sent is sent again.
NEUROYARD_LOST_MESSAGE_AFTER_SECONDS = env_int("NEUROYARD_LOST_MESSAGE_AFTER_SECONDS", 60)

# --- misc -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOGIN_URL = "/admin/login/"

# JSON lines (one object per record, with `job_id` on every line a job produces) in
# production, plain text locally; NEUROYARD_LOG_FORMAT chooses.
NEUROYARD_LOG_FORMAT = os.environ.get("NEUROYARD_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"job_id": {"()": "neuroyard.core.logs.JobIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["job_id"],
            **({"formatter": "json"} if NEUROYARD_LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# Celery workers log through the handler above in JSON mode instead of their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = NEUROYARD_LOG_FORMAT != "json"
# /metrics answers requests that send this as a bearer token (see neuroyard.fleet.metrics).
NEUROYARD_METRICS_TOKEN = os.environ.get("NEUROYARD_METRICS_TOKEN", "")

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
