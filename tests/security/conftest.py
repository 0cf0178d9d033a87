"""The staff fixtures of the feedback tests: attacks are tried as those roles."""

from tests.feedback.conftest import editor, moderator, moderator_client, page, roles

__all__ = ["editor", "moderator", "moderator_client", "page", "roles"]
