"""Signals the strategy app sends, so other apps can react without strategy importing them.

`measure_status_changed` is the one bridge from strategy to feedback: the feedback app
connects a receiver in its `AppConfig.ready()` that mails the citizens whose feedback is
linked to the measure. It is sent by `strategy.services.measure_set_status` after the change
has committed, never from `save()`.

Keyword arguments: `measure` (the saved Measure), `old_status`, `new_status` (MeasureStatus
values) and `changed_by` (the user, or None for a command).
"""

from django.dispatch import Signal

measure_status_changed = Signal()
