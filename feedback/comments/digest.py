"""Old task path of the digest, which moved to `feedback.alerts.digest` when it began to
serve the inbox too: rows queued before the move name `feedback.comments.digest.notify_moderators`.
Remove this module once no `DBTaskResult` row with status READY has that `task_path`.
"""

from feedback.alerts.digest import notify_moderators

__all__ = ["notify_moderators"]
