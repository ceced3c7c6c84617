"""The web UI: the built single-page app's index.html for every client-side route.

WhiteNoise serves the app's hashed assets from the same folder (``WHITENOISE_ROOT``); this view
answers the HTML, so a reload on ``/jobs/<id>`` works and the page gets a CSRF cookie.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Neuroyard</title>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>The web UI has not been built</h1>
<p>Run <code>make run</code> (it builds it), or <code>cd frontend &amp;&amp; npm ci &amp;&amp;
npm run build</code>. The API works meanwhile: <a href="/api/docs/">/api/docs/</a>.</p>
</body></html>"""


def frontend_index() -> Path:
    return Path(settings.NEUROYARD_FRONTEND_DIST) / "index.html"


@require_safe
@ensure_csrf_cookie
def spa_index(request: HttpRequest) -> HttpResponse:
    index = frontend_index()
    if not index.is_file():
        return HttpResponse(NOT_BUILT, status=503, content_type="text/html; charset=utf-8")
    response = HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")
    # the HTML names the current asset hashes: always revalidate it
    patch_cache_control(response, no_cache=True)
    return response
