"""`manage.py prepare`: the one list of steps before the site serves."""

from io import StringIO

import pytest
from django.core.management import call_command

from feedback.models import RejectionReason, Topic
from strategy.models import Page

pytestmark = pytest.mark.django_db


def test_prepare_loads_what_the_site_needs_and_runs_again_unchanged():
    call_command("prepare", verbosity=0)
    counts = (Page.objects.count(), Topic.objects.count(), RejectionReason.objects.count())
    assert all(counts)
    call_command("prepare", verbosity=0)
    assert (Page.objects.count(), Topic.objects.count(), RejectionReason.objects.count()) == counts


def test_a_dry_run_lists_the_steps_and_changes_nothing():
    out = StringIO()
    call_command("prepare", "--dry-run", stdout=out)
    assert "load content" in out.getvalue()
    assert not Page.objects.exists()
