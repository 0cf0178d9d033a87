"""The town's look, served: the colours as a stylesheet and the coat of arms.

Both live under URLs versioned by what they hold (`strategy.town.TownBrand`), so browsers
and proxies keep them for a year; a page built with an older version gets the current file,
kept only briefly. Media files are not served publicly (MEDIA_ROOT is a shared volume behind
gunicorn), so the arms come through here, with their own Content-Type. An SVG also gets a
CSP that allows no script, no link and no fetch: opened on its own it can do nothing even if
the sanitiser (`strategy.coat_of_arms`) ever let something through.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from strategy.town import town_brand, town_profile

YEAR = 365 * 24 * 3600
LONG = f"public, max-age={YEAR}, immutable"
SHORT = "public, max-age=300"
CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


@require_GET
def stylesheet(request: HttpRequest) -> HttpResponse:
    brand = town_brand()
    response = HttpResponse(brand.stylesheet(), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = LONG if request.GET.get("v") == brand.version else SHORT
    return response


@require_GET
def coat_of_arms(request: HttpRequest, version: str, kind: str) -> HttpResponse:
    brand = town_brand()
    if not brand.arms_name or kind != brand.arms_kind:
        raise Http404
    try:
        with town_profile().coat_of_arms.open("rb") as file:
            content = file.read()
    except OSError:  # the record names a file the volume lost
        raise Http404 from None
    response = HttpResponse(content, content_type=CONTENT_TYPES[brand.arms_kind])
    response["Cache-Control"] = LONG if version == brand.arms_version else SHORT
    response["X-Content-Type-Options"] = "nosniff"
    if brand.arms_kind == "svg":
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
