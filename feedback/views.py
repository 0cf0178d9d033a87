"""The feedback app's public pages: comment, reply, report and contact forms, address
confirmation and unsubscribing, account deletion, staff's alert settings, the transparency
page.

Small functions over the services. Every public form goes through `_form_page`: GET shows
it; a POST first counts against the client's rate limit (over it: the form again with what
was typed, 429), a valid form goes to a service, errors come back as a 400 with the error
summary, and success redirects to the page with a signed receipt in the URL
(`feedback.receipts`), so a sender gets neither a messages cookie nor a session. Address
confirmation shows a button on GET and confirms on POST, since mail scanners follow links;
unsubscribing also takes a CSRF-exempt POST (RFC 8058 one-click).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from feedback import account_services, receipts
from feedback import transparency_opendata as opendata
from feedback.alerts.selectors import alert_delivery
from feedback.alerts.services import alert_preference_set
from feedback.cases.links import case_token
from feedback.comments import services as comments
from feedback.comments.selectors import comment_page_number
from feedback.forms import (
    AccountDeleteForm,
    AlertPreferenceForm,
    CommentForm,
    ContactForm,
    ReportForm,
    SpamProtectionMixin,
)
from feedback.inbox.services import conversation_open_from_form
from feedback.models import Comment, ConfirmedAddress, Topic
from feedback.ratelimit import Limit, client_fingerprint, limit_exceeded, recent_client_fingerprints
from feedback.subscriptions import services as subscriptions
from feedback.transparency import bar_chart
from feedback.transparency_snapshot import transparency_figures
from strategy.models import Publishable
from strategy.town import town_file_name
from verl_digital.caching import pagecache
from verl_digital.caching.versions import TRANSPARENCY


def _published_target(content_type: ContentType, object_id: int) -> Publishable:
    """A published item that takes comments (the legal pages do not), else 404."""
    model = content_type.model_class()
    if model is None or not issubclass(model, Publishable):
        raise Http404
    target = get_object_or_404(model.objects.published(), pk=object_id)
    if not target.takes_comments:
        raise Http404
    return target


def _receipt_url(target: Publishable, *, kind: str, pk: int) -> str:
    """Back to the page, with the confirmation in the URL: anonymous visitors get no cookie.

    No #fragment: browsers skip `autofocus` when the URL names a target, and the focused
    confirmation is what screen readers read and what the browser scrolls to.
    """
    token = receipts.receipt_token(kind=kind, pk=pk)
    return f"{target.get_absolute_url().split('#')[0]}?{receipts.PARAMETER}={token}"


# What a sender reads when the client sent too much through a form (`_form_page`).
TOO_MANY_POSTS = gettext_lazy(
    "Von Ihrem Anschluss kamen in kurzer Zeit zu viele Beiträge. Bitte warten Sie einige "
    "Minuten und senden Sie das Formular dann erneut. Ihr Text bleibt unten erhalten."
)
TOO_MANY_MESSAGES = gettext_lazy(
    "Von Ihrem Anschluss kamen in der letzten Stunde sehr viele Nachrichten. "
    "Bitte versuchen Sie es später noch einmal oder schreiben Sie uns eine E-Mail."
)


def _form_page(
    request: HttpRequest,
    *,
    template: str,
    context: dict[str, Any],
    form_class: type[SpamProtectionMixin],
    limit: Limit,
    refusal: str,
    submit: Callable[[dict[str, Any]], str],
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """A public form: GET shows it, POST hands it to a service and redirects.

    A POST counts against the client's `limit` first; over it, the form comes back with what
    was typed, its other errors and `refusal` (429). A valid form goes to `submit`, which
    calls the service and returns the URL to redirect to; the service's ValidationError is
    shown like the form's own errors (400).
    """
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial=initial, user=request.user)
    context = {**context, "form": form}
    if data is None:
        return render(request, template, context)
    if limit_exceeded(limit=limit, key=client_fingerprint(request)):
        form.refuse(refusal)  # with the other errors too, so nothing has to be fixed twice
        return render(request, template, {**context, "rate_limited": True}, status=429)
    if form.is_valid():
        try:
            url = submit(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(url)
    return render(request, template, context, status=400)


@require_http_methods(["GET", "POST"])
def comment_create(request: HttpRequest, content_type_id: int, object_id: int) -> HttpResponse:
    try:
        # From the process's cache of content types: no query.
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist:
        raise Http404 from None
    target = _published_target(content_type, object_id)
    return _comment_form(request, target=target, parent=None)


@require_http_methods(["GET", "POST"])
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    parent = get_object_or_404(
        Comment.objects.public().top_level().filter(is_official=False), pk=pk
    )
    target = _published_target(parent.content_type, parent.object_id)
    return _comment_form(request, target=target, parent=parent)


def _comment_form(
    request: HttpRequest, *, target: Publishable, parent: Comment | None
) -> HttpResponse:
    def submit(data: dict[str, Any]) -> str:
        comment = comments.comment_submit(
            target=target,
            parent=parent,
            author_name=data["author_name"],
            author_email=data["author_email"],
            text=data["text"],
            notify=data["notify"],
            user=request.user,
            client_keys=recent_client_fingerprints(request),
        )
        return _receipt_url(target, kind=receipts.COMMENT, pk=comment.pk)

    return _form_page(
        request,
        template="feedback/comment_form.html",
        context={"target": target, "parent": parent},
        form_class=CommentForm,
        limit=Limit("comment", *settings.COMMENT_RATE_LIMIT),
        refusal=TOO_MANY_POSTS,
        submit=submit,
    )


@require_http_methods(["GET", "POST"])
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.public(), pk=pk)
    target = _published_target(comment.content_type, comment.object_id)

    def submit(data: dict[str, Any]) -> str:
        comments.comment_report(
            comment=comment,
            reason=data["reason"],
            note=data["note"],
            reporter=request.user,
            client_keys=recent_client_fingerprints(request),
        )
        return _receipt_url(target, kind=receipts.REPORT, pk=comment.pk)

    return _form_page(
        request,
        template="feedback/commentreport_form.html",
        context={"comment": comment, "target": target},
        form_class=ReportForm,
        limit=Limit("report", *settings.COMMENT_REPORT_RATE_LIMIT),
        refusal=TOO_MANY_POSTS,
        submit=submit,
    )


def comment_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment's lasting address: its page, at the comment's page of the list."""
    comment = get_object_or_404(Comment.objects.public(), pk=pk)
    target = _published_target(comment.content_type, comment.object_id)
    page = comment_page_number(comment=comment, target=target)
    query = f"?kommentare={page}" if page > 1 else ""
    return HttpResponseRedirect(
        f"{target.get_absolute_url().split('#')[0]}{query}#kommentar-{comment.pk}"
    )


@require_http_methods(["GET", "POST"])
def address_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: link scanners in mail systems only ever GET."""
    try:
        link = subscriptions.confirmation_link(token)
    except BadSignature:
        return render(request, "feedback/confirmedaddress_invalid.html", status=400)
    purposes = subscriptions.address_purposes(email=link.email)
    if request.method == "POST":
        done = subscriptions.address_confirm_link(link=link) is not None
        return render(
            request,
            "feedback/confirmedaddress_confirm.html",
            {"done": done, "used": not done, "purposes": purposes},
        )
    used = subscriptions.confirmation_link_used(link)
    return render(
        request,
        "feedback/confirmedaddress_confirm.html",
        {"email": link.email, "used": used, "purposes": purposes},
    )


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail providers POST without a CSRF token.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The token in the URL is the only credential needed: it was mailed to the address."""
    address = get_object_or_404(ConfirmedAddress, unsubscribe_token=token)
    context = {"address": address, "purposes": subscriptions.address_purposes(email=address.email)}
    if request.method == "POST":
        subscriptions.address_unsubscribe(token=token)
        context["done"] = True
    return render(request, "feedback/confirmedaddress_unsubscribe.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(
        request.POST or None,
        user=request.user,
        guest_comment_count=account_services.account_guest_comments(user=request.user).count(),
    )
    if request.method == "POST":
        if form.is_valid():
            # Deleted before signing out: if the deletion fails, nothing has changed.
            account_services.account_delete(
                user=request.user, guest_comments=form.cleaned_data.get("guest_comments", False)
            )
            logout(request)
            messages.success(request, _("Ihr Konto ist gelöscht."))
            return redirect("strategy:home")
        return render(request, "account/account_delete.html", {"form": form}, status=400)
    return render(request, "account/account_delete.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def alert_settings(request: HttpRequest) -> HttpResponse:
    """Staff choose how they hear about the inbox: at once, once a day, or not at all."""
    if not request.user.is_staff:
        raise Http404
    form = AlertPreferenceForm(
        request.POST or None, initial={"delivery": alert_delivery(request.user)}
    )
    if request.method == "POST":
        if form.is_valid():
            alert_preference_set(user=request.user, delivery=form.cleaned_data["delivery"])
            messages.success(request, _("Ihre Einstellung ist gespeichert."))
            return redirect("feedback:alert_settings")
        return render(request, "account/alert_settings.html", {"form": form}, status=400)
    return render(request, "account/alert_settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """The contact form; a link may preselect a topic: /kontakt/?thema=barriere-melden."""
    topic = Topic.objects.active().with_slug(request.GET.get("thema", ""))

    def submit(data: dict[str, Any]) -> str:
        conversation = conversation_open_from_form(
            name=data["name"],
            email=data["email"],
            subject=data["subject"],
            topic=data.get("topic"),
            text=data["text"],
            consent_version=settings.PRIVACY_POLICY_VERSION,
            notify_progress=data["notify_progress"],
        )
        # The reference travels in a signed URL, not in a session: senders get no cookie.
        token = receipts.contact_token(conversation.reference, case_token(conversation.case))
        return reverse("feedback:contact_sent", kwargs={"token": token})

    return _form_page(
        request,
        template="feedback/conversation_create.html",
        context={},
        form_class=ContactForm,
        limit=Limit("contact", settings.CONTACT_LIMIT_PER_HOUR, 3600),
        refusal=TOO_MANY_MESSAGES,
        submit=submit,
        initial={"topic": topic.pk} if topic else None,
    )


@require_GET
def contact_sent(request: HttpRequest, token: str) -> HttpResponse:
    """Thanks, with the reference number of what this browser just sent."""
    receipt = receipts.contact_receipt(token)
    if not receipt:
        return redirect("feedback:contact")
    reference, token = receipt
    case_url = reverse("feedback:case", kwargs={"token": token}) if token else ""
    response = render(
        request,
        "feedback/conversation_created.html",
        {"reference": reference, "case_url": case_url},
    )
    # The page links to the private case page: never stored, never sent on as a referrer.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _transparency_depends() -> None:
    pagecache.depend(TRANSPARENCY)


@require_GET
@pagecache.shared_page(depends=_transparency_depends)
def transparency(request: HttpRequest) -> HttpResponse:
    """Contributions, answers, times, deadlines and the moderation record: the worker's
    stored figures (one query), shared by all guests until it stores new ones."""
    figures = transparency_figures()
    context = {
        "figures": figures,
        "report": figures.report,
        "stats": figures.stats,
        "record": figures.record,
        "chart": bar_chart(figures.report) if figures.report.total else None,
        "cache_minutes": max(1, round(settings.TRANSPARENCY_CACHE_SECONDS / 60)),
    }
    return render(request, "feedback/transparency.html", context)


# The moderation record as open data (docs/OPEN_DATA.md): one German dataset, in any language.


def _open_data(response: HttpResponse) -> HttpResponse:
    # RFC 4946: the licence travels with the response, as for the strategy's data.
    response["Link"] = f'<{opendata.LICENSE["url"]}>; rel="license"'
    return response


@require_GET
def moderation_json(request: HttpRequest) -> JsonResponse:
    with override(settings.LANGUAGE_CODE):
        data = opendata.moderation_data(figures=transparency_figures(), request=request)
    return _open_data(JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2}))


@require_GET
def moderation_csv(request: HttpRequest) -> HttpResponse:
    with override(settings.LANGUAGE_CODE):
        body = opendata.moderation_csv(figures=transparency_figures())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    file_name = town_file_name("moderation.csv")
    response["Content-Disposition"] = f'inline; filename="{file_name}"'
    return _open_data(response)


@require_GET
def moderation_schema(request: HttpRequest) -> JsonResponse:
    with override(settings.LANGUAGE_CODE):
        schema = opendata.moderation_schema(request=request)
    return JsonResponse(
        schema,
        content_type="application/schema+json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


@require_GET
def moderation_table_schema(request: HttpRequest) -> JsonResponse:
    with override(settings.LANGUAGE_CODE):
        schema = opendata.moderation_table_schema()
    return JsonResponse(schema, json_dumps_params={"ensure_ascii": False, "indent": 2})
