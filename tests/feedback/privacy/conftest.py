"""Anna's data, stored everywhere personal data can be, and the staff who handle her request."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from feedback.account_services import account_consent_record
from feedback.models import Attachment
from feedback.outbox import send_email
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConfirmedAddressFactory,
    ConversationFactory,
    MessageFactory,
    UserFactory,
    staff_ready,
)
from tests.feedback.privacy.data import ANNA, BERT

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = UserFactory(username="datenschutz", email="datenschutz@verl.example", is_staff=True)
    staff_ready(user)
    user.user_permissions.add(Permission.objects.get(codename="manage_personal_data"))
    return user


@pytest.fixture
def anna(page):
    """Anna: an account, comments as guest and signed in, a confirmed address, a conversation
    with an attachment, a message in somebody else's conversation and a queued mail."""
    user = UserFactory(username="anna", email=ANNA, first_name="Anna", last_name="Muster")
    EmailAddress.objects.create(user=user, email=ANNA, verified=True, primary=True)
    account_consent_record(user=user, version="2026-01")
    data = {"user": user}
    data["public"] = ApprovedCommentFactory(
        target=page,
        author_name="Anna Muster",
        author_email=ANNA,
        notify=True,
        text="Bitte mehr WLAN im Rathaus.",
        original_text="Bitte mehr WLAN im Rathaus, Tel. 0170 1234567.",
    )
    data["pending"] = CommentFactory(target=page, author_name="Anna Muster", author_email=ANNA)
    data["signed_in"] = ApprovedCommentFactory(target=page, author_name="anna", user=user)
    ConfirmedAddressFactory(email=ANNA)
    conversation = ConversationFactory(contact_name="Anna Muster", contact_email=ANNA)
    message = MessageFactory(conversation=conversation, text="Meine Frage zum Bauantrag.")
    attachment = Attachment(
        message=message, filename="antrag.pdf", content_type="application/pdf", size=4
    )
    attachment.file.save("antrag.pdf", ContentFile(b"%PDF"), save=False)
    attachment.save()
    data["conversation"], data["attachment"] = conversation, attachment
    other = ConversationFactory(contact_name="Bert", contact_email=BERT)
    MessageFactory(conversation=other, from_address=BERT, text="Berts eigene Frage.")
    data["cc"] = MessageFactory(
        conversation=other, from_name="Anna Muster", from_address=ANNA, text="Anna ergänzt."
    )
    send_email.enqueue(subject="Ihr Kommentar", body="Hallo Anna Muster", to=[ANNA])
    staff_user = UserFactory(username="sachbearbeiter", is_staff=True)
    for obj in (data["public"], conversation):
        LogEntry.objects.create(
            user=staff_user,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=CHANGE,
            change_message="[]",
        )
    data["bert_comment"] = ApprovedCommentFactory(
        target=page, author_name="Bert", author_email=BERT
    )
    return data
