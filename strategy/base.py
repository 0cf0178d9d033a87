"""Building blocks that the services of every app share.

`strategy` is the app every other app may import (feedback points at strategy content, never
the other way round), so the few pieces both need live here:

- `validated_save`: every service writes a model through it, so nothing reaches the database
  without its `full_clean()`.
- The status idiom: each model with a status declares `TRANSITIONS` (current status → the
  statuses that may follow) and one `<entity>_status_check` service, which raises
  `TransitionNotAllowed` through `transition_check`. Services that change a status lock the
  row, call the check, then save.
- Cleaning that holds for text from any form: `text_normalize` (line endings) and
  `now_to_the_minute` (a default time the admin's form sends back unchanged).
"""

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


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


def now_to_the_minute() -> datetime:
    """The default of `publish_at`: now, without seconds. The admin's form shows and sends
    a time to the second, so a default with microseconds would change at the first save."""
    return timezone.now().replace(second=0, microsecond=0)


def text_normalize(instance: models.Model) -> None:
    """Line endings of every text field as "\\n" (browsers send "\\r\\n")."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and "\r" in value:
                setattr(instance, field.attname, value.replace("\r\n", "\n").replace("\r", "\n"))
