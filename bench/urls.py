"""The site's URLs plus `/bench/ok`, the ceiling every page is measured against.

Used only by `verl_digital.settings.bench`; production never routes here.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from verl_digital.urls import urlpatterns as site_urlpatterns


def ok(request: HttpRequest) -> HttpResponse:
    """The fastest answer Django gives through the site's own middleware."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ok", ok, name="bench_ok"),
    # Spliced in, not include()d: Django allows i18n_patterns only in the root URLconf.
    *site_urlpatterns,
]

handler500 = "verl_digital.views.server_error"
