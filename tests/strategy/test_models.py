from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from strategy.models import Event, Measure, MeasureUpdate, NewsPost, PublicationState
from tests.strategy.factories import (
    ActionFieldFactory,
    EventFactory,
    MeasureFactory,
    MeasureUpdateFactory,
    NewsPostFactory,
)


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
