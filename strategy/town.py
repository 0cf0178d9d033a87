"""The town profile as the site reads it: `town_profile()`, the one way to the record."""

from __future__ import annotations

from strategy.models import TownProfile


def town_profile() -> TownProfile:
    """The town that runs the site (created empty if no content pack set it yet)."""
    return TownProfile.get_solo()
