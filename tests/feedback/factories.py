import time

import factory
from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.utils import timezone

from feedback.captcha import challenge_new
from feedback.models import (
    AnswerTemplate,
    Channel,
    Comment,
    CommentStatus,
    ConfirmedAddress,
    Conversation,
    Direction,
    Message,
    RejectionReason,
    Topic,
)
from tests.strategy.factories import PageFactory

PASSWORD = "pw-for-tests-only"
# The authenticator app every staff account of the tests has (base32, as apps store it).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET, *, offset: int = 0) -> str:
    """The code an authenticator app shows now (or `offset` periods later), by allauth's maths.

    A person reads a code that will still be valid when the site checks it: allauth accepts
    only the current 30-second period, so a code taken in the last seconds of one is not
    handed out (a browser test's sign-in can take that long).
    """
    if 30 - time.time() % 30 < 5:
        time.sleep(30 - time.time() % 30)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def staff_ready(user) -> None:
    """What a staff account has in production: a verified address and a second factor."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    TOTP.activate(user, TOTP_SECRET)


def solved_captcha() -> dict[str, str]:
    """A real captcha's key, answered right."""
    challenge = challenge_new()
    return {"captcha_0": challenge.key, "captcha_1": challenge.answer}


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"nutzer{n}")
    email = factory.Sequence(lambda n: f"nutzer{n}@example.org")
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.is_staff = True
            self.save(update_fields=["is_staff"])
            self.groups.set([Group.objects.get(name=name) for name in names])
            staff_ready(self)


class CommentFactory(factory.django.DjangoModelFactory):
    target = factory.SubFactory(PageFactory)
    author_name = factory.Sequence(lambda n: f"Bürgerin {n}")
    text = factory.Sequence(lambda n: f"Meinung Nummer {n} zur Digitalisierung.")
    status = CommentStatus.PENDING
    consent_version = "2025-01"
    consented_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = Comment


class ApprovedCommentFactory(CommentFactory):
    status = CommentStatus.APPROVED


class RejectionReasonFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Grund {n}")
    text = "Ihr Beitrag enthält Werbung."

    class Meta:
        model = RejectionReason


class ConfirmedAddressFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"bestaetigt{n}@example.org")
    confirmed_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = ConfirmedAddress


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


def sign_in(client: Client, user) -> Client:
    """Sign `client` in as `user` the way allauth does: with the second factor presented
    when the account has one (the admin and previews ask for it in the session)."""
    client.force_login(user)
    factor = Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).first()
    if factor is not None:
        session = client.session
        request = RequestFactory().get("/")
        request.session, request.user = session, user
        record_authentication(request, user, "mfa", id=factor.pk, type=factor.type)
        session.save()
    return client


def signed_in(user) -> Client:
    """A test client signed in as `user` (with the second factor, if the account has one)."""
    return sign_in(Client(), user)
