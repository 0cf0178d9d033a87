"""Cases: what a citizen sees of their contact-form message, e-mail or top-level comment.

Every conversation and every top-level comment opens exactly one `Case` (replies belong to
their parent's). The case is the citizen-facing record: a reference, when it came in, a
status in plain German, the date an answer is due and, in the end, one outcome. It holds no
personal data itself; name, address and text stay on the conversation or comment.

One source of truth for the status: `Case.status` is never chosen by anyone. It is derived
by `feedback.cases.services.case_status_of` from the conversation's or comment's status and
the case's own clock (paused = "Rückfrage an Sie") and outcome, and stored by the services
that change those, in the same transaction. It is stored (not computed per read) so the
deadline selectors and admin filters are plain indexed queries.

The outcome changes only along `Case.OUTCOME_TRANSITIONS` (`case_outcome_check`): none → any
outcome; a recorded outcome may be corrected to another, except that a duplicate stays one;
"Spam / ohne Antwort" goes back to none when its comment is published after all.

The page of a case is reached by a signed link (`feedback.cases.links`); when the retention
purge or an erasure removes the conversation or comment, the row stays as a tombstone
(`purged_at` set, nothing else that could identify anyone) so that the link answers 410.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models.indexes import trigram_indexes


class CaseChannel(models.TextChoices):
    FORM = "form", _("Kontaktformular")
    EMAIL = "email", _("E-Mail")
    COMMENT = "comment", _("Kommentar")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("eingegangen")
    IN_PROGRESS = "in_progress", _("in Bearbeitung")
    WAITING = "waiting", _("Rückfrage an Sie")
    ANSWERED = "answered", _("beantwortet")
    CLOSED = "closed", _("abgeschlossen")


class CaseOutcome(models.TextChoices):
    INFORMATION = "information", _("Auskunft gegeben")
    ADOPTED = "adopted", _("aufgenommen in eine Maßnahme")
    NOT_ADOPTED = "not_adopted", _("nicht aufgenommen")
    FORWARDED = "forwarded", _("weitergeleitet")
    DUPLICATE = "duplicate", _("Dublette")
    SPAM = "spam", _("Spam / ohne Antwort")


class AnswerTargetUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Arbeitstage")
    MONTHS = "months", _("Kalendermonate")


# Statuses in which the town owes the citizen an answer (the deadline runs or is paused).
OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING)

# Cases whose deadline runs now (`CaseQuerySet.awaiting`); also the condition of the partial
# index `case_awaiting_idx`, which PostgreSQL uses only for this very condition.
AWAITING = Q(purged_at__isnull=True) & (
    Q(status=CaseStatus.RECEIVED)
    | Q(status=CaseStatus.IN_PROGRESS, channel__in=[CaseChannel.FORM, CaseChannel.EMAIL])
)


class CaseQuerySet(models.QuerySet):
    """Reads of cases; the deadline selectors the staff alerts build on.

    "Awaiting" means the town owes the next step: a conversation case that is received or
    in progress, a comment case still waiting for moderation (an approved comment needs no
    answer, so its moderation target is met). Cases waiting for the citizen (clock paused),
    merged duplicates and tombstones are never due.
    """

    def live(self) -> CaseQuerySet:
        """Cases whose conversation or comment still exists (no tombstones)."""
        return self.filter(purged_at__isnull=True)

    def awaiting(self) -> CaseQuerySet:
        """Cases whose deadline runs now (see the class docstring)."""
        return self.filter(AWAITING)

    def overdue(self, *, today: date | None = None) -> CaseQuerySet:
        """Awaiting cases whose due date has passed (`today` defaults to the local date)."""
        return self.awaiting().filter(due_date__lt=today or timezone.localdate())

    def due_between(self, first: date, last: date) -> CaseQuerySet:
        """Awaiting cases due from `first` to `last`, both included. Working days are
        counted by `feedback.cases.selectors.cases_due_soon`, which calls this."""
        return self.awaiting().filter(due_date__gte=first, due_date__lte=last)


class Case(models.Model):
    """One matter a citizen raised, as they see it on their case page."""

    # Which outcome may follow which ("" is none yet); `case_outcome_check` enforces it.
    OUTCOME_TRANSITIONS: dict[str, frozenset[str]] = {
        "": frozenset(CaseOutcome.values),
        **{
            outcome: frozenset(set(CaseOutcome.values) - {outcome, CaseOutcome.DUPLICATE})
            for outcome in CaseOutcome.values
            if outcome != CaseOutcome.DUPLICATE
        },
        CaseOutcome.DUPLICATE: frozenset(),
    }
    # "Spam / ohne Antwort" is withdrawn when the comment is published after all (an appeal
    # granted, a decision corrected): the only way back to no outcome.
    OUTCOME_TRANSITIONS[CaseOutcome.SPAM] |= {""}

    reference = models.CharField(_("Vorgangsnummer"), max_length=32, unique=True, editable=False)
    channel = models.CharField(_("Kanal"), max_length=10, choices=CaseChannel, editable=False)
    conversation = models.OneToOneField(
        "feedback.Conversation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("Vorgang im Posteingang"),
    )
    comment = models.OneToOneField(
        "feedback.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("Kommentar"),
    )
    status = models.CharField(
        _("Status für Bürger"), max_length=20, choices=CaseStatus, default=CaseStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("eingegangen"))
    # The deadline: counted from `clock_started_on`, plus the working days it was paused.
    clock_started_on = models.DateField(_("Frist läuft seit"))
    paused_on = models.DateField(_("Frist ruht seit"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("geruhte Arbeitstage"), default=0)
    due_date = models.DateField(_("Antwort fällig am"))
    answered_at = models.DateTimeField(_("beantwortet am"), null=True, blank=True)
    outcome = models.CharField(
        _("Ergebnis"), max_length=20, choices=CaseOutcome, blank=True, default=""
    )
    outcome_reason = models.TextField(
        _("Begründung für Bürger"),
        blank=True,
        help_text=_("Wird auf der Vorgangsseite angezeigt. Bitte ohne persönliche Daten."),
    )
    outcome_measure = models.ForeignKey(
        "strategy.Measure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("aufgenommen in Maßnahme"),
    )
    outcome_organisation = models.CharField(_("weitergeleitet an"), max_length=200, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("Dublette von"),
    )
    outcome_at = models.DateTimeField(_("Ergebnis festgehalten am"), null=True, blank=True)
    helpful = models.BooleanField(_("Antwort hilfreich"), null=True, blank=True)
    rated_at = models.DateTimeField(_("bewertet am"), null=True, blank=True)
    purged_at = models.DateTimeField(_("Daten gelöscht am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("Fall")
        # The case list is the working list of everything citizens sent (feedback.cases.admin).
        verbose_name_plural = _("Alle Rückmeldungen")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="case_received_idx"),
            models.Index(fields=["status", "due_date"], name="case_status_due_idx"),
            # Overdue and due-soon cases, newest first, and their counts on the start page:
            # read from the index alone (due_date included), however many there are.
            models.Index(
                fields=["-received_at", "-id"],
                include=["due_date"],
                condition=AWAITING,
                name="case_awaiting_idx",
            ),
            models.Index(
                fields=["outcome_measure"],
                condition=Q(outcome="adopted"),
                name="case_adopted_measure_idx",
            ),
            # The search of Alle Rückmeldungen (feedback.cases.selectors.cases_search).
            *trigram_indexes("case", ["reference"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(conversation__isnull=False) & Q(comment__isnull=False)),
                name="case_one_source",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None
