import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuroyard.config.settings")
# PostgreSQL connections come from a pool in the ASGI process (see DATABASES in settings).
os.environ.setdefault("NEUROYARD_DB_POOL", "on")
django_application = get_asgi_application()

from neuroyard.core.body_limits import BodyLimitMiddleware  # noqa: E402  (after Django is set up)

application = BodyLimitMiddleware(django_application)
