from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from neuroyard.accounts.apis import CsrfApi, LoginApi, LogoutApi, MeApi, TokenApi
from neuroyard.core.health import healthz
from neuroyard.core.spa import spa_index
from neuroyard.fleet.metrics import metrics

api_v1 = [
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
    path("auth/me/", MeApi.as_view(), name="auth-me"),
    path("auth/csrf/", CsrfApi.as_view(), name="auth-csrf"),
    path("auth/login/", LoginApi.as_view(), name="auth-login"),
    path("auth/logout/", LogoutApi.as_view(), name="auth-logout"),
    path("datasets/", include("neuroyard.datasets.urls")),
    path("specs/", include("neuroyard.specs.urls")),
    path("templates/", include("neuroyard.specs.template_urls")),
    path("models/", include("neuroyard.registry.urls")),
    path("sweeps/", include("neuroyard.sweeps.urls")),
    path("", include("neuroyard.jobs.urls")),
    path("", include("neuroyard.fleet.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("admin/", admin.site.urls),
    path("metrics", metrics, name="metrics"),
    path("healthz", healthz, name="healthz"),
    # Keep last: every other path is a route of the web UI.
    re_path(r"^(?!api/|admin/|static/|media/).*$", spa_index, name="spa"),
]

handler400 = "neuroyard.core.error_pages.bad_request"
handler403 = "neuroyard.core.error_pages.permission_denied"
handler404 = "neuroyard.core.error_pages.page_not_found"
handler500 = "neuroyard.core.error_pages.server_error"
