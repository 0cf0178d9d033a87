"""The log of data subjects' requests (DSGVO) that staff carried out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivacyRequestKind(models.TextChoices):
    EXPORT = "export", _("Auskunft (Export)")
    ERASURE = "erasure", _("Löschung")


class PrivacyRequest(models.Model):
    """The log of requests from data subjects that staff carried out: who, when, what.

    The address itself is not kept: only a keyed hash, enough to find the entries again
    when the same address is entered later (see `feedback.privacy`).
    """

    kind = models.CharField(_("Art"), max_length=20, choices=PrivacyRequestKind)
    email_hash = models.CharField(_("Prüfwert der E-Mail-Adresse"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("durch"),
    )
    # Kept when the staff account is deleted later, so the log still says who it was.
    actor_name = models.CharField(_("durch (Name)"), max_length=150)
    summary = models.JSONField(_("Umfang"), default=dict, blank=True)
    created_at = models.DateTimeField(_("am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Auskunft oder Löschung")
        verbose_name_plural = _("Auskünfte und Löschungen (DSGVO)")
        ordering = ["-created_at", "-id"]
        permissions = [
            (
                "manage_personal_data",
                _("Auskunft über personenbezogene Daten geben und sie löschen"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.created_at:%d.%m.%Y %H:%M}"
