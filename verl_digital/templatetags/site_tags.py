"""Tags for the site's header and footer, which every page renders.

Their links take no arguments, so their URLs depend only on the URL name, the language
prefix and the script prefix: `site_url` reverses each once per process instead of on every
request (reversing was most of the header's and footer's cost, and the pages that are not
cached, such as the case page and the forms, pay it on every request).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=256)
def _reversed(url_name: str, language: str | None, script_prefix: str) -> str:
    return reverse(url_name)


@register.simple_tag
def site_url(url_name: str) -> str:
    """`{% site_url 'strategy:home' %}`: like `{% url %}` for a URL without arguments."""
    return _reversed(url_name, get_language(), get_script_prefix())


@register.simple_tag(takes_context=True)
def nav_current(context: dict[str, Any], url_name: str) -> SafeString:
    """aria-current for a main-nav link: "page" on the page itself, "true" below it."""
    request = context.get("request")
    if request is None:
        return mark_safe("")
    url = site_url(url_name)
    if request.path == url:
        return mark_safe(' aria-current="page"')
    # Every page lies below the home page (/ or /en/); only its own link marks it.
    if url != site_url("strategy:home") and request.path.startswith(url):
        return mark_safe(' aria-current="true"')
    return mark_safe("")
