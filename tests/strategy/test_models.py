from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from strategy import schedule
from strategy.models import Event, Measure, MeasureUpdate, NewsPost, PublicationState, Section
from tests.strategy.factories import (
    ActionFieldFactory,
    EventFactory,
    MeasureFactory,
    MeasureUpdateFactory,
    NewsPostFactory,
    PageFactory,
    SectionFactory,
)

# A draft, a scheduled and a published item's own status and date.
OWN_STATES = {
    PublicationState.DRAFT: {"status": "draft"},
    PublicationState.SCHEDULED: {"publish_at": timezone.now() + timedelta(days=1)},
    PublicationState.PUBLISHED: {},
}


@pytest.mark.django_db
def test_publication_state_is_draft_scheduled_or_published():
    draft = NewsPostFactory(status="draft")
    scheduled = NewsPostFactory(publish_at=timezone.now() + timedelta(hours=1))
    live = NewsPostFactory()
    assert draft.publication_state == PublicationState.DRAFT
    assert scheduled.publication_state == PublicationState.SCHEDULED
    assert live.publication_state == PublicationState.PUBLISHED
    assert list(NewsPost.objects.published()) == [live]
    assert list(NewsPost.objects.scheduled()) == [scheduled]


@pytest.mark.django_db
def test_scheduled_item_is_published_once_its_time_has_come():
    post = NewsPostFactory(publish_at=timezone.now() + timedelta(minutes=5))
    assert not NewsPost.objects.published().exists()
    NewsPost.objects.filter(pk=post.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert list(NewsPost.objects.published()) == [post]


@pytest.mark.django_db
def test_measure_is_public_only_while_its_action_field_is():
    measure = MeasureFactory(action_field=ActionFieldFactory(status="draft"))
    assert not Measure.objects.published().exists()
    field = measure.action_field
    field.status = "published"
    field.publish_at = timezone.now() + timedelta(days=1)
    field.save()
    assert not Measure.objects.published().exists()
    type(field).objects.filter(pk=field.pk).update(publish_at=timezone.now())
    assert list(Measure.objects.published()) == [measure]


@pytest.mark.django_db
def test_section_is_public_only_while_its_page_is():
    hidden = SectionFactory(page=PageFactory(status="draft"))
    later = SectionFactory(page=PageFactory(publish_at=timezone.now() + timedelta(days=1)))
    live = SectionFactory()
    assert list(Section.objects.published()) == [live]
    assert list(Section.objects.scheduled()) == [later]
    assert not hidden.is_published
    assert hidden.publication_state == PublicationState.DRAFT
    assert later.publication_state == PublicationState.SCHEDULED
    assert later.public_from == later.page.publish_at
    assert live.is_published


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "parent", "parent_factory"),
    [(SectionFactory, "page", PageFactory), (MeasureFactory, "action_field", ActionFieldFactory)],
)
def test_an_item_and_its_parent_make_one_state_the_same_in_python_and_in_the_database(
    factory, parent, parent_factory
):
    for own in OWN_STATES.values():
        for parents in OWN_STATES.values():
            factory(**own, **{parent: parent_factory(**parents)})
    model = factory._meta.model
    for item in model.objects.all():
        states = [s for s in PublicationState if model.objects.in_state(s).filter(pk=item.pk)]
        assert states == [item.publication_state], (item.status, getattr(item, parent).status)
    assert model.objects.published().count() == 1
    assert model.objects.scheduled().count() == 3
    assert model.objects.in_state(PublicationState.DRAFT).count() == 5


@pytest.mark.django_db
def test_next_change_is_when_a_section_of_a_scheduled_page_appears():
    page = PageFactory(publish_at=timezone.now() + timedelta(days=2))
    SectionFactory(page=page, publish_at=timezone.now() - timedelta(days=1))
    assert schedule._next_change_at() == page.publish_at


@pytest.mark.django_db
def test_measure_updates_are_public_from_their_date_on_published_measures():
    shown = MeasureUpdateFactory()
    MeasureUpdateFactory(measure=shown.measure, date=timezone.localdate() + timedelta(days=1))
    MeasureUpdateFactory(measure=MeasureFactory(status="draft"))
    assert list(MeasureUpdate.objects.published()) == [shown]


@pytest.mark.django_db
def test_search_vector_is_generated_by_the_database():
    field = ActionFieldFactory(title="Digitalisierte Verwaltung", summary="", body="")
    field.refresh_from_db()
    assert "'digitalisiert':1A" in field.search_vector


@pytest.mark.django_db
def test_event_must_end_after_it_starts_and_have_a_place():
    event = EventFactory.build(
        slug="werkstatt",
        starts_at=timezone.now(),
        ends_at=timezone.now() - timedelta(hours=1),
        location="",
        online_url="",
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert set(error.value.message_dict) == {"ends_at", "location"}
    assert "Ort oder einen Online-Link" in str(error.value)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["kalender", "archiv", "feed"])
def test_event_slugs_must_not_shadow_other_pages(slug):
    with pytest.raises(ValidationError, match="reserviert"):
        EventFactory.build(slug=slug).full_clean()


@pytest.mark.django_db
def test_news_slug_feed_is_reserved():
    with pytest.raises(ValidationError, match="reserviert"):
        NewsPostFactory.build(slug="feed").full_clean()


@pytest.mark.django_db
def test_upcoming_and_past_events():
    now = timezone.now()
    running = EventFactory(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    later = EventFactory(
        starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=2, hours=2)
    )
    past = EventFactory(
        starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=3) + timedelta(hours=2)
    )
    older = EventFactory(
        starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=9) + timedelta(hours=2)
    )
    assert list(Event.objects.upcoming()) == [running, later]
    assert list(Event.objects.past()) == [past, older]
    assert past.is_past
    assert not running.is_past
