"""What the content seed wrote, so that it never overwrites an editor's change."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class SeedRecord(models.Model):
    """What `load_verl_content` wrote, so a later run can tell an editor's change from its own."""

    key = models.CharField(_("Schlüssel"), max_length=255, unique=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("Inhaltstyp")
    )
    object_id = models.PositiveBigIntegerField(_("Objekt-ID"))
    checksum = models.CharField(_("Prüfsumme"), max_length=64)
    loaded_at = models.DateTimeField(_("geladen"), auto_now=True)

    class Meta:
        verbose_name = _("geladener Standardinhalt")
        verbose_name_plural = _("geladene Standardinhalte")

    def __str__(self) -> str:
        return self.key
