"""Citizens' plain text shown as HTML: escaped, paragraphs kept, addresses turned into links."""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from django.utils.html import linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

# Links written by citizens carry no endorsement and open no window back to the site.
LINK_REL = "nofollow ugc noopener"
_LINK = re.compile(r"<a\s")


def clean_text(text: str) -> str:
    """Text as stored: Unix line ends, no surrounding white space."""
    return normalize_newlines(text).strip()


def _linkify(text: str) -> str:
    # urlize escapes everything that is not a link, so the result holds no tag of the text.
    return urlize(text, trim_url_limit=60, nofollow=True, autoescape=True)


def count_links(text: str) -> int:
    """How many links the text would show: the same detection the page uses."""
    return len(_LINK.findall(_linkify(text)))


@lru_cache(maxsize=2048)
def render_comment_text(text: str) -> SafeString:
    html = linebreaks(_linkify(text.strip()))
    clean = nh3.clean(
        html,
        tags={"a", "br", "p"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )
    return mark_safe(clean)  # noqa: S308 - escaped by urlize, sanitized by nh3 just above
