from io import StringIO

import pytest
from django.core.management import call_command

from strategy.models import (
    ActionField,
    BestPractice,
    Event,
    Measure,
    MeasureUpdate,
    Network,
    NewsPost,
    Page,
    Project,
    Section,
    Task,
)


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_verl_content", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_verl_content_is_idempotent():
    assert "created 25" in run()  # the town profile, 7 pages, 3 sections, 9 tasks, 1 post, 4 topics
    counts = (Page.objects.count(), Section.objects.count(), Task.objects.count())
    assert "created 0, updated 0, left 25 unchanged" in run()
    assert (Page.objects.count(), Section.objects.count(), Task.objects.count()) == counts


@pytest.mark.django_db
def test_load_verl_content_dry_run_and_verbosity():
    output = run("--dry-run", "--verbosity", "2")
    assert "created: strategy.page:slug=start" in output
    assert output.strip().endswith("left 0 unchanged and 0 as edited.")
    assert Page.objects.count() == 0
    assert run("--verbosity", "0") == ""


@pytest.mark.django_db
def test_demo_content_is_a_marked_realistic_set():
    output = run("--demo")
    assert "created 133" in output  # 25 base items, 89 strategy demo items, 19 from feedback
    assert ActionField.objects.count() == 6
    assert Measure.objects.count() == 30
    assert Project.objects.count() == 10
    assert BestPractice.objects.count() == 5
    assert Event.objects.count() == 4
    assert NewsPost.objects.count() == 4  # the seed's announcement and three demo posts
    assert Network.objects.exists()
    assert MeasureUpdate.objects.exists()
    for model in (ActionField, Measure, Project, BestPractice, Event, Network):
        assert not model.objects.filter(is_demo=False).exists(), model
    seed_post = NewsPost.objects.get(is_demo=False)
    assert seed_post.slug == "vorstellung-digitalisierungsbeauftragter"
    assert set(Measure.objects.values_list("progress", flat=True)) == {
        "planned",
        "in_progress",
        "done",
        "deferred",
    }
    assert Project.objects.filter(is_smart_city=True).exists()
    assert Event.objects.upcoming().exists() or Event.objects.past().exists()
    assert "created 0, updated 0, left 133 unchanged" in run("--demo")


@pytest.mark.django_db
def test_demo_content_leaves_the_seed_text_alone():
    run()
    home = Page.objects.get(slug=Page.HOME)
    before = (home.title, home.body)
    run("--demo")
    home.refresh_from_db()
    assert (home.title, home.body) == before


@pytest.mark.django_db
def test_demo_dry_run_writes_nothing():
    assert "Dry run: would have created 133" in run("--demo", "--dry-run")
    assert not Measure.objects.exists()
