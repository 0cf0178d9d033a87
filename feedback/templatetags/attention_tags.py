"""`{% attention %}`: the admin start page's "Was braucht meine Aufmerksamkeit?" block
(`templates/admin/index.html`); the counts come from `feedback.attention`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from feedback.attention import attention_blocks, attention_counts

register = template.Library()


@register.inclusion_tag("admin/feedback/attention.html", takes_context=True)
def attention(context: dict[str, Any]) -> dict[str, Any]:
    counts = attention_counts(user=context["request"].user)
    return {"blocks": attention_blocks(counts, now=timezone.now())}
