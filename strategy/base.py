"""Building blocks that the services of every app share.

`strategy` is the app every other app may import (feedback points at strategy content, never
the other way round), so the few pieces both need live here:

- `validated_save`: every service writes a model through it, so nothing reaches the database
  without its `full_clean()`.
- The status idiom: each model with a status declares `TRANSITIONS` (current status → the
  statuses that may follow) and one `<entity>_status_check` service, which raises
  `TransitionNotAllowed` through `transition_check`. Services that change a status lock the
  row, call the check, then save.
"""

from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class TransitionNotAllowed(ValidationError):
    """A status change that the model's TRANSITIONS do not allow from its current status."""


def transition_check(
    *, transitions: Mapping[str, Collection[str]], current: str, new: str, message: str
) -> None:
    """Raise `TransitionNotAllowed` with `message` unless `new` may follow `current`."""
    if new not in transitions.get(current, ()):
        raise TransitionNotAllowed(message, code="invalid_transition")


def validated_save(obj: models.Model, **full_clean: Any) -> None:
    """Validate `obj` (`full_clean(**full_clean)`) and save it."""
    obj.full_clean(**full_clean)
    obj.save()
