from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

from feedback.text import count_links


def validate_link_count(text: str) -> None:
    """Spam carries links; a citizen's opinion rarely needs more than a few."""
    limit = settings.COMMENT_MAX_LINKS
    if count_links(text) > limit:
        raise ValidationError(
            ngettext(
                "Bitte fügen Sie höchstens %(limit)d Link ein.",
                "Bitte fügen Sie höchstens %(limit)d Links ein.",
                limit,
            ),
            code="too_many_links",
            params={"limit": limit},
        )
