from datetime import timedelta

import factory
from django.utils import timezone

from strategy.models import (
    ActionField,
    BestPractice,
    Event,
    Measure,
    MeasureStatus,
    MeasureUpdate,
    Network,
    NetworkKind,
    NewsPost,
    Page,
    Project,
    ProjectStatus,
    PublicationStatus,
    Section,
    SignLanguageTopic,
    SignLanguageVideo,
    Task,
)
from tests.strategy.media import CAPTIONS, WEBM


class PublishableFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Eintrag {n}")
    slug = factory.Sequence(lambda n: f"eintrag-{n}")
    body = "Ein **kurzer** Text."
    status = PublicationStatus.PUBLISHED
    publish_at = factory.LazyFunction(timezone.now)


class PageFactory(PublishableFactory):
    class Meta:
        model = Page


class SectionFactory(PublishableFactory):
    page = factory.SubFactory(PageFactory)

    class Meta:
        model = Section


class TaskFactory(PublishableFactory):
    class Meta:
        model = Task


class ActionFieldFactory(PublishableFactory):
    class Meta:
        model = ActionField

    summary = "Ein Handlungsfeld der Strategie."


class MeasureFactory(PublishableFactory):
    class Meta:
        model = Measure

    action_field = factory.SubFactory(ActionFieldFactory)
    summary = "Eine Maßnahme."
    department = "Stabsstelle Digitalisierung"
    progress = MeasureStatus.PLANNED


class MeasureUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureUpdate

    measure = factory.SubFactory(MeasureFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    text = "Es geht voran."


class ProjectFactory(PublishableFactory):
    class Meta:
        model = Project

    progress = ProjectStatus.RUNNING


class BestPracticeFactory(PublishableFactory):
    class Meta:
        model = BestPractice

    town = "Musterstadt"
    url = "https://musterstadt.example/digital"
    assessment = "Passt gut zu Verl."


class EventFactory(PublishableFactory):
    class Meta:
        model = Event

    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=2))
    location = "Rathaus Verl, Paradieskamp 1, 33415 Verl"
    registration = "Keine Anmeldung nötig."


class NewsPostFactory(PublishableFactory):
    class Meta:
        model = NewsPost


class NetworkFactory(PublishableFactory):
    class Meta:
        model = Network

    kind = NetworkKind.WORKING_GROUP


class SignLanguageVideoFactory(PublishableFactory):
    """A published video with captions; its bytes only carry the WebM signature
    (tests/strategy/media.py), enough for the page and the file responses."""

    class Meta:
        model = SignLanguageVideo

    topic = SignLanguageTopic.CONTENTS
    video = factory.django.FileField(filename="erklaerung.webm", data=WEBM)
    video_type = "video/webm"
    captions = factory.django.FileField(filename="erklaerung.vtt", data=CAPTIONS)
