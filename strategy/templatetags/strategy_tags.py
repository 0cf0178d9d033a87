from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from strategy.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text or "")


@register.simple_tag(takes_context=True)
def nav_current(context: dict[str, Any], url_name: str) -> SafeString:
    """aria-current for a main-nav link: "page" on the page itself, "true" below it."""
    request = context.get("request")
    if request is None:
        return mark_safe("")
    url = reverse(url_name)
    if request.path == url:
        return mark_safe(' aria-current="page"')
    if url != "/" and request.path.startswith(url):
        return mark_safe(' aria-current="true"')
    return mark_safe("")
