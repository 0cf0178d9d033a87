"""Staff alerts: who is told about what in the inbox, how each person wants it, and the
morning summaries of overdue cases already sent.

An `Alert` is one piece of news for one staff member (a new message, an assignment, a
reopened conversation) until the digest mails it (`feedback.alerts.digest`); its
`mailed_at` also gives that person's last alert mail, from which the quiet interval is
counted. `AlertPreference` holds how a person wants their alerts (at once, in one daily
summary, or not at all); without a row it is "at once". `OverdueSummarySent` records, per
person and working day, that the morning summary went out, so a rerun sends nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models.inbox import Conversation


class AlertDelivery(models.TextChoices):
    IMMEDIATE = "immediate", _("sofort")
    DAILY = "daily", _("einmal täglich als Zusammenfassung")
    OFF = "off", _("aus")


class AlertPreference(models.Model):
    """How one staff member wants to hear about new messages, assignments and reopenings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alert_preference",
        verbose_name=_("Konto"),
    )
    delivery = models.CharField(
        _("Benachrichtigungen"),
        max_length=10,
        choices=AlertDelivery,
        default=AlertDelivery.IMMEDIATE,
        help_text=_(
            "Per E-Mail über neue Nachrichten, Zuweisungen und wieder geöffnete Vorgänge "
            "sowie morgens über fällige Vorgänge."
        ),
    )
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")
        ordering = ["user__email"]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_delivery_display()}"


class AlertKind(models.TextChoices):
    NEW_MESSAGE = "new_message", _("neue Nachricht")
    ASSIGNED = "assigned", _("Ihnen zugewiesen")
    REOPENED = "reopened", _("wieder geöffnet")


class AlertQuerySet(models.QuerySet):
    def pending(self) -> AlertQuerySet:
        """Not yet mailed."""
        return self.filter(mailed_at__isnull=True)


class Alert(models.Model):
    """One piece of inbox news for one staff member, until the digest has mailed it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Empfänger"),
    )
    kind = models.CharField(_("Art"), max_length=20, choices=AlertKind)
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Vorgang"),
    )
    created_at = models.DateTimeField(_("erstellt"), default=timezone.now)
    mailed_at = models.DateTimeField(_("gemailt"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(mailed_at__isnull=True),
                name="alert_pending_idx",
            ),
            models.Index(fields=["recipient", "-mailed_at"], name="alert_mailed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.conversation_id} → {self.recipient_id}"


class OverdueSummarySent(models.Model):
    """The morning summary of overdue cases went to this person on this day."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Empfänger"),
    )
    day = models.DateField(_("Tag"))
    sent_at = models.DateTimeField(_("gesendet"), default=timezone.now)

    class Meta:
        verbose_name = _("Zusammenfassung fälliger Vorgänge")
        verbose_name_plural = _("Zusammenfassungen fälliger Vorgänge")
        ordering = ["-day", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="overdue_summary_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.recipient_id}"
