"""What the appeal tests share; the fixtures (`rejected`, `author_address`) are in
tests/feedback/conftest.py, for the privacy tests too."""

from feedback.comments import services as comments
from feedback.models import ModerationAction

AUTHOR = "clara@example.org"


def submitted(page, *, text="Das Bürgerbüro braucht längere Öffnungszeiten.", notify=True):
    """A guest's comment whose author asked for updates and confirmed the address."""
    return comments.comment_submit(
        target=page, author_name="Clara", author_email=AUTHOR, notify=notify, text=text
    )


def decision_of(comment, step: str) -> ModerationAction:
    return comment.actions.filter(action=step).order_by("-created_at", "-id").first()
