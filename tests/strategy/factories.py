import factory
from django.utils import timezone

from strategy.models import Page, PublicationStatus, Section, Task


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
