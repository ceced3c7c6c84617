import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuroyard.config.settings")
# PostgreSQL connections come from a pool in the ASGI process (see DATABASES in settings).
os.environ.setdefault("NEUROYARD_DB_POOL", "on")
django.setup(set_prefix=False)

from neuroyard.core.asgi_handler import SyncChainASGIHandler  # noqa: E402  (after Django is set up)
from neuroyard.core.body_limits import BodyLimitMiddleware  # noqa: E402

django_application = SyncChainASGIHandler()
application = BodyLimitMiddleware(django_application)
