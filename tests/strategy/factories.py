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
    TownProfile,
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


class TownProfileFactory(factory.django.DjangoModelFactory):
    """The town profile, by default Verl's real values; there is only ever one record.

    Creating it again overwrites the one record (`TownProfile` is a singleton), and this
    process forgets the copy it read, as the service does after its commit.
    """

    name = "Stadt Verl"
    short_name = "Verl"
    brand_colour = "#00587c"
    accent_colour = "#b3001b"
    street_address = "Paradieskamp 1"
    postal_code = "33415"
    locality = "Verl"
    website = "https://www.verl.de"
    cdo_name = ""
    cdo_email = "digitalisierung@verl.de"
    cdo_phone = ""
    dpo_contact = (
        "Behördliche Datenschutzbeauftragte der Stadt Verl, Paradieskamp 1, 33415 Verl, "
        "Zusatz „Datenschutz“"
    )
    dpo_email = ""
    mail_sender_name = "Stadt Verl"
    mail_sender_address = "digital@verl.de"
    reference_prefix = "VERL"
    federal_state = "NW"
    arbitration_body = (
        "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen bei "
        "der bzw. dem Beauftragten der Landesregierung für Menschen mit Behinderung, "
        "Fürstenwall 25, 40219 Düsseldorf"
    )
    arbitration_url = "https://www.mags.nrw/ombudsstelle-barrierefreie-it"

    class Meta:
        model = TownProfile

    @classmethod
    def _create(cls, model_class: type[TownProfile], *args, **kwargs) -> TownProfile:
        from strategy.town import town_profile_forget

        profile, _created = model_class.objects.update_or_create(pk=1, defaults=kwargs)
        town_profile_forget()
        return profile


# A second town, fictional: everything that names the town must follow the profile.
MUSTERSTADT = {
    "name": "Stadt Musterstadt",
    "short_name": "Musterstadt",
    "brand_colour": "#1a5e20",
    "accent_colour": "#8e2472",
    "street_address": "Marktplatz 7",
    "postal_code": "80331",
    "locality": "Musterstadt",
    "website": "https://www.musterstadt.example",
    "cdo_name": "Erika Mustermann",
    "cdo_email": "cdo@musterstadt.example",
    "cdo_phone": "089 1234-0",
    "dpo_contact": "Datenschutzbeauftragter der Stadt Musterstadt, Marktplatz 7, 80331 Musterstadt",
    "mail_sender_name": "Stadt Musterstadt",
    "mail_sender_address": "digital@musterstadt.example",
    "reference_prefix": "MUST",
    "federal_state": "BY",
    "arbitration_body": "Schlichtungsstelle Barrierefreiheit Bayern",
    "arbitration_url": "https://www.musterstadt.example/schlichtung",
}
