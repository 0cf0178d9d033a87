import pytest
from django.core.exceptions import ValidationError

from strategy.models import Measure, MeasureStatus, Page, PublicationStatus, SeedRecord, Task
from strategy.packs import pack_items, pack_read
from strategy.services import SeedItem, content_seed, measure_set_status
from strategy.signals import measure_status_changed
from tests.feedback.factories import UserFactory
from tests.strategy.factories import MeasureFactory


def verl_content():
    """The Verl pack's base items, read lazily as `load_content` reads them."""
    return pack_items(pack=pack_read("verl"))


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    first = content_seed(items=verl_content())
    assert len(first.created) == len(list(verl_content()))
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
    assert Page.objects.published().count() == 7  # with the page in Leichte Sprache
    assert Task.objects.published().count() == 9


@pytest.fixture
def announced():
    """The measure_status_changed signals sent while the test runs."""
    received: list[dict] = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    measure_status_changed.connect(receiver)
    yield received
    measure_status_changed.disconnect(receiver)


@pytest.mark.django_db
def test_measure_set_status_saves_records_history_and_announces_after_commit(
    announced, django_capture_on_commit_callbacks
):
    measure = MeasureFactory(progress=MeasureStatus.PLANNED)
    editor = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        measure_set_status(measure=measure, status=MeasureStatus.IN_PROGRESS, changed_by=editor)
    assert announced == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [sent] = announced
    assert sent["measure"].progress == MeasureStatus.IN_PROGRESS
    assert (sent["old_status"], sent["new_status"]) == ("planned", "in_progress")
    assert sent["changed_by"] == editor
    assert Measure.objects.get(pk=measure.pk).progress == MeasureStatus.IN_PROGRESS
    entry = measure.history.first()
    assert entry.history_user == editor
    assert entry.history_change_reason == "Umsetzungsstand: geplant → in Umsetzung"


@pytest.mark.django_db
def test_setting_the_same_status_changes_and_announces_nothing(
    announced, django_capture_on_commit_callbacks
):
    measure = MeasureFactory(progress=MeasureStatus.DONE)
    entries = measure.history.count()
    with django_capture_on_commit_callbacks(execute=True):
        measure_set_status(measure=measure, status=MeasureStatus.DONE, changed_by=None)
    assert announced == []
    assert measure.history.count() == entries


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("current", "wanted"),
    [("done", "planned"), ("done", "deferred"), ("planned", "erfunden")],
)
def test_forbidden_status_changes_are_refused(
    announced, django_capture_on_commit_callbacks, current, wanted
):
    measure = MeasureFactory(progress=current)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        measure_set_status(measure=measure, status=wanted, changed_by=None)
    assert Measure.objects.get(pk=measure.pk).progress == current
    assert announced == []


@pytest.mark.django_db
def test_the_status_check_reads_the_stored_status_not_a_stale_copy(announced):
    measure = MeasureFactory(progress=MeasureStatus.PLANNED)
    stale = Measure.objects.get(pk=measure.pk)
    measure_set_status(measure=measure, status=MeasureStatus.DONE, changed_by=None)
    with pytest.raises(ValidationError):
        measure_set_status(measure=stale, status=MeasureStatus.DEFERRED, changed_by=None)
