"""`feedback.services` only keeps the stack test's import working (see its docstring)."""

from feedback import services
from feedback.comments.services import comment_approve


def test_the_stack_tests_import_finds_the_comment_service():
    assert services.comment_approve is comment_approve
