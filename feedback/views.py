from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.signing import BadSignature
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from feedback import account_services, receipts
from feedback.comments import services as comments
from feedback.forms import AccountDeleteForm, CommentForm, ContactForm, ReportForm
from feedback.inbox.services import conversation_open_from_form
from feedback.models import Comment, ConfirmedAddress, Topic
from feedback.ratelimit import (
    Limit,
    client_fingerprint,
    limit_exceeded,
    recent_client_fingerprints,
)
from feedback.subscriptions import services as subscriptions
from feedback.transparency import bar_chart, transparency_report
from strategy.models import Publishable
from verl_digital import pagecache
from verl_digital.versions import TRANSPARENCY


def _published_target(content_type: ContentType, object_id: int) -> Publishable:
    model = content_type.model_class()
    if model is None or not issubclass(model, Publishable):
        raise Http404
    return get_object_or_404(model.objects.published(), pk=object_id)


def _receipt_url(target: Publishable, *, kind: str, pk: int) -> str:
    """Back to the page, with the confirmation in the URL: anonymous visitors get no cookie.

    No #fragment: browsers skip `autofocus` when the URL names a target, and the focused
    confirmation is what screen readers read and what the browser scrolls to.
    """
    token = receipts.receipt_token(kind=kind, pk=pk)
    return f"{target.get_absolute_url().split('#')[0]}?{receipts.PARAMETER}={token}"


def _kept(data: QueryDict, fields: list[str], checkboxes: list[str]) -> dict[str, Any]:
    """What the visitor typed, to show again when the request is refused before validation."""
    kept: dict[str, Any] = {name: data.get(name, "") for name in fields}
    kept.update({name: bool(data.get(name)) for name in checkboxes})
    return kept


def _rate_limited(request: HttpRequest, scope: str, rate: tuple[int, int]) -> bool:
    if not settings.RATE_LIMITS_ENABLED:
        return False
    count, seconds = rate
    return limit_exceeded(limit=Limit(scope, count, seconds), key=client_fingerprint(request))


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
    context: dict[str, Any] = {"target": target, "parent": parent}
    if request.method != "POST":
        context["form"] = CommentForm(user=request.user)
        return render(request, "feedback/comment_form.html", context)
    if _rate_limited(request, "comment", settings.COMMENT_RATE_LIMIT):
        kept = _kept(request.POST, ["author_name", "author_email", "text"], ["notify"])
        context["form"] = CommentForm(initial=kept, user=request.user)
        context["rate_limited"] = True
        return render(request, "feedback/comment_form.html", context, status=429)
    form = CommentForm(request.POST, user=request.user)
    context["form"] = form
    if form.is_valid():
        data = form.cleaned_data
        try:
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
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(_receipt_url(target, kind=receipts.COMMENT, pk=comment.pk))
    return render(request, "feedback/comment_form.html", context, status=400)


@require_http_methods(["GET", "POST"])
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.public(), pk=pk)
    target = _published_target(comment.content_type, comment.object_id)
    context: dict[str, Any] = {"comment": comment, "target": target}
    if request.method != "POST":
        context["form"] = ReportForm(user=request.user)
        return render(request, "feedback/commentreport_form.html", context)
    if _rate_limited(request, "report", settings.COMMENT_REPORT_RATE_LIMIT):
        kept = _kept(request.POST, ["reason", "note"], [])
        context["form"] = ReportForm(initial=kept, user=request.user)
        context["rate_limited"] = True
        return render(request, "feedback/commentreport_form.html", context, status=429)
    form = ReportForm(request.POST, user=request.user)
    context["form"] = form
    if form.is_valid():
        try:
            comments.comment_report(
                comment=comment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                client_keys=recent_client_fingerprints(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(_receipt_url(target, kind=receipts.REPORT, pk=comment.pk))
    return render(request, "feedback/commentreport_form.html", context, status=400)


def comment_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment's lasting address: its page, at the comment's page of the list."""
    comment = get_object_or_404(Comment.objects.public(), pk=pk)
    target = _published_target(comment.content_type, comment.object_id)
    top = comment.parent or comment
    before = (
        Comment.objects.public()
        .for_target(target)
        .top_level()
        .filter(Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, pk__lt=top.pk))
        .count()
    )
    page = before // settings.COMMENTS_PER_PAGE + 1
    query = f"?kommentare={page}" if page > 1 else ""
    return HttpResponseRedirect(
        f"{target.get_absolute_url().split('#')[0]}{query}#kommentar-{comment.pk}"
    )


@require_http_methods(["GET", "POST"])
def address_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: link scanners in mail systems only ever GET."""
    try:
        email = subscriptions.confirmation_email(token)
    except BadSignature:
        return render(request, "feedback/confirmedaddress_invalid.html", status=400)
    if request.method == "POST":
        subscriptions.address_confirm(email=email)
        return render(request, "feedback/confirmedaddress_confirm.html", {"done": True})
    return render(request, "feedback/confirmedaddress_confirm.html", {"email": email})


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail providers POST without a CSRF token.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The token in the URL is the only credential needed: it was mailed to the address."""
    address = get_object_or_404(ConfirmedAddress, unsubscribe_token=token)
    if request.method == "POST":
        subscriptions.address_unsubscribe(token=token)
        return render(request, "feedback/confirmedaddress_unsubscribe.html", {"done": True})
    return render(request, "feedback/confirmedaddress_unsubscribe.html", {"address": address})


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            logout(request)
            account_services.account_delete(user=user)
            messages.success(request, _("Ihr Konto ist gelöscht."))
            return redirect("strategy:home")
        return render(request, "account/account_delete.html", {"form": form}, status=400)
    return render(request, "account/account_delete.html", {"form": form})


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """The contact form. Errors re-render it with what was typed (400; 429 when too many)."""
    template = "feedback/conversation_create.html"
    if request.method != "POST":
        # Links may preselect a topic: /kontakt/?thema=barriere-melden
        topic = Topic.objects.active().with_slug(request.GET.get("thema", ""))
        initial = {"topic": topic.pk} if topic else {}
        return render(request, template, {"form": ContactForm(initial=initial, user=request.user)})
    form = ContactForm(request.POST, user=request.user)
    if _rate_limited(request, "contact", (settings.CONTACT_LIMIT_PER_HOUR, 3600)):
        form.is_valid()  # show the other errors too, so nothing has to be fixed twice
        form.add_error(
            None,
            _(
                "Von Ihrem Anschluss kamen in der letzten Stunde sehr viele Nachrichten. "
                "Bitte versuchen Sie es später noch einmal oder schreiben Sie uns eine E-Mail."
            ),
        )
        return render(request, template, {"form": form}, status=429)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    conversation = conversation_open_from_form(
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        subject=form.cleaned_data["subject"],
        topic=form.cleaned_data.get("topic"),
        text=form.cleaned_data["text"],
        consent_version=settings.PRIVACY_POLICY_VERSION,
        notify_progress=form.cleaned_data["notify_progress"],
    )
    # The reference travels in a signed URL, not in a session: senders get no cookie.
    return redirect("feedback:contact_sent", token=receipts.contact_token(conversation.reference))


@require_GET
def contact_sent(request: HttpRequest, token: str) -> HttpResponse:
    """Thanks, with the reference number of what this browser just sent."""
    reference = receipts.contact_reference(token)
    if not reference:
        return redirect("feedback:contact")
    return render(request, "feedback/conversation_created.html", {"reference": reference})


def _transparency_depends() -> None:
    pagecache.depend(TRANSPARENCY)


@require_GET
@pagecache.shared_page(depends=_transparency_depends)
def transparency(request: HttpRequest) -> HttpResponse:
    """Contributions by channel and month, share answered, medians: from the data, cached.

    The page is shared by all guests until the report it shows is due to be recomputed.
    """
    report = transparency_report()
    pagecache.expires(report.computed_at.timestamp() + settings.TRANSPARENCY_CACHE_SECONDS)
    context = {
        "report": report,
        "chart": bar_chart(report) if report.total else None,
        "cache_minutes": max(1, round(settings.TRANSPARENCY_CACHE_SECONDS / 60)),
    }
    return render(request, "feedback/transparency.html", context)
