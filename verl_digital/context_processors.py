from typing import Any

from django.conf import settings
from django.http import HttpRequest

from verl_digital import pagecache


def site(request: HttpRequest) -> dict[str, Any]:
    return {"CDO_EMAIL": settings.CDO_EMAIL}


def per_visitor(request: HttpRequest) -> dict[str, Any]:
    """While a page is rendered for all anonymous visitors, the CSRF token is a placeholder.

    It overrides Django's built-in `csrf` processor, so `{% csrf_token %}` never puts one
    visitor's token into a page others get; serving the page fills in each visitor's own.
    """
    if pagecache.is_shared_render():
        return {"csrf_token": pagecache.placeholder("csrf")}
    return {}
