"""Feedback staff linked to a measure ("Ihr Feedback – unsere Maßnahmen").

One table for both kinds (a measure and exactly one of a comment or a conversation) rather
than two many-to-many fields, so a measure's page counts both with one aggregate and the
status mail finds every contributor with two indexed joins.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from feedback.models.comments import Comment, CommentStatus
from feedback.models.inbox import Conversation


class MeasureLinkQuerySet(models.QuerySet):
    def counts(self) -> dict[str, int]:
        """Linked comments (spam not counted) and conversations, in one query."""
        return self.aggregate(
            comments=models.Count(
                "pk", filter=Q(comment__isnull=False) & ~Q(comment__status=CommentStatus.SPAM)
            ),
            conversations=models.Count("pk", filter=Q(conversation__isnull=False)),
        )


class MeasureLink(models.Model):
    """Feedback staff linked to a measure ("Ihr Feedback – unsere Maßnahmen").

    One row per (measure, comment) or (measure, conversation): the measure page counts
    them with one aggregate, and a status change of the measure finds whom to tell.
    """

    measure = models.ForeignKey(
        "strategy.Measure",
        on_delete=models.CASCADE,
        related_name="feedback_links",
        verbose_name=_("Maßnahme"),
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measure_links",
        verbose_name=_("Kommentar"),
    )
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measure_links",
        verbose_name=_("Vorgang"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zugeordnet von"),
    )
    created_at = models.DateTimeField(_("zugeordnet am"), auto_now_add=True)

    objects = MeasureLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("Zuordnung zu einer Maßnahme")
        verbose_name_plural = _("Zuordnungen zu Maßnahmen")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(comment__isnull=False, conversation__isnull=True)
                    | Q(comment__isnull=True, conversation__isnull=False)
                ),
                name="measurelink_one_item",
                violation_error_message=_(
                    "Bitte ordnen Sie entweder einen Kommentar oder einen Vorgang zu."
                ),
            ),
            models.UniqueConstraint(
                fields=["measure", "comment"],
                condition=Q(comment__isnull=False),
                name="measurelink_unique_comment",
                violation_error_message=_("Der Kommentar ist dieser Maßnahme schon zugeordnet."),
            ),
            models.UniqueConstraint(
                fields=["measure", "conversation"],
                condition=Q(conversation__isnull=False),
                name="measurelink_unique_conversation",
                violation_error_message=_("Der Vorgang ist dieser Maßnahme schon zugeordnet."),
            ),
        ]

    def __str__(self) -> str:
        item = self.comment if self.comment_id else self.conversation
        return f"{self.measure} ← {item}"
