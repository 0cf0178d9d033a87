"""The staff roles: which permissions each group gets (applied by `manage.py setup_roles`)."""

from __future__ import annotations

from django.apps import apps

MODERATION = "Moderation"
EDITORS = "Redaktion"

# Moderation handles what citizens send; it edits no content.
MODERATION_PERMISSIONS = {
    ("feedback", "view_comment"),
    ("feedback", "change_comment"),
    ("feedback", "view_commentreport"),
    ("feedback", "view_moderationaction"),
    ("feedback", "view_rejectionreason"),
    ("feedback", "add_rejectionreason"),
    ("feedback", "change_rejectionreason"),
    ("feedback", "delete_rejectionreason"),
}

# Content models editors may not touch: bookkeeping of the seed command.
_EDITOR_EXCLUDED_MODELS = {"seedrecord"}


def editor_permissions() -> set[tuple[str, str]]:
    """Everything on the strategy app's content; comments only to read, without addresses.

    Read from the app registry, so content types added later are included when
    `setup_roles` runs again.
    """
    permissions = {("feedback", "view_comment")}
    for model in apps.get_app_config("strategy").get_models():
        name = model._meta.model_name
        if name in _EDITOR_EXCLUDED_MODELS or name.startswith("historical"):
            continue
        for action in model._meta.default_permissions:
            permissions.add(("strategy", f"{action}_{name}"))
    return permissions


def role_permissions() -> dict[str, set[tuple[str, str]]]:
    return {MODERATION: set(MODERATION_PERMISSIONS), EDITORS: editor_permissions()}
