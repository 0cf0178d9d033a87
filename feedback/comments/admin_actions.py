"""Bulk moderation actions, shared by the comment list and the report list.

Both take one moderation step per comment through a service of `feedback.comments.services`
(`bulk_apply`: a comment whose state does not allow the step is skipped and counted), and both
need a reason from the list for rejecting, marking as spam and hiding: it is chosen next to
the action (`reason_field` in the action form) and passed to the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from feedback.admin_tools import bulk_apply
from feedback.models import RejectionReason

REASON_MISSING = _("Bitte wählen Sie einen Grund aus der Liste der Ablehnungsgründe.")


def reason_field(**options: Any) -> forms.ModelChoiceField:
    """The choice of an active reason from the list (*Ablehnungsgründe*)."""
    return forms.ModelChoiceField(
        queryset=RejectionReason.objects.filter(is_active=True),
        required=False,
        label=_("Grund"),
        **options,
    )


def chosen_reason(request: HttpRequest) -> RejectionReason | None:
    """The active rejection reason chosen next to the bulk actions, if any."""
    reason_id = request.POST.get("rejection_reason", "")
    if not reason_id.isdigit():
        return None
    return RejectionReason.objects.filter(is_active=True, pk=reason_id).first()


def moderation_bulk_action(
    name: str,
    service: Callable[..., Any],
    description: Any,
    done: Any,
    *,
    skipped: Any,
    permission: str = "change",
    reason_keyword: str = "",
    comments: Callable[[QuerySet], QuerySet] = lambda queryset: queryset,
    with_note: bool = False,
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet], None]:
    """A bulk action taking one moderation step per comment through `service`.

    `comments` turns the selected rows into the comments to act on (the report list selects
    reports); `done` and `skipped` are `ngettext_lazy` messages counting "count". A reason
    from the list, where `reason_keyword` names the service's argument, is required; with
    `with_note` the action form's free text goes to the log as `reason`.
    """

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        arguments: dict[str, Any] = {"moderator": request.user}
        if with_note:
            arguments["reason"] = request.POST.get("note", "").strip()[:500]
        if reason_keyword:
            arguments[reason_keyword] = chosen_reason(request)
            if arguments[reason_keyword] is None:
                messages.error(request, REASON_MISSING)
                return
        succeeded, passed_over = bulk_apply(
            comments(queryset), lambda comment: service(comment=comment, **arguments)
        )
        if succeeded:
            messages.success(request, done % {"count": succeeded})
        if passed_over:
            messages.warning(request, skipped % {"count": passed_over})

    action.__name__ = name
    return admin.action(description=description, permissions=[permission])(action)
