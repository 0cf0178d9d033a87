"""Confirmed addresses in the admin: staff see them and stop updates through the service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from feedback.models import ConfirmedAddress
from feedback.subscriptions.services import address_unsubscribe


@admin.register(ConfirmedAddress)
class ConfirmedAddressAdmin(admin.ModelAdmin):
    """Owners confirm and unsubscribe their addresses through links in the mails. Staff stop
    the updates of an owner who asks in another way through the same service, so the
    unsubscription is recorded the same way; the flag itself cannot be edited here."""

    list_display = ["email", "confirmed_at", "notify", "unsubscribed_at"]
    list_filter = ["notify"]
    search_fields = ["email"]
    readonly_fields = ["email", "confirmed_at", "notify", "unsubscribed_at"]
    actions = ["unsubscribe"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the owner confirms an address, by the link mailed to it

    @admin.action(
        description=_("Benachrichtigungen an die ausgewählten Adressen abbestellen"),
        permissions=["change"],
    )
    def unsubscribe(self, request: HttpRequest, queryset: QuerySet) -> None:
        subscribed = list(queryset.filter(notify=True))
        for address in subscribed:
            address_unsubscribe(token=address.unsubscribe_token)
        self.message_user(
            request,
            ngettext(
                "%(count)d Adresse erhält keine Benachrichtigungen mehr.",
                "%(count)d Adressen erhalten keine Benachrichtigungen mehr.",
                len(subscribed),
            )
            % {"count": len(subscribed)},
            messages.SUCCESS,
        )
