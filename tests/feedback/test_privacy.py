"""Requests from data subjects (export, erasure) and the retention purge, on a real database."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from feedback import privacy
from feedback.models import (
    AccountConsent,
    Attachment,
    Comment,
    CommentReport,
    CommentStatus,
    ConfirmedAddress,
    Conversation,
    Message,
    PrivacyRequest,
    PrivacyRequestKind,
)
from feedback.outbox import send_email
from feedback.services import account_consent_record
from strategy.models import Page
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConfirmedAddressFactory,
    ConversationFactory,
    MessageFactory,
    TopicFactory,
    UserFactory,
    solved_captcha,
    staff_ready,
)

pytestmark = pytest.mark.django_db

ANNA = "anna@example.org"
BERT = "bert@example.org"


def everything_stored() -> str:
    """Every row of every table as text: what a full dump of the database would show."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT t::text FROM {connection.ops.quote_name(table)} t")  # noqa: S608
            rows += [row[0] for row in cursor.fetchall()]
    return "\n".join(rows)


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


# --- Export ---------------------------------------------------------------------------------


def test_the_export_holds_everything_stored_about_the_address_and_is_logged(anna, staff):
    data = privacy.personal_data_export(email="Anna@Example.org", actor=staff)

    [account] = data["accounts"]
    assert account["username"] == "anna"
    assert account["addresses"] == [{"email": ANNA, "verified": True, "primary": True}]
    assert account["privacy_consent"]["version"] == "2026-01"
    texts = {c["text"] for c in data["comments"]}
    assert texts == {anna["public"].text, anna["pending"].text, anna["signed_in"].text}
    public = next(c for c in data["comments"] if c["id"] == anna["public"].pk)
    assert public["text_before_moderation"].endswith("0170 1234567.")
    assert public["page"] == "Smarte Verwaltung"
    assert public["consent_version"] == "2025-01"
    [address] = data["confirmed_addresses"]
    assert address["email"] == ANNA
    [conversation] = data["conversations"]
    assert conversation["reference"] == anna["conversation"].reference
    [message] = conversation["messages"]
    assert message["text"] == "Meine Frage zum Bauantrag."
    assert message["attachments"] == [
        {"filename": "antrag.pdf", "content_type": "application/pdf", "size": 4}
    ]
    assert [m["text"] for m in data["messages_in_other_conversations"]] == ["Anna ergänzt."]
    assert [m["subject"] for m in data["mails"]] == ["Ihr Kommentar"]
    dump = json.dumps(data, ensure_ascii=False)
    assert BERT not in dump
    assert "Berts eigene Frage" not in dump

    entry = PrivacyRequest.objects.get()
    assert (entry.kind, entry.actor, entry.actor_name) == ("export", staff, "datenschutz")
    assert entry.email_hash == privacy.email_hash(ANNA)
    assert entry.summary["comments"] == 3
    row = json.dumps(
        [entry.kind, entry.email_hash, entry.actor_name, entry.summary], ensure_ascii=False
    )
    assert "anna" not in row.lower()


def test_an_invalid_address_is_refused():
    with pytest.raises(ValidationError):
        privacy.personal_data_find(email="keine-adresse")


# --- Erasure --------------------------------------------------------------------------------


def test_erasure_leaves_nothing_that_points_at_the_person(
    anna, staff, django_capture_on_commit_callbacks
):
    storage = anna["attachment"].file.storage
    file_name = anna["attachment"].file.name
    assert storage.exists(file_name)

    with django_capture_on_commit_callbacks(execute=True):
        summary = privacy.personal_data_erase(email=ANNA, actor=staff)

    assert summary == {
        "accounts_deleted": 1,
        "comments_anonymized": 2,
        "comments_deleted": 1,
        "confirmed_addresses_deleted": 0,  # went with the account
        "conversations_deleted": 1,
        "other_messages_deleted": 1,
        "mails_deleted": 1,
    }
    public = Comment.objects.get(pk=anna["public"].pk)
    assert (public.text, public.author_name, public.author_email) == (
        "Bitte mehr WLAN im Rathaus.",
        "anonym",
        "",
    )
    assert (public.original_text, public.notify, public.user) == ("", False, None)
    assert not Comment.objects.filter(pk=anna["pending"].pk).exists()
    assert not Conversation.objects.filter(pk=anna["conversation"].pk).exists()
    assert not storage.exists(file_name)
    assert not AccountConsent.objects.exists()
    assert privacy.personal_data_find(email=ANNA).counts() == dict.fromkeys(
        ["accounts", "comments", "confirmed_addresses", "conversations", "other_messages", "mails"],
        0,
    )
    stored = everything_stored()
    for trace in (ANNA, "Anna Muster", "0170 1234567", "Bauantrag", "Anna ergänzt", "antrag.pdf"):
        assert trace not in stored, trace
    # Bert's data is untouched.
    assert Comment.objects.get(pk=anna["bert_comment"].pk).author_email == BERT
    assert Message.objects.filter(text="Berts eigene Frage.").exists()

    entry = PrivacyRequest.objects.get()
    assert entry.kind == PrivacyRequestKind.ERASURE
    assert entry.summary == summary
    # A second request for the same address is recognised by its hash.
    assert entry.email_hash == privacy.email_hash(" ANNA@example.org ")


def test_erasure_refuses_a_staff_account(staff):
    with pytest.raises(ValidationError, match="Konto der Verwaltung"):
        privacy.personal_data_erase(email=staff.email, actor=staff)
    assert not PrivacyRequest.objects.exists()


# --- The admin page -------------------------------------------------------------------------


@pytest.fixture
def staff_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def test_staff_with_the_permission_export_and_erase_in_the_admin(anna, staff_client):
    url = reverse("admin:feedback_privacyrequest_request")
    html = staff_client.get(url, {"email": ANNA}).content.decode()
    assert "Gespeichert zu anna@example.org" in html
    assert "Auskunft als JSON herunterladen" in html

    response = staff_client.post(url, {"email": ANNA, "export": "1"})
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ANNA not in response["Content-Disposition"]
    assert json.loads(response.content)["accounts"][0]["username"] == "anna"

    response = staff_client.post(url, {"email": ANNA, "erase": "1"})
    assert response.status_code == 400
    assert "Bitte bestätigen Sie die Löschung." in response.content.decode()
    assert Conversation.objects.filter(contact_email=ANNA).exists()

    response = staff_client.post(url, {"email": ANNA, "erase": "1", "confirm": "on"}, follow=True)
    assert response.redirect_chain == [(reverse("admin:feedback_privacyrequest_changelist"), 302)]
    html = response.content.decode()
    assert "Gelöscht oder anonymisiert: Konten gelöscht: 1, Kommentare anonymisiert: 2" in html
    assert not Conversation.objects.filter(contact_email=ANNA).exists()

    log = reverse("admin:feedback_privacyrequest_changelist")
    assert staff_client.get(log, {"q": ANNA}).context["cl"].result_count == 2
    assert staff_client.get(log, {"q": BERT}).context["cl"].result_count == 0


def test_a_bad_address_is_a_german_400(staff_client):
    url = reverse("admin:feedback_privacyrequest_request")
    response = staff_client.get(url, {"email": "anna(at)example"})
    assert response.status_code == 400
    assert "gültige E-Mail-Adresse" in response.content.decode()


def test_staff_without_the_permission_see_neither_the_log_nor_the_page(anna):
    moderator = UserFactory(is_staff=True)
    staff_ready(moderator)
    client = Client()
    client.force_login(moderator)
    assert client.get(reverse("admin:feedback_privacyrequest_request")).status_code == 403
    assert client.get(reverse("admin:feedback_privacyrequest_changelist")).status_code == 403
    response = client.post(
        reverse("admin:feedback_privacyrequest_request"),
        {"email": ANNA, "erase": "1", "confirm": "on"},
    )
    assert response.status_code == 403
    assert Conversation.objects.filter(contact_email=ANNA).exists()


# --- Retention ------------------------------------------------------------------------------

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=2 * 366)  # older than 24 months
RECENT = NOW - timedelta(days=300)


def aged(obj, **fields):
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    return obj


@pytest.fixture
def aged_data(page):
    data = {
        "old_public": aged(
            ApprovedCommentFactory(
                target=page, author_name="Alt", author_email="alt@example.org", original_text="x"
            ),
            created_at=OLD,
        ),
        "old_rejected": aged(
            CommentFactory(target=page, status=CommentStatus.REJECTED), created_at=OLD
        ),
        "recent": aged(
            ApprovedCommentFactory(target=page, author_email="neu@example.org"),
            created_at=RECENT,
        ),
        "old_conversation": ConversationFactory(last_message_at=OLD, created_at=OLD),
        "recent_conversation": ConversationFactory(last_message_at=RECENT),
        "unused_address": ConfirmedAddressFactory(email="alt@example.org", confirmed_at=OLD),
        "used_address": ConfirmedAddressFactory(email="neu@example.org", confirmed_at=OLD),
        "unverified": UserFactory(date_joined=NOW - timedelta(days=15)),
        "fresh": UserFactory(date_joined=NOW - timedelta(days=13)),
        "verified": UserFactory(date_joined=NOW - timedelta(days=400)),
        "staff": UserFactory(date_joined=NOW - timedelta(days=400), is_staff=True),
    }
    EmailAddress.objects.create(user=data["verified"], email=data["verified"].email, verified=True)
    message = MessageFactory(conversation=data["old_conversation"])
    attachment = Attachment(message=message, filename="a.txt", content_type="text/plain", size=1)
    attachment.file.save("a.txt", ContentFile(b"a"), save=False)
    attachment.save()
    data["attachment_name"] = attachment.file.name
    public = data["recent"]
    data["old_report"] = CommentReport.objects.create(
        comment=public, reason="spam", resolved_at=OLD
    )
    data["open_report"] = CommentReport.objects.create(comment=public, reason="spam")
    aged(data["open_report"], created_at=OLD)
    send_email.enqueue(subject="s", body="b", to=["alt@example.org"])
    DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=NOW - timedelta(days=31))
    send_email.enqueue(subject="s", body="b", to=["neu@example.org"])  # still waiting
    session = SessionStore()
    session["x"] = 1
    session.create()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=NOW - timedelta(days=1)
    )
    return data


EXPECTED = {
    "comments_deleted": 1,
    "comments_anonymized": 1,
    "reports_deleted": 1,
    "conversations_deleted": 1,
    "confirmed_addresses_deleted": 1,
    "unverified_accounts_deleted": 1,
    "mails_deleted": 1,
    "sessions_deleted": 1,
}


def test_the_purge_applies_each_retention_period_once(
    aged_data, django_capture_on_commit_callbacks
):
    storage = Attachment.file.field.storage
    assert privacy.personal_data_purge(now=NOW, dry_run=True) == EXPECTED
    assert Comment.objects.filter(pk=aged_data["old_rejected"].pk).exists()  # dry run
    assert storage.exists(aged_data["attachment_name"])

    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.personal_data_purge(now=NOW) == EXPECTED

    old_public = Comment.objects.get(pk=aged_data["old_public"].pk)
    assert (old_public.author_name, old_public.author_email, old_public.original_text) == (
        "anonym",
        "",
        "",
    )
    assert not Comment.objects.filter(pk=aged_data["old_rejected"].pk).exists()
    assert Comment.objects.get(pk=aged_data["recent"].pk).author_email == "neu@example.org"
    assert list(Conversation.objects.all()) == [aged_data["recent_conversation"]]
    assert not storage.exists(aged_data["attachment_name"])
    assert list(ConfirmedAddress.objects.values_list("email", flat=True)) == ["neu@example.org"]
    remaining = set(CommentReport.objects.all())
    assert remaining == {aged_data["open_report"]}
    users = set(type(aged_data["fresh"]).objects.values_list("pk", flat=True))
    assert aged_data["unverified"].pk not in users
    assert {aged_data["fresh"].pk, aged_data["verified"].pk, aged_data["staff"].pk} <= users
    assert DBTaskResult.objects.count() == 1
    assert not Session.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert set(privacy.personal_data_purge(now=NOW).values()) == {0}


def test_the_command_reports_per_verbosity(aged_data, settings):
    settings.RETENTION_MONTHS = 1200  # nothing is that old
    settings.UNVERIFIED_ACCOUNT_DAYS = 100_000
    settings.TASK_RESULT_RETENTION_DAYS = 100_000
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == ["(dry run) expired sessions deleted: 1", "(dry run) 1 records in all."]
    out = StringIO()
    call_command("purge_personal_data", "-v", "2", stdout=out)
    assert "comments deleted (not public, older than 1200 months): 0" in out.getvalue()
    out = StringIO()
    call_command("purge_personal_data", verbosity=0, stdout=out)
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 3, 31, 8, 0, tzinfo=UTC), 1, datetime(2026, 2, 28, 8, 0, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 24, datetime(2024, 1, 15, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
        (datetime(2028, 2, 29, tzinfo=UTC), 12, datetime(2027, 2, 28, tzinfo=UTC)),
    ],
)
def test_months_before(moment, months, expected):
    assert privacy.months_before(moment, months) == expected


# --- Consent --------------------------------------------------------------------------------


def test_every_consent_records_the_policy_version_in_force(client, settings, verl_content):
    settings.PRIVACY_POLICY_VERSION = "2027-02"
    assert "Fassung 2027-02." in client.get(reverse("strategy:privacy")).content.decode()

    home = Page.objects.get(slug=Page.HOME)
    client.post(
        reverse(
            "feedback:comment_create",
            args=[ContentType.objects.get_for_model(Page).pk, home.pk],
        ),
        {"author_name": "Kai", "text": "Gut so.", "privacy_consent": "on", **solved_captcha()},
    )
    client.post(
        reverse("feedback:contact"),
        {
            "name": "Kai",
            "email": "kai@example.org",
            "topic": TopicFactory().pk,
            "subject": "Frage",
            "text": "Text",
            "consent": "on",
            **solved_captcha(),
        },
    )
    client.post(
        reverse("account_signup"),
        {
            "email": "kai@example.org",
            "username": "kai",
            "password1": "ein-langes-Passwort-42",
            "password2": "ein-langes-Passwort-42",
            "privacy_consent": "on",
        },
    )
    assert Comment.objects.get(author_name="Kai").consent_version == "2027-02"
    assert Conversation.objects.get(contact_email="kai@example.org").consent_version == "2027-02"
    assert AccountConsent.objects.get(user__username="kai").version == "2027-02"
