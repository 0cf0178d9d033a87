"""What the feedback app keeps about accounts besides django-allauth's own models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountConsent(models.Model):
    """The version of the privacy policy a citizen agreed to when opening an account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_consent",
        verbose_name=_("Konto"),
    )
    version = models.CharField(_("Fassung der Datenschutzerklärung"), max_length=40)
    consented_at = models.DateTimeField(_("eingewilligt am"))

    class Meta:
        verbose_name = _("Einwilligung bei der Registrierung")
        verbose_name_plural = _("Einwilligungen bei der Registrierung")

    def __str__(self) -> str:
        return f"{self.version} ({self.consented_at:%d.%m.%Y})"
