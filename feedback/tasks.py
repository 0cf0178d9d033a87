"""Old task paths, kept until the mails and digests queued under them have run.

django-tasks-db stores a task by its module path and the worker imports that path again when
it runs the task, so rows queued before the split still name `feedback.tasks.send_email` and
`feedback.tasks.notify_moderators`. Remove this module once no `DBTaskResult` row with status
READY has a `task_path` starting with `feedback.tasks.`.
"""

from feedback.alerts.digest import notify_moderators
from feedback.outbox import send_email

__all__ = ["notify_moderators", "send_email"]
