import pytest

from strategy.models import Page, PublicationStatus, SeedRecord, Task
from strategy.services import content_seed
from strategy.verl_content import SeedItem, verl_content


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    first = content_seed(items=verl_content())
    assert len(first.created) == len(verl_content())
    snapshot = list(Page.objects.values_list("pk", "title", "body", "updated_at"))
    second = content_seed(items=verl_content())
    assert second.created == second.updated == second.kept == []
    assert len(second.unchanged) == len(first.created)
    assert list(Page.objects.values_list("pk", "title", "body", "updated_at")) == snapshot


@pytest.mark.django_db
def test_seeding_keeps_what_an_editor_changed():
    content_seed(items=verl_content())
    page = Page.objects.get(slug=Page.HOME)
    page.title = "Vom Redakteur geändert"
    page.save()
    new_seed = [
        SeedItem(Page, {"slug": Page.HOME}, {"title": "Neuer Standardtitel"}),
    ]
    report = content_seed(items=new_seed)
    assert report.kept == ["strategy.page:slug=start"]
    page.refresh_from_db()
    assert page.title == "Vom Redakteur geändert"


@pytest.mark.django_db
def test_seeding_updates_untouched_content_when_the_seed_changes():
    content_seed(items=[SeedItem(Task, {"slug": "a"}, {"title": "Alt", "status": "published"})])
    report = content_seed(
        items=[SeedItem(Task, {"slug": "a"}, {"title": "Neu", "status": "published"})]
    )
    assert report.updated == ["strategy.task:slug=a"]
    assert Task.objects.get(slug="a").title == "Neu"


@pytest.mark.django_db
def test_seeding_does_not_recreate_what_an_editor_deleted():
    content_seed(items=verl_content())
    Task.objects.filter(slug="smart-city").delete()
    report = content_seed(items=verl_content())
    assert "strategy.task:slug=smart-city" in report.kept
    assert not Task.objects.filter(slug="smart-city").exists()


@pytest.mark.django_db
def test_seeding_leaves_pages_an_editor_made_before_the_first_load():
    Page.objects.create(
        slug=Page.IMPRINT, title="Eigenes Impressum", status=PublicationStatus.DRAFT
    )
    report = content_seed(items=verl_content())
    assert "strategy.page:slug=impressum" in report.kept
    assert Page.objects.get(slug=Page.IMPRINT).title == "Eigenes Impressum"


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    report = content_seed(items=verl_content(), dry_run=True)
    assert report.created
    assert Page.objects.count() == 0
    assert SeedRecord.objects.count() == 0


@pytest.mark.django_db
def test_seeded_content_is_published_and_valid():
    content_seed(items=verl_content())
    assert Page.objects.published().count() == 6
    assert Task.objects.published().count() == 9
