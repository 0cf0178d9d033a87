"""The author's appeal page ("Widerspruch einlegen"), behind the signed link of a decision.

The link is the credential (`feedback.cases.links.appeal_token`); no account is needed. Like
the case page it is never cached or shared (`private_response`) and runs the CSRF check with
`Origin: null` treated as absent (`csrf_token_check`, see `feedback.cases.views`). A forged
link is a 404, a link past its period a 410 with an explanation, a second appeal a 409; a
valid objection redirects to the page, which then shows that it was received.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from feedback.appeals.services import appeal_deadline, appeal_is_late, appeal_submit
from feedback.cases.links import decision_id_from_token
from feedback.cases.selectors import decision_in_force
from feedback.cases.views import csrf_token_check, private_response
from feedback.models import APPEAL_DAYS, APPEAL_MAX_LENGTH, APPEALABLE_STEPS, ModerationAction

SENT_PARAMETER = "eingegangen"
# The answer to a refused submission, by the service's error code.
REFUSED_STATUS = {"duplicate": 409, "expired": 410, "superseded": 409}


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Warum halten Sie die Entscheidung für falsch?"),
        max_length=APPEAL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Höchstens 2.000 Zeichen."),
        error_messages={
            "required": _("Bitte begründen Sie Ihren Widerspruch."),
            "max_length": _(
                "Ihr Widerspruch darf höchstens %(limit_value)d Zeichen lang sein "
                "(jetzt: %(show_value)d)."
            ),
        },
    )


def _decision(token: str) -> ModerationAction:
    pk = decision_id_from_token(token)
    decision = (
        ModerationAction.objects.select_related("comment", "decision_reason", "appeal")
        .filter(pk=pk, action__in=APPEALABLE_STEPS)
        .first()
        if pk is not None
        else None
    )
    if decision is None:
        raise Http404
    return decision


def _page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    return private_response(render(request, "feedback/appeal_create.html", context, status=status))


@csrf_exempt  # checked by `csrf_token_check` instead, see `feedback.cases.views`
@csrf_token_check
@require_http_methods(["GET", "POST"])
def appeal_create(request: HttpRequest, token: str) -> HttpResponse:
    decision = _decision(token)
    context = {
        "decision": decision,
        "comment": decision.comment,
        "deadline": appeal_deadline(decision),
        "appeal_days": APPEAL_DAYS,
    }
    appeal = getattr(decision, "appeal", None)
    if appeal is None and appeal_is_late(decision):
        return private_response(
            render(request, "feedback/appeal_gone.html", context | {"late": True}, status=410)
        )
    if appeal is None and getattr(decision_in_force(decision.comment), "pk", None) != decision.pk:
        return private_response(render(request, "feedback/appeal_gone.html", context, status=410))
    if appeal is not None:
        status = 409 if request.method == "POST" else 200
        just_sent = request.GET.get(SENT_PARAMETER) == "1"
        return _page(request, context | {"appeal": appeal, "just_sent": just_sent}, status=status)
    form = AppealForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                appeal_submit(decision=decision, text=form.cleaned_data["text"])
            except ValidationError as error:
                form.add_error(None, error)
                status = REFUSED_STATUS.get(getattr(error, "code", ""), 400)
            else:
                return private_response(redirect(f"{request.path}?{SENT_PARAMETER}=1"))
        else:
            status = 400
    return _page(request, context | {"form": form}, status=status)
