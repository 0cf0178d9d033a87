"""Receivers of other apps' signals; each only hands over to a service (see apps.py)."""

from __future__ import annotations

from typing import Any

from feedback.measure_links import services


def measure_status_changed(
    sender: Any, *, measure: Any, old_status: str, new_status: str, **kwargs: Any
) -> None:
    """strategy's one-way bridge: a measure's status changed, so tell who asked to know."""
    services.measure_contributors_notify(
        measure=measure, old_status=old_status, new_status=new_status
    )
