from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from feedback.models import RejectionReason

pytestmark = pytest.mark.django_db


def run(*args: str, verbosity: int = 1) -> str:
    out = StringIO()
    call_command(*args, stdout=out, verbosity=verbosity)
    return out.getvalue()


def test_setup_roles_creates_the_groups_and_is_idempotent():
    assert "dry run: nothing saved" in run("setup_roles", "--dry-run")
    assert not Group.objects.exists()

    output = run("setup_roles", verbosity=2)
    assert "create group Moderation" in output
    assert "create group Administration" in output
    assert "Redaktion: + strategy.change_page" in output
    moderation = set(
        Group.objects.get(name="Moderation").permissions.values_list("codename", flat=True)
    )
    assert "change_comment" in moderation
    assert not any(codename.endswith("_page") for codename in moderation)
    editors = set(
        Group.objects.get(name="Redaktion").permissions.values_list("codename", flat=True)
    )
    assert {"change_page", "add_task", "view_comment"} <= editors
    assert "change_comment" not in editors
    assert "change_seedrecord" not in editors

    assert run("setup_roles").strip() == "roles are up to date"
    assert run("setup_roles", verbosity=0) == ""


def test_setup_roles_takes_back_permissions_granted_by_hand():
    run("setup_roles")
    moderation = Group.objects.get(name="Moderation")
    moderation.permissions.add(Permission.objects.get(codename="change_page"))
    output = run("setup_roles")
    assert "group Moderation: 0 permission(s) added, 1 removed" in output
    assert not moderation.permissions.filter(codename="change_page").exists()


def test_load_rejection_reasons_only_fills_an_empty_list():
    assert "dry run" in run("load_rejection_reasons", "--dry-run")
    assert not RejectionReason.objects.exists()
    run("load_rejection_reasons")
    count = RejectionReason.objects.count()
    assert count == 5
    RejectionReason.objects.first().delete()
    run("load_rejection_reasons")
    assert RejectionReason.objects.count() == count - 1
