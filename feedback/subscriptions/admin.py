"""Confirmed addresses in the admin: staff see them and stop updates through the service."""

from __future__ import annotations

from django.contrib import admin

from feedback.models import (
    ConfirmedAddress,
)


@admin.register(ConfirmedAddress)
class ConfirmedAddressAdmin(admin.ModelAdmin):
    list_display = ["email", "confirmed_at", "notify", "unsubscribed_at"]
    list_filter = ["notify"]
    search_fields = ["email"]
    readonly_fields = ["email", "confirmed_at", "unsubscribed_at"]
