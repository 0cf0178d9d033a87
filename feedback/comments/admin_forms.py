"""The forms of the comment list and a comment's page: the moderation step with its reason,
the text correction, and the town's answer with the outcome it records on the case."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from feedback.cases.admin import OutcomeFields, outcome_arguments
from feedback.cases.services import case_outcome_validate
from feedback.comments import services
from feedback.comments.admin_actions import REASON_MISSING, reason_field
from feedback.measure_links.admin import MeasureLinkActionForm
from feedback.models import Comment, CommentStatus
from feedback.text import clean_text
from strategy.base import TransitionNotAllowed

# The decisions that need a reason from the list (the author is shown it and may object).
REASONED_DECISIONS = frozenset({"reject", "spam", "hide"})


class CommentActionForm(MeasureLinkActionForm):
    rejection_reason = reason_field(empty_label=_("– Grund für Ablehnen, Spam oder Ausblenden –"))


class CommentTextField(forms.CharField):
    """Browsers send CRLF; compared as stored, so an untouched text never counts as edited."""

    def to_python(self, value: Any) -> str:
        return clean_text(super().to_python(value))


ANSWER_FIELDS = (
    "official_answer",
    "outcome",
    "outcome_measure",
    "outcome_reason",
    "outcome_organisation",
)


class CommentAdminForm(forms.ModelForm):
    """The text can be corrected; every other change is a moderation step chosen below."""

    DECISIONS = [
        ("", _("– keine Statusänderung –")),
        ("approve", _("Freigeben")),
        ("reject", _("Ablehnen")),
        ("spam", _("Als Spam markieren")),
        ("hide", _("Ausblenden")),
        ("restore", _("Wieder einblenden")),
        ("dismiss", _("Meldung zurückweisen (Kommentar bleibt sichtbar)")),
    ]

    decision = forms.ChoiceField(label=_("Moderation"), choices=DECISIONS, required=False)
    rejection_reason = reason_field(
        help_text=_(
            "Pflicht beim Ablehnen, beim Markieren als Spam und beim Ausblenden. Die Verfasserin "
            "oder der Verfasser sieht ihn und kann 14 Tage lang Widerspruch einlegen. Wird ein "
            "veröffentlichter Kommentar ausgeblendet oder abgelehnt, steht die Bezeichnung "
            "öffentlich an seiner Stelle."
        ),
    )
    note = forms.CharField(
        label=_("Begründung fürs Protokoll"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    official_answer = forms.CharField(
        label=_("Offizielle Antwort"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Erscheint sofort hervorgehoben unter dem Kommentar (nur bei freigegebenen Kommentaren)."
        ),
    )

    # What the answer achieved, recorded on the comment's case ("Auskunft gegeben" if empty).
    outcome = OutcomeFields.base_fields["outcome"]
    outcome_measure = OutcomeFields.base_fields["outcome_measure"]
    outcome_reason = OutcomeFields.base_fields["outcome_reason"]
    outcome_organisation = OutcomeFields.base_fields["outcome_organisation"]

    class Meta:
        model = Comment
        fields = ["text"]
        field_classes = {"text": CommentTextField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].help_text = _("Ohne Auswahl: „Auskunft gegeben“.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        comment = self.instance
        decision = cleaned.get("decision")
        if decision:
            try:
                services.comment_step_check(comment=comment, step=decision)
            except TransitionNotAllowed as error:
                self.add_error("decision", error)
        if decision in REASONED_DECISIONS and not cleaned.get("rejection_reason"):
            self.add_error("rejection_reason", REASON_MISSING)
        if "text" in self.changed_data and not comment.is_editable:
            self.add_error("text", _("Abgelehnte Kommentare und Spam werden nicht bearbeitet."))
        answer = cleaned.get("official_answer", "").strip()
        if answer:
            will_be_approved = decision == "approve" or (
                comment.status == CommentStatus.APPROVED and decision not in {"reject", "spam"}
            )
            if not (will_be_approved and comment.parent_id is None and not comment.is_official):
                self.add_error(
                    "official_answer",
                    _("Nur freigegebene Kommentare (keine Antworten) können beantwortet werden."),
                )
            elif cleaned.get("outcome") and getattr(comment, "case", None) is not None:
                try:
                    case_outcome_validate(case=comment.case, **outcome_arguments(cleaned))
                except ValidationError as error:
                    self.add_error(None, error)
        elif cleaned.get("outcome"):
            self.add_error(
                "outcome", _("Ein Ergebnis wird zusammen mit einer Antwort festgehalten.")
            )
        return cleaned
