"""An author's objection ("Widerspruch") to a moderation decision, and its second review.

An `Appeal` names the decision it objects to: the `ModerationAction` that rejected, marked
as spam or hid a comment (`APPEALABLE_STEPS`), at most one appeal per decision. It is
submitted through a signed link (`feedback.appeals.links`) within `APPEAL_DAYS` of the
decision and reviewed by a moderator other than the one who decided. Its status moves only
along `Appeal.TRANSITIONS`: open, then upheld (the decision stays) or overturned (it is
undone). The text is the author's personal data (`feedback.privacy`).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from feedback.models.comments import ModerationAction

# How long after a decision its author may object, and how long the objection may be.
APPEAL_DAYS = 14
APPEAL_PERIOD = timedelta(days=APPEAL_DAYS)
APPEAL_MAX_LENGTH = 2000


class AppealStatus(models.TextChoices):
    OPEN = "open", _("offen")
    UPHELD = "upheld", _("zurückgewiesen (Entscheidung bleibt)")
    OVERTURNED = "overturned", _("stattgegeben (Entscheidung aufgehoben)")


class AppealQuerySet(models.QuerySet):
    def open(self) -> AppealQuerySet:
        return self.filter(status=AppealStatus.OPEN)


class Appeal(models.Model):
    """An author's objection to one moderation decision."""

    TRANSITIONS: dict[str, frozenset[str]] = {
        AppealStatus.OPEN: frozenset({AppealStatus.UPHELD, AppealStatus.OVERTURNED}),
        AppealStatus.UPHELD: frozenset(),
        AppealStatus.OVERTURNED: frozenset(),
    }

    decision = models.OneToOneField(
        ModerationAction,
        on_delete=models.CASCADE,
        related_name="appeal",
        verbose_name=_("Entscheidung"),
    )
    # Blank only once erased (`feedback.privacy`); `appeal_submit` refuses an empty one.
    text = models.TextField(
        _("Begründung des Widerspruchs"),
        blank=True,
        validators=[MaxLengthValidator(APPEAL_MAX_LENGTH)],
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=AppealStatus, default=AppealStatus.OPEN
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geprüft von"),
    )
    # Kept when the account is deleted later, like `ModerationAction.actor_name`.
    reviewer_name = models.CharField(_("geprüft von (Name)"), max_length=150, blank=True)
    review_reason = models.TextField(_("Begründung der Prüfung"), blank=True)
    created_at = models.DateTimeField(_("eingelegt am"), auto_now_add=True)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("Widerspruch")
        verbose_name_plural = _("Widersprüche")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="appeal_status_idx")]

    def __str__(self) -> str:
        return _("Widerspruch gegen „%(decision)s“") % {"decision": self.decision}
