"""The case page: what a citizen may see of their own case, behind its signed link.

Never cached or shared (no `pagecache`): `Cache-Control: private, no-store`, no referrer, no
indexing. A forged link is a 404; a case whose data the retention purge removed is a 410
with an explanation. The rating is a plain POST form (CSRF, no JavaScript), once per case.

`Referrer-Policy: no-referrer` makes browsers send `Origin: null` with the rating's POST,
which Django's CSRF middleware refuses. This one view therefore runs the CSRF check with an
`Origin: null` treated as "no Origin": the token (form field against cookie) is still
required, and the URL itself is a secret only the citizen has.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from feedback.cases.links import appeal_url, case_id_from_token
from feedback.cases.selectors import case_for_page, decision_in_force, public_answer
from feedback.cases.services import case_can_be_rated, case_rate
from feedback.models import APPEAL_PERIOD, Case, CaseChannel, CaseStatus, Comment

RATED_PARAMETER = "bewertet"


class RatingForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("War diese Antwort hilfreich?"),
        choices=[("ja", _("Ja")), ("nein", _("Nein"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie „Ja“ oder „Nein“.")},
    )


class _CsrfTokenCheck(CsrfViewMiddleware):
    """Django's CSRF check, except that `Origin: null` (sent under `no-referrer`) counts as
    an absent Origin; every other Origin is checked as usual."""

    def process_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.META.get("HTTP_ORIGIN") == "null":
            del request.META["HTTP_ORIGIN"]
        return super().process_view(request, *args, **kwargs)


csrf_token_check = decorator_from_middleware(_CsrfTokenCheck)


def private_response(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _public_comment(case: Case) -> Comment | None:
    comment = case.comment
    if comment is None or not comment.is_public:
        return None
    return Comment.objects.public().on_published_targets().filter(pk=comment.pk).first()


def _decision_context(case: Case) -> dict[str, Any]:
    """The decision against the citizen's unpublished comment, its reason and the way to
    object to it (`feedback.appeals`), while that is possible."""
    comment = case.comment
    if comment is None or comment.is_public:
        return {}
    decision = decision_in_force(comment)
    if decision is None:
        return {}
    deadline = decision.created_at + APPEAL_PERIOD
    appeal = getattr(decision, "appeal", None)
    can_appeal = appeal is None and timezone.now() <= deadline
    return {
        "decision": decision,
        "appeal": appeal,
        "appeal_deadline": deadline,
        "appeal_url": appeal_url(decision) if can_appeal else "",
    }


@csrf_exempt  # checked by `csrf_token_check` instead, see the module docstring
@csrf_token_check
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, token: str) -> HttpResponse:
    pk = case_id_from_token(token)
    case = case_for_page(pk) if pk is not None else None
    if case is None:
        raise Http404
    if case.is_purged:
        return private_response(
            render(request, "feedback/case_gone.html", {"case": case}, status=410)
        )
    form = RatingForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case_rate(case=case, helpful=form.cleaned_data["helpful"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return private_response(redirect(f"{request.path}?{RATED_PARAMETER}=1"))
        status = 400
        case.refresh_from_db(fields=["helpful", "rated_at"])
    shown = case.duplicate_of or case
    comment = _public_comment(shown) if shown.channel == CaseChannel.COMMENT else None
    context = {
        "case": case,
        "shown": shown,
        "is_comment": shown.channel == CaseChannel.COMMENT,
        "comment": comment,
        "answer": public_answer(comment) if comment is not None else None,
        "topic": shown.conversation.topic if shown.conversation_id else None,
        "deadline_open": shown.status
        in {CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING},
        "can_rate": case.rated_at is None and case_can_be_rated(case),
        "form": form,
        "just_rated": request.GET.get(RATED_PARAMETER) == "1" and case.rated_at is not None,
        **_decision_context(case),
    }
    return private_response(render(request, "feedback/case_detail.html", context, status=status))
