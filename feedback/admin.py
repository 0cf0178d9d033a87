"""The feedback app's admin lives with each sub-domain; importing the modules here lets
Django's admin autodiscovery register them."""

from feedback.alerts import admin as alerts
from feedback.appeals import admin as appeals
from feedback.comments import admin as comments
from feedback.comments import log_admin as comment_log
from feedback.inbox import admin as inbox
from feedback.privacy import admin as privacy
from feedback.subscriptions import admin as subscriptions

__all__ = [
    "alerts",
    "appeals",
    "comment_log",
    "comments",
    "inbox",
    "privacy",
    "subscriptions",
]
