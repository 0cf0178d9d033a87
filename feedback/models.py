"""What citizens send and staff answer. Comments point at any published content item."""

from __future__ import annotations

import operator
import secrets
from functools import reduce

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from feedback.validators import validate_link_count
from strategy.models import ENGLISH_HELP, Publishable, Translatable


def commentable_models() -> list[type[Publishable]]:
    """Every content type comments can be written on: published content with a page."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable) and hasattr(model, "get_absolute_url")
    ]


def trigram_indexes(prefix: str, fields: list[str]) -> list[GinIndex]:
    """Indexes for the admin's search: Django's `icontains` is UPPER(col::text) LIKE '%…%'."""
    return [
        GinIndex(
            OpClass(Upper(Cast(field, TextField())), name="gin_trgm_ops"),
            name=f"{prefix}_{field}_trgm_idx",
        )
        for field in fields
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

    def public(self) -> CommentQuerySet:
        """What the public may read: shown comments whose parent (if any) is shown too."""
        return self.shown().filter(
            Q(parent__isnull=True)
            | Q(parent__status=CommentStatus.APPROVED, parent__hidden_at__isnull=True)
        )

    def top_level(self) -> CommentQuerySet:
        return self.filter(parent__isnull=True)

    def on_published_targets(self) -> CommentQuerySet:
        """Comments whose page the public can see (a draft page hides its comments too)."""
        conditions = [
            Q(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=model.objects.published().values("pk"),
            )
            for model in commentable_models()
        ]
        return self.filter(reduce(operator.or_, conditions))

    def awaiting_digest(self) -> CommentQuerySet:
        """Pending comments the moderators have not been mailed about yet."""
        return self.pending().filter(moderators_notified_at__isnull=True)


class Comment(models.Model):
    """A citizen's comment (or a reply, or the town's official answer) on a content item."""

    # Which moderation steps may start from which status; services enforce it, the admin
    # uses it to explain a refused step before anything is saved.
    TRANSITIONS: dict[str, frozenset[str]] = {
        "approve": frozenset({CommentStatus.PENDING, CommentStatus.REJECTED, CommentStatus.SPAM}),
        "reject": frozenset({CommentStatus.PENDING, CommentStatus.APPROVED}),
        "spam": frozenset({CommentStatus.PENDING, CommentStatus.APPROVED, CommentStatus.REJECTED}),
        "edit": frozenset({CommentStatus.PENDING, CommentStatus.APPROVED}),
        "hide": frozenset({CommentStatus.APPROVED}),
        "restore": frozenset({CommentStatus.APPROVED}),
        "answer": frozenset({CommentStatus.APPROVED}),
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
    is_official = models.BooleanField(_("Antwort der Stadt Verl"), default=False)
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

    def allows(self, step: str) -> bool:
        """Whether the moderation step `step` may start from the current state."""
        if self.status not in self.TRANSITIONS[step]:
            return False
        if step == "hide":
            return self.hidden_at is None
        if step == "restore":
            return self.hidden_at is not None
        if step == "answer":
            return self.parent_id is None and not self.is_official
        return True


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
    """A reader's report ("Beitrag melden") about a public comment."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("Kommentar")
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
    reason = models.TextField(_("Begründung"), blank=True)
    created_at = models.DateTimeField(_("am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Moderationsschritt")
        verbose_name_plural = _("Moderationsprotokoll")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="moderation_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {self.actor_name}"


class RejectionReason(models.Model):
    """A reason moderators choose when rejecting; its text is mailed to the author."""

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


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class ConfirmedAddress(models.Model):
    """An e-mail address whose owner clicked the confirmation link; only these get updates."""

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"))
    notify = models.BooleanField(_("Benachrichtigungen erwünscht"), default=True)
    unsubscribed_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)
    unsubscribe_token = models.CharField(
        _("Abmelde-Schlüssel"), max_length=64, unique=True, default=_new_token, editable=False
    )

    class Meta:
        verbose_name = _("bestätigte E-Mail-Adresse")
        verbose_name_plural = _("bestätigte E-Mail-Adressen")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


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


class TopicQuerySet(models.QuerySet):
    def active(self) -> TopicQuerySet:
        return self.filter(is_active=True)

    def with_slug(self, slug: str) -> Topic | None:
        """The topic whose name slugifies to `slug` ("barriere-melden"), for links that
        preselect it; topics are few, so they are compared in Python."""
        return next((topic for topic in self if slugify(topic.name) == slug), None)


class Topic(Translatable, models.Model):
    """What a contact-form message is about; editors maintain the choices in the admin."""

    name = models.CharField(_("Bezeichnung"), max_length=100, unique=True)
    name_en = models.CharField(
        _("Bezeichnung auf Englisch"), max_length=100, blank=True, help_text=ENGLISH_HELP
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(
        _("im Formular anbieten"),
        default=True,
        help_text=_("Ausgeblendete Themen bleiben an bestehenden Vorgängen erhalten."),
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("Thema")
        verbose_name_plural = _("Themen")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    FORM = "form", _("Kontaktformular")
    EMAIL = "email", _("E-Mail")


class ConversationStatus(models.TextChoices):
    NEW = "new", _("neu")
    IN_PROGRESS = "in_progress", _("in Bearbeitung")
    ANSWERED = "answered", _("beantwortet")
    CLOSED = "closed", _("geschlossen")


class ConversationQuerySet(models.QuerySet):
    def open(self) -> ConversationQuerySet:
        return self.exclude(status=ConversationStatus.CLOSED)


class ReferenceCounter(models.Model):
    """The last reference number handed out per year (counted up by `services.reference_allocate`)."""

    year = models.PositiveSmallIntegerField(_("Jahr"), unique=True)
    last_number = models.PositiveIntegerField(_("zuletzt vergeben"), default=0)

    class Meta:
        verbose_name = _("Zähler für Vorgangsnummern")
        verbose_name_plural = _("Zähler für Vorgangsnummern")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Conversation(models.Model):
    """One matter a citizen raised, by contact form or e-mail, with all messages both ways."""

    reference = models.CharField(_("Vorgangsnummer"), max_length=32, unique=True, editable=False)
    channel = models.CharField(_("Kanal"), max_length=10, choices=Channel, editable=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=ConversationStatus, default=ConversationStatus.NEW
    )
    subject = models.CharField(_("Betreff"), max_length=255, blank=True)
    topic = models.ForeignKey(
        Topic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("Thema"),
    )
    contact_name = models.CharField(_("Name"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("E-Mail-Adresse"), help_text=_("Antworten gehen an diese Adresse.")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conversations",
        limit_choices_to={"is_staff": True},
        verbose_name=_("zuständig"),
    )
    notes = models.TextField(
        _("Interne Notizen"), blank=True, help_text=_("Nur für die Verwaltung sichtbar.")
    )
    consent_version = models.CharField(_("Datenschutzhinweis (Version)"), max_length=50, blank=True)
    consented_at = models.DateTimeField(_("eingewilligt am"), null=True, blank=True)
    notify_progress = models.BooleanField(
        _("über Fortschritte informieren"),
        default=False,
        help_text=_(
            "Der Absender möchte eine E-Mail, wenn sich der Umsetzungsstand einer Maßnahme "
            "ändert, der dieser Vorgang zugeordnet ist (nach Bestätigung seiner Adresse)."
        ),
    )
    created_at = models.DateTimeField(_("eingegangen"), default=timezone.now)
    last_message_at = models.DateTimeField(_("letzte Nachricht"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Vorgang")
        verbose_name_plural = _("Posteingang")
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["-last_message_at", "-id"], name="conversation_latest_idx"),
            models.Index(
                fields=["status", "-last_message_at", "-id"], name="conversation_status_idx"
            ),
            models.Index(
                fields=["channel", "-last_message_at", "-id"], name="conversation_channel_idx"
            ),
            models.Index(fields=["-created_at", "-id"], name="conversation_created_idx"),
            models.Index(
                fields=["topic", "-last_message_at", "-id"], name="conversation_topic_idx"
            ),
            models.Index(
                fields=["assignee", "-last_message_at", "-id"], name="conversation_assignee_idx"
            ),
            models.Index(fields=["contact_email"], name="conversation_contact_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.subject}" if self.subject else self.reference

    def get_admin_url(self) -> str:
        return reverse("admin:feedback_conversation_change", args=[self.pk])


class Direction(models.TextChoices):
    IN = "in", _("eingehend")
    OUT = "out", _("ausgehend")


class Message(models.Model):
    """One message of a conversation: what a citizen sent, or an answer staff sent."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", verbose_name=_("Vorgang")
    )
    direction = models.CharField(_("Richtung"), max_length=3, choices=Direction)
    from_name = models.CharField(_("Absender (Name)"), max_length=200, blank=True)
    from_address = models.EmailField(_("Absender (Adresse)"), blank=True)
    to = models.TextField(_("Empfänger"), blank=True)
    subject = models.CharField(_("Betreff"), max_length=255, blank=True)
    text = models.TextField(_("Text"), blank=True)
    # Message-IDs without angle brackets; unique so that a mail fetched twice is stored once.
    message_id = models.CharField(
        _("Message-ID"), max_length=500, null=True, blank=True, unique=True
    )
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=500, blank=True)
    references = models.TextField(_("References"), blank=True)
    # Identifies a mail without Message-ID, so that it too is stored only once.
    content_hash = models.CharField(_("Prüfsumme"), max_length=64, blank=True)
    dropped_attachments = models.JSONField(
        _("nicht übernommene Anhänge"), default=list, blank=True, editable=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beantwortet von"),
    )
    sent_at = models.DateTimeField(_("gesendet"), null=True, blank=True)
    created_at = models.DateTimeField(_("erfasst"), default=timezone.now)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "created_at", "id"], name="message_order_idx"),
            *trigram_indexes("message", ["text"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=Q(message_id__isnull=True) & ~Q(content_hash=""),
                name="message_unique_content_without_id",
            )
        ]

    def __str__(self) -> str:
        created = date_format(timezone.localtime(self.created_at), "SHORT_DATETIME_FORMAT")
        return self.subject or f"{self.get_direction_display()} {created}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A path nobody can guess; the original name is kept in the database only."""
    return f"inbox/{timezone.now():%Y/%m}/{secrets.token_urlsafe(24)}"


class Attachment(models.Model):
    """A file that came with an e-mail, kept only when its type and size are allowed."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("Nachricht")
    )
    file = models.FileField(_("Datei"), upload_to=attachment_path, max_length=255)
    filename = models.CharField(_("Dateiname"), max_length=255)
    content_type = models.CharField(_("Dateityp"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class AnswerTemplate(models.Model):
    """A text staff start an answer from; `{name}` and `{vorgangsnummer}` are filled in."""

    name = models.CharField(_("Bezeichnung"), max_length=100, unique=True)
    text = models.TextField(
        _("Text"),
        help_text=_(
            "Platzhalter: {name} (Name des Absenders), {vorgangsnummer} (z. B. VERL-2026-000123)."
        ),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Antwortvorlage")
        verbose_name_plural = _("Antwortvorlagen")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def render(self, conversation: Conversation) -> str:
        """The template's text with the conversation's placeholders filled in."""
        return self.text.replace("{name}", conversation.contact_name).replace(
            "{vorgangsnummer}", conversation.reference
        )


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
