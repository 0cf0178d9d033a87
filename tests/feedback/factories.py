import factory
from django.utils import timezone

from feedback.models import (
    AnswerTemplate,
    Channel,
    Conversation,
    Direction,
    Message,
    Topic,
)


class TopicFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Thema {n}")
    position = factory.Sequence(int)

    class Meta:
        model = Topic


class ConversationFactory(factory.django.DjangoModelFactory):
    reference = factory.Sequence(lambda n: f"VERL-2026-{900000 + n:06d}")
    channel = Channel.EMAIL
    subject = factory.Sequence(lambda n: f"Anliegen {n}")
    contact_name = "Erika Mustermann"
    contact_email = factory.Sequence(lambda n: f"buerger{n}@example.org")
    created_at = factory.LazyFunction(timezone.now)
    last_message_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Conversation


class MessageFactory(factory.django.DjangoModelFactory):
    conversation = factory.SubFactory(ConversationFactory)
    direction = Direction.IN
    from_name = factory.SelfAttribute("conversation.contact_name")
    from_address = factory.SelfAttribute("conversation.contact_email")
    subject = factory.SelfAttribute("conversation.subject")
    text = "Guten Tag, ich habe eine Frage."
    message_id = factory.Sequence(lambda n: f"msg{n}@mail.example.org")

    class Meta:
        model = Message


class AnswerTemplateFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Vorlage {n}")
    text = "Guten Tag {name},\n\nvielen Dank für Ihre Nachricht ({vorgangsnummer})."

    class Meta:
        model = AnswerTemplate
