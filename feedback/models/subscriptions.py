"""Confirmed e-mail addresses: the only ones that get updates, each with its unsubscribe token."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class ConfirmedAddressQuerySet(models.QuerySet):
    def subscribed(self) -> ConfirmedAddressQuerySet:
        """Addresses that still want updates (not unsubscribed)."""
        return self.filter(notify=True)


class ConfirmedAddress(models.Model):
    """An e-mail address whose owner clicked the confirmation link; only these get updates."""

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"))
    notify = models.BooleanField(_("Benachrichtigungen erwünscht"), default=True)
    unsubscribed_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)
    unsubscribe_token = models.CharField(
        _("Abmelde-Schlüssel"), max_length=64, unique=True, default=_new_token, editable=False
    )

    objects = ConfirmedAddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("bestätigte E-Mail-Adresse")
        verbose_name_plural = _("bestätigte E-Mail-Adressen")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class UnrequestedMail(models.Model):
    """One mail the site sent to a mailbox without its owner asking (a confirmation, a
    receipt, a password reset): the budget per mailbox counts these over the last 24 hours.

    Only a keyed hash of the mailbox is kept, and only for a day.
    """

    mailbox = models.CharField(_("Prüfwert des Postfachs"), max_length=64)
    sent_at = models.DateTimeField(_("gesendet am"), db_index=True)

    class Meta:
        verbose_name = _("unaufgeforderte E-Mail")
        verbose_name_plural = _("unaufgeforderte E-Mails")
        indexes = [models.Index(fields=["mailbox", "sent_at"], name="unrequested_mail_idx")]

    def __str__(self) -> str:
        return f"{self.mailbox[:8]}… {self.sent_at:%Y-%m-%d %H:%M}"
