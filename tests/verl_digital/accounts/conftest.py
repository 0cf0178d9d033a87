"""The staff fixtures of the feedback tests: roles are proven through the feedback admin."""

from tests.feedback.conftest import editor, moderator, moderator_client, page, roles

__all__ = ["editor", "moderator", "moderator_client", "page", "roles"]
