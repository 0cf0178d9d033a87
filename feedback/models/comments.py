"""Comments on any published content item, readers' reports and the moderation log.

A `Comment` points at any content item through a generic foreign key and optionally at a
parent: one level of replies, the town's official answers being replies with `is_official`.
Its status (`CommentStatus`, changed as `Comment.TRANSITIONS` allows) is independent of being
hidden by readers' reports (`hidden_at`); a moderator's correction keeps the submitted text in
`original_text`. `ModerationAction` is the log (`actor_name` outlives a deleted account).
Reads are `CommentQuerySet` methods: `public()` is approved, not hidden, under a listed parent.

A comment that was public and is taken off the page leaves a trace in its place: `listed()`
is what a discussion shows, the public comments and the traces (`is_traced`), so public
replies keep their context. A moderator's step (hide; reject or spam after approval) sets
`removed_at` and `removal_reason`, a public-safe reason from the moderators' list (a
`RejectionReason`'s title, or "Spam"); a comment hidden by readers' reports shows that it
waits for review. The trace shows neither the text nor the author.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from feedback.models.indexes import trigram_indexes
from feedback.validators import validate_link_count
from strategy.models import Publishable


def commentable_models() -> list[type[Publishable]]:
    """Every content type comments can be written on: published content with a page."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable) and hasattr(model, "get_absolute_url")
    ]


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Wartet auf Prüfung")
    APPROVED = "approved", _("Freigegeben")
    REJECTED = "rejected", _("Abgelehnt")
    SPAM = "spam", _("Spam")


class CommentQuerySet(models.QuerySet):
    def for_target(self, target: models.Model) -> CommentQuerySet:
        content_type = ContentType.objects.get_for_model(target)
        return self.filter(content_type=content_type, object_id=target.pk)

    def pending(self) -> CommentQuerySet:
        return self.filter(status=CommentStatus.PENDING)

    def approved(self) -> CommentQuerySet:
        return self.filter(status=CommentStatus.APPROVED)

    def shown(self) -> CommentQuerySet:
        """Approved and not hidden by readers' reports."""
        return self.approved().filter(hidden_at__isnull=True)

    def listed(self) -> CommentQuerySet:
        """What a discussion shows: public comments, and traces of those taken off the page
        (approved but hidden, or removed by a moderator after publication)."""
        return self.filter(Q(status=CommentStatus.APPROVED) | Q(removed_at__isnull=False))

    def public(self) -> CommentQuerySet:
        """What the public may read: shown comments whose parent (if any) is listed, i.e.
        public or a trace; a reply keeps its place under its parent's trace."""
        return self.shown().filter(
            Q(parent__isnull=True)
            | Q(parent__status=CommentStatus.APPROVED)
            | Q(parent__removed_at__isnull=False)
        )

    def top_level(self) -> CommentQuerySet:
        return self.filter(parent__isnull=True)

    def on_published_targets(self) -> CommentQuerySet:
        """Comments whose page the public can see (a draft page hides its comments too) and
        that shows comments (the legal pages do not)."""
        conditions = [
            Q(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=model.objects.published().taking_comments().values("pk"),
            )
            for model in commentable_models()
        ]
        return self.filter(reduce(operator.or_, conditions))

    def awaiting_digest(self) -> CommentQuerySet:
        """Pending comments the moderators have not been mailed about yet."""
        return self.pending().filter(moderators_notified_at__isnull=True)


class Comment(models.Model):
    """A citizen's comment (or a reply, or the town's official answer) on a content item."""

    # Which statuses may follow which; `comment_status_check` enforces it and the admin uses
    # it to explain a refused step before anything is saved. Moderators approve, reject or
    # mark as spam; hiding, restoring, editing and answering leave the status as it is.
    TRANSITIONS: dict[str, frozenset[str]] = {
        CommentStatus.PENDING: frozenset(
            {CommentStatus.APPROVED, CommentStatus.REJECTED, CommentStatus.SPAM}
        ),
        CommentStatus.APPROVED: frozenset({CommentStatus.REJECTED, CommentStatus.SPAM}),
        CommentStatus.REJECTED: frozenset({CommentStatus.APPROVED, CommentStatus.SPAM}),
        CommentStatus.SPAM: frozenset({CommentStatus.APPROVED}),
    }

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("Inhaltstyp")
    )
    object_id = models.PositiveBigIntegerField(_("Inhalts-ID"))
    target = GenericForeignKey("content_type", "object_id")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("Antwort auf"),
    )
    author_name = models.CharField(_("Name"), max_length=100)
    author_email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("Konto"),
    )
    text = models.TextField(
        _("Text"),
        validators=[MaxLengthValidator(settings.COMMENT_MAX_LENGTH), validate_link_count],
    )
    original_text = models.TextField(
        _("ursprünglicher Text"),
        blank=True,
        help_text=_("Der Text wie eingereicht, falls die Moderation ihn bearbeitet hat."),
    )
    edited_at = models.DateTimeField(_("von der Moderation bearbeitet am"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=CommentStatus, default=CommentStatus.PENDING
    )
    is_official = models.BooleanField(_("Offizielle Antwort"), default=False)
    notify = models.BooleanField(_("Benachrichtigung gewünscht"), default=False)
    consent_version = models.CharField(
        _("Fassung der Datenschutzerklärung"), max_length=40, blank=True
    )
    consented_at = models.DateTimeField(_("eingewilligt am"), null=True, blank=True)
    hidden_at = models.DateTimeField(
        _("ausgeblendet seit"),
        null=True,
        blank=True,
        help_text=_("Nach Meldungen ausgeblendet, bis die Moderation ihn geprüft hat."),
    )
    moderated_at = models.DateTimeField(_("moderiert am"), null=True, blank=True)
    removed_at = models.DateTimeField(
        _("nach Veröffentlichung entfernt am"),
        null=True,
        blank=True,
        help_text=_("Von der Moderation ausgeblendet, abgelehnt oder als Spam markiert."),
    )
    removal_reason = models.CharField(
        _("öffentlicher Grund der Entfernung"),
        max_length=100,
        blank=True,
        help_text=_("Steht öffentlich an der Stelle des Beitrags."),
    )
    moderators_notified_at = models.DateTimeField(
        _("Moderation benachrichtigt am"), null=True, blank=True
    )
    is_demo = models.BooleanField(
        _("Beispielinhalt"),
        default=False,
        help_text=_("Von load_verl_content --demo angelegt; vor dem Start löschen."),
    )
    created_at = models.DateTimeField(_("eingegangen"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)
    # Stored, so the site search reads a GIN index; weight D ranks comments below content.
    search_vector = models.GeneratedField(
        expression=SearchVector("text", weight="D", config="german"),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "status", "created_at"],
                name="comment_target_idx",
            ),
            # The moderation queue: its default order, and each filter with that order.
            models.Index(fields=["-created_at", "-id"], name="comment_created_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="comment_status_idx"),
            models.Index(
                fields=["content_type", "object_id", "-created_at", "-id"],
                name="comment_queue_target_idx",
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(hidden_at__isnull=False),
                name="comment_hidden_idx",
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(is_official=True),
                name="comment_official_idx",
            ),
            # The start page's count of waiting replies (replies have no case).
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending", parent__isnull=False),
                name="comment_pending_reply_idx",
            ),
            models.Index(fields=["moderators_notified_at"], name="comment_notified_idx"),
            GinIndex(fields=["search_vector"], name="comment_search_idx"),
            # The queue's search (`icontains`, i.e. UPPER(…) LIKE '%…%') through pg_trgm.
            *trigram_indexes("comment", ["text", "author_name", "author_email"]),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.excerpt}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:comment", kwargs={"pk": self.pk})

    @property
    def excerpt(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else f"{text[:79]}…"

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_public(self) -> bool:
        return self.status == CommentStatus.APPROVED and self.hidden_at is None

    @property
    def is_traced(self) -> bool:
        """Taken off the page after publication: its place shows a trace (see `listed`)."""
        if self.is_public:
            return False
        return self.removed_at is not None or self.status == CommentStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        """Moderators correct pending and approved comments, never rejected ones or spam."""
        return self.status in {CommentStatus.PENDING, CommentStatus.APPROVED}


class ReportReason(models.TextChoices):
    ABUSE = "abuse", _("Beleidigung, Hetze oder Bedrohung")
    SPAM = "spam", _("Werbung oder Spam")
    PERSONAL_DATA = "personal", _("Persönliche Daten anderer")
    ILLEGAL = "illegal", _("Rechtswidriger Inhalt")
    OTHER = "other", _("Anderer Grund")


class CommentReportQuerySet(models.QuerySet):
    def open(self) -> CommentReportQuerySet:
        return self.filter(resolved_at__isnull=True)

    def awaiting_digest(self) -> CommentReportQuerySet:
        return self.open().filter(moderators_notified_at__isnull=True)


class CommentReport(models.Model):
    """A reader's report ("Beitrag melden") about a public comment.

    `reporter` is the signed-in account that reported, once per comment (the constraint);
    anonymous reports have none. Only reports with a reporter count towards hiding a
    comment automatically, so nobody hides one alone (`feedback.comments.services`).
    """

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("Kommentar")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comment_reports",
        verbose_name=_("gemeldet von (Konto)"),
    )
    reason = models.CharField(_("Grund"), max_length=20, choices=ReportReason)
    note = models.TextField(_("Erläuterung"), blank=True, validators=[MaxLengthValidator(1000)])
    created_at = models.DateTimeField(_("gemeldet am"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    moderators_notified_at = models.DateTimeField(
        _("Moderation benachrichtigt am"), null=True, blank=True
    )

    objects = CommentReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["comment", "resolved_at"], name="report_comment_open_idx"),
            models.Index(fields=["moderators_notified_at"], name="report_notified_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(reporter__isnull=False),
                name="report_once_per_reporter",
                violation_error_message=_(
                    "Sie haben diesen Beitrag bereits gemeldet. Die Moderation prüft ihn."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.comment.excerpt}"


class ModerationStep(models.TextChoices):
    APPROVE = "approve", _("freigegeben")
    REJECT = "reject", _("abgelehnt")
    SPAM = "spam", _("als Spam markiert")
    EDIT = "edit", _("bearbeitet")
    HIDE = "hide", _("ausgeblendet")
    RESTORE = "restore", _("wieder eingeblendet")
    ANSWER = "answer", _("beantwortet")
    DISMISS = "dismiss", _("Meldungen zurückgewiesen")
    APPEAL_UPHOLD = "appeal_upheld", _("Widerspruch zurückgewiesen")
    APPEAL_OVERTURN = "appeal_overturned", _("Widerspruch stattgegeben")


# The decisions an author may object to ("Widerspruch"); each needs a `RejectionReason`.
APPEALABLE_STEPS = frozenset({ModerationStep.REJECT, ModerationStep.SPAM, ModerationStep.HIDE})


class ModerationAction(models.Model):
    """Who did what to which comment, when and why: the moderation log."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="actions", verbose_name=_("Kommentar")
    )
    action = models.CharField(_("Aktion"), max_length=20, choices=ModerationStep)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("durch"),
    )
    # Kept when the account is deleted later, so the log still says who it was.
    actor_name = models.CharField(_("durch (Name)"), max_length=150)
    # Rejecting, marking as spam and hiding name one of the editable reasons (shown to the
    # author, counted by reason on /transparenz/); `reason` is the moderator's free text.
    # PROTECT: a reason in use is retired with `is_active`, so the records keep its name.
    decision_reason = models.ForeignKey(
        "RejectionReason",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Grund"),
    )
    reason = models.TextField(_("Begründung"), blank=True)
    created_at = models.DateTimeField(_("am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Moderationsschritt")
        verbose_name_plural = _("Moderationsprotokoll")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="moderation_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {self.actor_name}"

    @property
    def is_appealable_step(self) -> bool:
        return self.action in APPEALABLE_STEPS


class RejectionReason(models.Model):
    """A reason moderators choose when rejecting, marking as spam or hiding; its text is
    shown to the author (mail, case page)."""

    title = models.CharField(_("Bezeichnung"), max_length=100, unique=True)
    text = models.TextField(
        _("Text für die E-Mail"),
        help_text=_(
            "Wird der Verfasserin oder dem Verfasser geschickt, wenn eine Benachrichtigung gewünscht war."
        ),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Ablehnungsgrund")
        verbose_name_plural = _("Ablehnungsgründe")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title
