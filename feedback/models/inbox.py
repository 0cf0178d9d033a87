"""The inbox: conversations from the contact form and e-mail, their messages and attachments."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from feedback.models.cases import AnswerTargetUnit
from feedback.models.indexes import trigram_indexes
from strategy.models import ENGLISH_HELP, Translatable


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
    responsible_group = models.ForeignKey(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zuständige Gruppe"),
        help_text=_(
            "Ihre Mitglieder erhalten eine E-Mail, wenn zu diesem Thema eine Nachricht "
            "eingeht. Ist weder eine Gruppe noch eine Person eingetragen: die Gruppe "
            "„Moderation“."
        ),
    )
    responsible_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        limit_choices_to={"is_staff": True},
        verbose_name=_("zuständige Personen"),
        help_text=_("Erhalten zusätzlich zur Gruppe eine E-Mail bei neuen Nachrichten."),
    )
    # The responsible team's answer target: in working days, or in calendar months where a
    # law says so (a barrier report: one month, § 12b (4) BGG).
    answer_target = models.PositiveSmallIntegerField(
        _("Antwortfrist"), default=10, help_text=_("Anzahl in der gewählten Einheit.")
    )
    answer_target_unit = models.CharField(
        _("Einheit der Antwortfrist"),
        max_length=20,
        choices=AnswerTargetUnit,
        default=AnswerTargetUnit.WORKING_DAYS,
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
    """The last reference number handed out per year (counted up by `feedback.cases.references.reference_allocate`)."""

    year = models.PositiveSmallIntegerField(_("Jahr"), unique=True)
    last_number = models.PositiveIntegerField(_("zuletzt vergeben"), default=0)

    class Meta:
        verbose_name = _("Zähler für Vorgangsnummern")
        verbose_name_plural = _("Zähler für Vorgangsnummern")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Conversation(models.Model):
    """One matter a citizen raised, by contact form or e-mail, with all messages both ways."""

    # Which statuses staff may set after which; `conversation_status_check` enforces it.
    # Staff reopen a closed conversation as in progress. An answer sets "answered" and a
    # citizen's new mail sets "new" whatever the status: those are no choice of staff.
    TRANSITIONS: dict[str, frozenset[str]] = {
        ConversationStatus.NEW: frozenset(
            {ConversationStatus.IN_PROGRESS, ConversationStatus.ANSWERED, ConversationStatus.CLOSED}
        ),
        ConversationStatus.IN_PROGRESS: frozenset(
            {ConversationStatus.NEW, ConversationStatus.ANSWERED, ConversationStatus.CLOSED}
        ),
        ConversationStatus.ANSWERED: frozenset(
            {ConversationStatus.IN_PROGRESS, ConversationStatus.CLOSED}
        ),
        ConversationStatus.CLOSED: frozenset({ConversationStatus.IN_PROGRESS}),
    }

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
        verbose_name_plural = _("Vorgänge")
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
            # New messages nobody is responsible for: the start page's count and its list.
            models.Index(
                fields=["-last_message_at", "-id"],
                condition=Q(status="new", assignee__isnull=True),
                name="conversation_unassigned_idx",
            ),
            # The searches of the inbox and of Alle Rückmeldungen (`icontains`).
            *trigram_indexes("conv", ["subject", "contact_name"]),
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
