from io import StringIO

import pytest
from django.core.management import call_command

from strategy.models import Page, Section, Task


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_verl_content", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_verl_content_is_idempotent():
    assert "created 19" in run()
    counts = (Page.objects.count(), Section.objects.count(), Task.objects.count())
    assert "created 0, updated 0, left 19 unchanged" in run()
    assert (Page.objects.count(), Section.objects.count(), Task.objects.count()) == counts


@pytest.mark.django_db
def test_load_verl_content_dry_run_and_verbosity():
    output = run("--dry-run", "--verbosity", "2")
    assert "created: strategy.page:slug=start" in output
    assert output.strip().endswith("left 0 unchanged and 0 as edited.")
    assert Page.objects.count() == 0
    assert run("--verbosity", "0") == ""
