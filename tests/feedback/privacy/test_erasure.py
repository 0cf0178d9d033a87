from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from feedback.cases.services import case_open_for_conversation
from feedback.measure_links.services import measure_contributors_notify
from feedback.models import (
    AccountConsent,
    Appeal,
    Attachment,
    Case,
    CaseStatus,
    Comment,
    CommentReport,
    CommentStatus,
    ConfirmedAddress,
    Conversation,
    MeasureLink,
    Message,
    ModerationAction,
    PrivacyRequest,
    PrivacyRequestKind,
    UnrequestedMail,
)
from feedback.outbox import send_email
from feedback.privacy import erasure, lookup
from strategy.models import MeasureStatus
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConfirmedAddressFactory,
    ConversationFactory,
    MessageFactory,
    UserFactory,
)
from tests.feedback.privacy.data import ANNA, BERT, everything_stored
from tests.strategy.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def test_erasure_leaves_nothing_that_points_at_the_person(
    anna, staff, django_capture_on_commit_callbacks
):
    storage = anna["attachment"].file.storage
    file_name = anna["attachment"].file.name
    assert storage.exists(file_name)

    with django_capture_on_commit_callbacks(execute=True):
        summary = erasure.personal_data_erase(email=ANNA, actor=staff)

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
    assert lookup.personal_data_find(email=ANNA).counts() == dict.fromkeys(
        [
            "accounts",
            "comments",
            "appeals",
            "confirmed_addresses",
            "conversations",
            "other_messages",
            "mails",
        ],
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
    assert entry.email_hash == lookup.email_hash(" ANNA@example.org ")


def test_erasure_refuses_a_staff_account(staff):
    with pytest.raises(ValidationError, match="Konto der Verwaltung"):
        erasure.personal_data_erase(email=staff.email, actor=staff)
    assert not PrivacyRequest.objects.exists()


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
    # An appeal decided long ago (its text goes) and one still open (kept).
    hidden = ModerationAction.objects.create(comment=public, action="hide", actor_name="M")
    data["old_appeal"] = Appeal.objects.create(
        decision=hidden, text="Alter Widerspruch", status="upheld", decided_at=OLD
    )
    rejected = ModerationAction.objects.create(
        comment=data["recent"], action="reject", actor_name="M"
    )
    data["open_appeal"] = Appeal.objects.create(decision=rejected, text="Offener Widerspruch")
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
    UnrequestedMail.objects.create(mailbox="a" * 32, sent_at=NOW - timedelta(hours=25))
    UnrequestedMail.objects.create(mailbox="b" * 32, sent_at=NOW - timedelta(hours=23))
    return data


EXPECTED = {
    "comments_deleted": 1,
    "comments_anonymized": 1,
    "appeals_erased": 1,
    "reports_deleted": 1,
    "conversations_deleted": 1,
    "confirmed_addresses_deleted": 1,
    "unverified_accounts_deleted": 1,
    "mails_deleted": 1,
    "sessions_deleted": 1,
    "mail_budget_entries_deleted": 1,
}


def test_the_purge_applies_each_retention_period_once(
    aged_data, django_capture_on_commit_callbacks
):
    storage = Attachment.file.field.storage
    assert erasure.personal_data_purge(now=NOW, dry_run=True) == EXPECTED
    assert Comment.objects.filter(pk=aged_data["old_rejected"].pk).exists()  # dry run
    assert storage.exists(aged_data["attachment_name"])

    with django_capture_on_commit_callbacks(execute=True):
        assert erasure.personal_data_purge(now=NOW) == EXPECTED

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
    assert Appeal.objects.get(pk=aged_data["old_appeal"].pk).text == ""
    assert Appeal.objects.get(pk=aged_data["open_appeal"].pk).text == "Offener Widerspruch"

    with django_capture_on_commit_callbacks(execute=True):
        assert set(erasure.personal_data_purge(now=NOW).values()) == {0}


def test_the_command_reports_per_verbosity(aged_data, settings):
    settings.RETENTION_MONTHS = 1200  # nothing is that old
    settings.UNVERIFIED_ACCOUNT_DAYS = 100_000
    settings.TASK_RESULT_RETENTION_DAYS = 100_000
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "(dry run) expired sessions deleted: 1",
        "(dry run) entries of the per-mailbox mail budget deleted (older than a day): 2",
        "(dry run) 3 records in all.",
    ]
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
    assert erasure.months_before(moment, months) == expected


def test_the_purge_keeps_the_confirmed_address_of_a_sender_whose_case_is_open(
    django_capture_on_commit_callbacks,
):
    """An old confirmation still serves a case that is open: its status mails must go on."""
    measure = MeasureFactory()
    open_conversation = ConversationFactory(
        contact_email="Offen@Example.org", notify_progress=True, last_message_at=RECENT
    )
    case_open_for_conversation(conversation=open_conversation)
    MeasureLink.objects.create(measure=measure, conversation=open_conversation)
    closed_conversation = ConversationFactory(
        contact_email="erledigt@example.org", notify_progress=True, last_message_at=RECENT
    )
    closed = case_open_for_conversation(conversation=closed_conversation)
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)
    ConfirmedAddressFactory(email="offen@example.org", confirmed_at=OLD)
    ConfirmedAddressFactory(email="erledigt@example.org", confirmed_at=OLD)

    with django_capture_on_commit_callbacks(execute=True):
        counts = erasure.personal_data_purge(now=NOW)

    assert counts["confirmed_addresses_deleted"] == 1
    assert list(ConfirmedAddress.objects.values_list("email", flat=True)) == ["offen@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = measure_contributors_notify(
            measure=measure, old_status=MeasureStatus.PLANNED, new_status=MeasureStatus.IN_PROGRESS
        )
    assert sent == 1
