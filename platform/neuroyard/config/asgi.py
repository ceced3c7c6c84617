import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuroyard.config.settings")
# PostgreSQL connections come from a pool in the ASGI process (see DATABASES in settings).
os.environ.setdefault("NEUROYARD_DB_POOL", "on")
django.setup(set_prefix=False)

from django.urls import get_resolver  # noqa: E402

from neuroyard.core.asgi_handler import SyncChainASGIHandler  # noqa: E402  (after Django is set up)
from neuroyard.core.body_limits import BodyLimitMiddleware  # noqa: E402

django_application = SyncChainASGIHandler()
application = BodyLimitMiddleware(django_application)

# What start-up made (Django, DRF, the URL patterns, the schema: ~140,000 objects) lives as long
# as the process: frozen out of the garbage collector's sight, or every full collection walks
# it all, holding every thread of the process for ~65 ms (issue 13: job detail p99).
get_resolver().url_patterns  # noqa: B018  (built now, to be frozen with the rest)
gc.freeze()
