"""The staff roles: which permissions each group gets (applied by `manage.py setup_roles`).

Least privilege: each group gets what its job needs and nothing else. *Moderation* has a
fixed list; *Redaktion*'s and *Administration*'s are read from the installed models when the
command runs. The permission table in docs/FEATURES.md describes the same sets;
tests/verl_digital/accounts/test_roles.py proves them through the admin.
"""

from __future__ import annotations

from django.apps import apps

from feedback.alerts.digest import MODERATION

EDITORS = "Redaktion"
ADMINISTRATION = "Administration"

# Moderation handles what citizens send — comments and the inbox — and edits no content.
MODERATION_PERMISSIONS = {
    # Comments: read, moderate (every step is a change through the services), reports, log.
    ("feedback", "view_comment"),
    ("feedback", "change_comment"),
    ("feedback", "view_commentreport"),
    ("feedback", "view_moderationaction"),
    ("feedback", "view_rejectionreason"),
    ("feedback", "add_rejectionreason"),
    ("feedback", "change_rejectionreason"),
    ("feedback", "delete_rejectionreason"),
    # Appeals against moderation decisions: read them and decide them (the second review).
    ("feedback", "view_appeal"),
    ("feedback", "change_appeal"),
    # Inbox: read and answer conversations (status, assignee, notes), read messages and
    # attachments (never edited), keep the answer templates and the contact form's topics.
    ("feedback", "view_conversation"),
    ("feedback", "change_conversation"),
    ("feedback", "view_message"),
    ("feedback", "view_attachment"),
    ("feedback", "view_answertemplate"),
    ("feedback", "add_answertemplate"),
    ("feedback", "change_answertemplate"),
    ("feedback", "delete_answertemplate"),
    ("feedback", "view_topic"),
    ("feedback", "add_topic"),
    ("feedback", "change_topic"),
    # Cases: deadlines, outcomes and merging duplicates (never added or deleted by hand).
    ("feedback", "view_case"),
    ("feedback", "change_case"),
    # "Ihr Feedback – unsere Maßnahmen": link comments and conversations to measures, which
    # moderators must be able to find (read only: they edit no content).
    ("feedback", "view_measurelink"),
    ("feedback", "add_measurelink"),
    ("feedback", "delete_measurelink"),
    ("strategy", "view_measure"),
}

# Strategy models editors may not touch: bookkeeping of the seed command, and the town profile
# (name, sender, reference prefix: Administration's).
_EDITOR_EXCLUDED_MODELS = {"seedrecord", "townprofile"}


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


def administration_permissions() -> set[tuple[str, str]]:
    """Every permission of every installed model: users, groups, authenticators, content,
    feedback and the custom permissions apps declare (e.g. handling personal data)."""
    permissions = set()
    for model in apps.get_models():
        opts = model._meta
        for action in opts.default_permissions:
            permissions.add((opts.app_label, f"{action}_{opts.model_name}"))
        for codename, _name in opts.permissions:
            permissions.add((opts.app_label, codename))
    return permissions


def role_permissions() -> dict[str, set[tuple[str, str]]]:
    return {
        MODERATION: set(MODERATION_PERMISSIONS),
        EDITORS: editor_permissions(),
        ADMINISTRATION: administration_permissions(),
    }
