"""The numbers of /transparenz/ as the worker last computed them (`feedback.transparency_snapshot`).

Only counts and durations, topic names and rejection reasons: nothing about any person. The
page reads the newest row; the worker replaces it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransparencySnapshot(models.Model):
    computed_at = models.DateTimeField(_("berechnet am"))
    period_start = models.DateTimeField(_("Zeitraum ab"))
    figures = models.JSONField(_("Zahlen"))

    class Meta:
        verbose_name = _("Stand der Transparenzzahlen")
        verbose_name_plural = _("Stände der Transparenzzahlen")
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["-computed_at", "-id"], name="transparency_latest_idx")]

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M}"
