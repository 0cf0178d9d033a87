"""The old home of the comment services, kept for one caller outside the sources.

`deploy/stack_test.py` (`make stack-test`) approves a comment inside a container with
`from feedback.services import comment_approve`. Remove this module once that line imports
from `feedback.comments.services`; nothing in the sources may import it.
"""

from feedback.comments.services import comment_approve

__all__ = ["comment_approve"]
