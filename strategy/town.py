"""The town profile as the site reads and writes it.

`town_profile()` is the one way to the record. Header, footer and mails read it on nearly
every request, so each process keeps the record it read last, keyed by the `CONTENT`
version token (`verl_digital.caching.versions`): reading costs the token (the same cache
read a cached page costs anyway), not a query. `town_profile_update` saves the record and
bumps `CONTENT` after the commit, so every process reads it afresh and every cached page,
whose header and footer name the town, is rebuilt.

The brand colours reach the page as a stylesheet of their own (`town_stylesheet`, served
under a URL versioned by the colours), since the site's CSP allows no inline style; the
coat of arms is served the same way (`strategy.town_views`).
"""

from __future__ import annotations

import hashlib
from email.utils import formataddr
from functools import cached_property
from typing import Any

from coloraide import Color
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from strategy.base import validated_save
from strategy.coat_of_arms import coat_of_arms_clean, coat_of_arms_name
from strategy.models import TownProfile
from verl_digital.caching.versions import CONTENT, versions_bump, versions_get

# The hover and heading shade: the brand colour with this share of black mixed in. Darker
# than a colour that passed the contrast check, so it passes too.
DARKER = 0.3

_cached: tuple[str, TownProfile] | None = None


def town_profile() -> TownProfile:
    """The town that runs the site (created empty if no content pack set it yet)."""
    global _cached
    # The token before the record: a change committed in between is then read under the
    # older token, and the next call, seeing the new one, reads the record again.
    token = versions_get([CONTENT])[CONTENT]
    cached = _cached
    if cached is not None and cached[0] == token:
        return cached[1]
    profile = TownProfile.get_solo()
    _cached = (token, profile)
    return profile


def town_profile_last_known() -> TownProfile | None:
    """The record this process read last, without asking the cache or the database: for the
    error pages, rendered when either may be what failed."""
    cached = _cached
    return cached[1] if cached is not None else None


def error_page_context() -> dict[str, Any]:
    """`town` and `town_brand` as this process last read them, for an error page."""
    town = town_profile_last_known()
    return {"town": town, "town_brand": TownBrand(town)} if town is not None else {}


def town_profile_forget() -> None:
    """Drop this process's copy (tests that write the record without the service)."""
    global _cached
    _cached = None


@transaction.atomic
def town_profile_update(
    *,
    profile: TownProfile,
    coat_of_arms: tuple[str, bytes] | None = None,
    **values: Any,
) -> TownProfile:
    """Save the profile (`values` set on it first), validated; pages rebuild after commit.

    `coat_of_arms` is a new file as `(name, content)`, e.g. from a content pack; it is stored
    only as `strategy.coat_of_arms.coat_of_arms_clean` returns it (ValidationError else).
    """
    for name, value in values.items():
        setattr(profile, name, value)
    if coat_of_arms is not None:
        content = coat_of_arms_clean(name=coat_of_arms[0], content=coat_of_arms[1])
        profile.coat_of_arms.save(coat_of_arms_name(content), ContentFile(content), save=False)
    validated_save(profile)
    transaction.on_commit(town_profile_forget)
    versions_bump(CONTENT)
    return profile


def town_from_email() -> str:
    """The sender of the site's mails: the profile's name and address."""
    profile = town_profile()
    if not profile.mail_sender_address:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((profile.mail_sender_name, profile.mail_sender_address))


def town_file_name(name: str) -> str:
    """A download's file name, starting with the town: `musterstadt-<name>`."""
    return f"{slugify(town_profile().short_name) or 'kommune'}-{name}"


def town_publisher() -> str:
    """Who publishes the open data (German, like all of it): the town's CDO unit."""
    return f"{town_profile().name} – Stabsstelle Digitalisierung"


def _version(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


class TownBrand:
    """What the page shows of the town's look: colours, the stylesheet's and the arms' versions."""

    def __init__(self, profile: TownProfile) -> None:
        # Never empty: the fields are required and have defaults, also for the record
        # `get_solo()` creates before a pack sets it.
        self.brand = profile.brand_colour
        self.accent = profile.accent_colour
        self.arms_name = profile.coat_of_arms.name or ""

    @cached_property
    def brand_dark(self) -> str:
        return Color(self.brand).mix("black", DARKER, space="srgb").to_string(hex=True)

    @cached_property
    def version(self) -> str:
        """The stylesheet's version: it changes with the colours."""
        return _version(self.brand, self.accent)

    @cached_property
    def arms_version(self) -> str:
        """A new version for every upload: storage never reuses a name it still holds."""
        return _version(self.arms_name) if self.arms_name else ""

    @property
    def arms_kind(self) -> str:
        """ "svg" or "png", from the stored name (`coat_of_arms_name` set it by content)."""
        return "svg" if self.arms_name.lower().endswith(".svg") else "png"

    def stylesheet(self) -> str:
        return (
            ":root {\n"
            f"  --c-brand: {self.brand};\n"
            f"  --c-brand-dark: {self.brand_dark};\n"
            f"  --c-accent: {self.accent};\n"
            "}\n"
        )


def town_brand() -> TownBrand:
    return TownBrand(town_profile())
