"""What every template gets: site settings, the page in each language, per-visitor placeholders.

`language_versions` builds the language switch and the `<link rel="alternate" hreflang>`
list with `django.urls.translate_url` (resolve the current path, reverse it per language).
`per_visitor` belongs to the page cache (`verl_digital.caching.pagecache`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_info, override

from strategy.town import town_brand, town_profile
from verl_digital.caching import pagecache


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "town": SimpleLazyObject(town_profile),
        "town_brand": SimpleLazyObject(town_brand),
        "PRIVACY_POLICY_VERSION": settings.PRIVACY_POLICY_VERSION,
    }


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str  # in its own language: "Deutsch", "English"
    url: str
    absolute_url: str
    is_default: bool  # the language for visitors who asked for none (hreflang x-default)


def language_versions(request: HttpRequest) -> dict[str, Any]:
    """The current page in each of the site's languages.

    `language_alternates` (every language, for `<link rel="alternate" hreflang>`) is empty
    where the page has no language versions, e.g. an unknown path. `language_switch` (the
    other languages, for the header) falls back to the other language's home page there.
    """
    path = request.get_full_path()
    current = get_language()
    try:
        origin = request.build_absolute_uri("/").removesuffix("/")
    except DisallowedHost:
        # The 400 page answering a Host header outside ALLOWED_HOSTS is rendered with this
        # processor too; asking for the host again would turn it into a 500.
        origin = ""
    versions: list[LanguageVersion] = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        versions.append(
            LanguageVersion(
                code=code,
                name=get_language_info(code)["name_local"],
                url=url,
                absolute_url=origin + url,
                is_default=code == settings.LANGUAGE_CODE,
            )
        )
    translatable = len({version.url for version in versions}) == len(versions)
    switch = []
    for version in versions:
        if version.code == current:
            continue
        if not translatable:
            with override(version.code):
                url = reverse("strategy:home")
            version = replace(version, url=url, absolute_url=origin + url)
        switch.append(version)
    return {
        "language_alternates": versions if translatable else [],
        "language_switch": switch,
    }


def per_visitor(request: HttpRequest) -> dict[str, Any]:
    """While a page is rendered for all anonymous visitors, the CSRF token is a placeholder.

    It overrides Django's built-in `csrf` processor, so `{% csrf_token %}` never puts one
    visitor's token into a page others get; serving the page fills in each visitor's own.
    """
    if pagecache.is_shared_render():
        return {"csrf_token": pagecache.placeholder("csrf")}
    return {}
