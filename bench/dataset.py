"""The benchmark's data: the demo content plus comments (and, large, inbox conversations).

`default`: 2,000 approved comments, 200 of them on the start page, the rest spread over the
other content. `large`: 1,000,000 comments (a tenth of them replies; mostly approved, some
pending, rejected or spam) and 100,000 conversations with 1–3 messages each, loaded with
PostgreSQL's COPY so it takes minutes, not hours. Then one case for every conversation and
top-level comment (`cases_load`, one INSERT each), as the services would have opened them,
so that *Alle Rückmeldungen* and the deadline counts have their real size.

Run by bench/run.py inside Django (settings `verl_digital.settings.bench`); it writes only
to the benchmark's own database.
"""

from __future__ import annotations

import base64
import io
import random
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone

from feedback.captcha import challenge_new
from feedback.models import Comment, Conversation, Message, ReferenceCounter, Topic
from strategy.models import ContentItem, Page

WORDS = [
    "Digitalisierung",
    "Verwaltung",
    "Bürgerbüro",
    "Termin",
    "online",
    "Antrag",
    "Breitband",
    "Glasfaser",
    "WLAN",
    "Schule",
    "Tablet",
    "Rathaus",
    "Verl",
    "Sürenheide",
    "Kaunitz",
    "Bornholte",
    "Smart",
    "City",
    "Parken",
    "Sensor",
    "Datenschutz",
    "Barrierefreiheit",
    "Formular",
    "Servicekonto",
    "Bürgerportal",
    "Mobilität",
    "Bus",
    "Radweg",
    "Klimaschutz",
    "Energie",
    "Straßenbeleuchtung",
    "Ehrenamt",
    "Verein",
    "Senioren",
    "Jugend",
    "Familie",
    "Kita",
    "Anmeldung",
    "Öffnungszeiten",
    "Wartezeit",
    "schneller",
    "einfacher",
    "besser",
    "bitte",
    "danke",
    "wichtig",
    "endlich",
    "leider",
    "gut",
    "sehr",
    "mehr",
    "weniger",
    "heute",
    "morgen",
    "Zukunft",
    "Idee",
    "Vorschlag",
    "Frage",
]
NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Finn",
    "Greta",
    "Hannes",
    "Ida",
    "Jonas",
    "Lea",
    "Mats",
    "Nora",
    "Paul",
]
COPY_BATCH = 50_000


def _text(rng: random.Random, low: int = 8, high: int = 40) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _copy_field(value: object) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _copy(table: str, columns: list[str], rows: Iterator[tuple]) -> int:
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's cursor, for COPY
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        statement = f"COPY {table} ({quoted}) FROM STDIN"
        with raw.copy(statement) as copy:
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_copy_field(value) for value in row))
                buffer.write("\n")
                count += 1
                if count % COPY_BATCH == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
    return count


def _targets() -> list[tuple[int, int]]:
    """(content type, id) of every published page and content item, the start page first."""
    targets = []
    start = Page.objects.get(slug=Page.HOME)
    for model in [Page, *_content_models()]:
        content_type = ContentType.objects.get_for_model(model)
        for pk in model.objects.published().values_list("pk", flat=True):
            if (model, pk) != (Page, start.pk):
                targets.append((content_type.pk, pk))
    return [(ContentType.objects.get_for_model(Page).pk, start.pk), *targets]


def _content_models() -> list[type]:
    from django.apps import apps

    return [m for m in apps.get_app_config("strategy").get_models() if issubclass(m, ContentItem)]


COMMENT_COLUMNS = [
    "content_type_id",
    "object_id",
    "author_name",
    "author_email",
    "text",
    "original_text",
    "removal_reason",
    "status",
    "is_official",
    "is_demo",
    "notify",
    "consent_version",
    "consented_at",
    "moderated_at",
    "moderators_notified_at",
    "created_at",
    "updated_at",
]


def _comment_rows(
    rng: random.Random, targets: list[tuple[int, int]], count: int, *, on_start: int, mixed: bool
) -> Iterator[tuple]:
    now = timezone.now()
    for number in range(count):
        target = targets[0] if number < on_start else targets[1 + number % (len(targets) - 1)]
        created = now - timedelta(seconds=rng.randint(60, 2 * 365 * 24 * 3600))
        status = "approved"
        if mixed:
            roll = rng.random()
            status = (
                "pending"
                if roll < 0.05
                else "rejected"
                if roll < 0.08
                else "spam"
                if roll < 0.10
                else "approved"
            )
        moderated = None if status == "pending" else created + timedelta(hours=2)
        yield (
            *target,
            f"{rng.choice(NAMES)} {number % 997}",
            "",
            _text(rng),
            "",
            "",
            status,
            False,
            False,
            False,
            "2026-01",
            created,
            moderated,
            created,
            created,
            moderated or created,
        )


def comments_load(*, count: int, on_start: int, replies: float, mixed: bool) -> int:
    """Top-level comments by COPY, then a share of replies to approved ones in one INSERT."""
    rng = random.Random(8)  # noqa: S311 - test data, not secrets
    targets = _targets()
    top_level = int(count * (1 - replies))
    loaded = _copy(
        Comment._meta.db_table,
        COMMENT_COLUMNS,
        _comment_rows(rng, targets, top_level, on_start=on_start, mixed=mixed),
    )
    if replies:
        table = Comment._meta.db_table
        columns = ", ".join(COMMENT_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (parent_id, {columns})
                SELECT id, content_type_id, object_id, 'Antwort ' || (id %% 997), '',
                       'Ich stimme zu. ' || text, '', '', status, false, false, false,
                       consent_version,
                       consented_at, moderated_at, moderators_notified_at,
                       created_at + interval '1 hour', updated_at + interval '1 hour'
                FROM {table}
                WHERE parent_id IS NULL AND status = 'approved'
                ORDER BY id
                LIMIT %s
                """,  # noqa: S608 - table and columns are ours
                [count - loaded],
            )
            loaded += cursor.rowcount
    return loaded


CONVERSATION_COLUMNS = [
    "reference",
    "channel",
    "status",
    "subject",
    "topic_id",
    "contact_name",
    "contact_email",
    "assignee_id",
    "notes",
    "notify_progress",
    "consent_version",
    "consented_at",
    "created_at",
    "last_message_at",
    "updated_at",
]
MESSAGE_COLUMNS = [
    "conversation_id",
    "direction",
    "from_name",
    "from_address",
    "to",
    "subject",
    "text",
    "message_id",
    "in_reply_to",
    "references",
    "content_hash",
    "dropped_attachments",
    "sent_at",
    "created_at",
]


def conversations_load(*, count: int) -> int:
    """Conversations of both channels in every status, each with 1–3 messages."""
    rng = random.Random(80)  # noqa: S311 - test data, not secrets
    topics = list(Topic.objects.values_list("pk", flat=True)) or [None]
    staff = list(get_user_model().objects.filter(is_staff=True).values_list("pk", flat=True))
    now = timezone.now()
    year = now.year
    statuses = ["new", "in_progress", "answered", "closed"]

    def rows() -> Iterator[tuple]:
        for number in range(1, count + 1):
            created = now - timedelta(seconds=rng.randint(60, 2 * 365 * 24 * 3600))
            name = rng.choice(NAMES)
            yield (
                f"VERL-{year}-{number:06d}",
                rng.choice(["form", "email"]),
                rng.choices(statuses, weights=[2, 2, 3, 5])[0],
                _text(rng, 3, 8)[:200],
                rng.choice(topics),
                name,
                f"{name.lower()}{number}@example.org",
                rng.choice(staff) if staff and rng.random() < 0.4 else None,
                "",
                False,
                "2026-01",
                created,
                created,
                created + timedelta(days=rng.randint(0, 20)),
                created,
            )

    loaded = _copy(Conversation._meta.db_table, CONVERSATION_COLUMNS, rows())
    ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": count})
    first = Conversation.objects.order_by("pk").values_list("pk", flat=True).first()

    def messages() -> Iterator[tuple]:
        for offset in range(loaded):
            for reply in range(rng.choice([1, 1, 2, 3])):
                created = now - timedelta(days=rng.randint(0, 700))
                yield (
                    first + offset,
                    "in" if reply % 2 == 0 else "out",
                    rng.choice(NAMES),
                    "buerger@example.org",
                    "digitalisierung@verl.de",
                    "Anliegen",
                    _text(rng, 20, 120),
                    f"bench-{offset}-{reply}@verl.example",
                    "",
                    "",
                    "",
                    "[]",
                    None,
                    created,
                )

    _copy(Message._meta.db_table, MESSAGE_COLUMNS, messages())
    return loaded


def cases_load() -> int:
    """A case for every conversation and top-level comment that has none, in SQL.

    As `feedback.cases.services` opens them (the status derived from the source's, received
    when it came in), with due dates approximated in calendar days (10 working days ≈ 14,
    the comments' moderation target ≈ 2 working days ≈ 3): the benchmark needs their sizes,
    not the holidays. Comments draw numbers from the current year's counter, after the
    conversations'.
    """
    from feedback.cases.references import reference_prefix
    from feedback.models import Case

    table = Case._meta.db_table
    year = timezone.localdate().year
    prefix = f"{reference_prefix()}-{year}-"
    counter = ReferenceCounter.objects.filter(year=year).values_list("last_number", flat=True)
    last = counter.first() or 0
    columns = (
        "reference, channel, conversation_id, comment_id, status, received_at, clock_started_on, "
        "paused_days, due_date, answered_at, outcome, outcome_reason, outcome_organisation, "
        "created_at"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} ({columns})
            SELECT c.reference, c.channel, c.id, NULL,
                   CASE c.status WHEN 'new' THEN 'received' ELSE c.status END,
                   c.created_at, c.created_at::date, 0, c.created_at::date + 14,
                   CASE WHEN c.status IN ('answered', 'closed') THEN c.last_message_at END,
                   '', '', '', now()
            FROM {Conversation._meta.db_table} c
            WHERE NOT EXISTS (SELECT 1 FROM {table} k WHERE k.conversation_id = c.id)
            """  # noqa: S608 - tables and columns are ours
        )
        loaded = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {table} ({columns})
            SELECT %s || lpad(n::text, greatest(6, length(n::text)), '0'),
                   'comment', NULL, m.id,
                   CASE m.status WHEN 'pending' THEN 'received'
                                 WHEN 'approved' THEN 'in_progress' ELSE 'closed' END,
                   m.created_at, m.created_at::date, 0, m.created_at::date + 3,
                   NULL, '', '', '', now()
            FROM (
                SELECT *, %s + row_number() OVER (ORDER BY id) AS n
                FROM {Comment._meta.db_table} c
                WHERE c.parent_id IS NULL AND NOT c.is_official
                  AND NOT EXISTS (SELECT 1 FROM {table} k WHERE k.comment_id = c.id)
            ) m
            """,  # noqa: S608 - tables and columns are ours
            [prefix, last],
        )
        comments = cursor.rowcount
    ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": last + comments})
    return loaded + comments


def challenges_write(path: Path, *, count: int) -> None:
    """Write `count` captcha keys with their answers, "key answer" lines for bench/post.lua.

    Nothing is stored: the keys are signed with this process's SECRET_KEY, which the
    benchmark's gunicorn shares, and are valid for CAPTCHA_TIMEOUT.
    """
    challenges = [challenge_new() for _number in range(count)]
    path.write_text("".join(f"{challenge.key} {challenge.answer}\n" for challenge in challenges))


def moderator_ensure() -> Any:
    """A staff member of *Moderation* who also answers the inbox, for the admin pages.

    With a second factor, as production requires of staff (STAFF_REQUIRE_MFA): without one
    every admin page would redirect to the set-up page.
    """
    user, created = get_user_model().objects.get_or_create(
        username="bench-moderation", defaults={"email": "bench@verl.example", "is_staff": True}
    )
    if created or not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP):
        TOTP.activate(user, base64.b32encode(secrets.token_bytes(20)).decode())
    user.groups.add(Group.objects.get(name="Moderation"))
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="feedback",
            codename__in=["view_conversation", "change_conversation"],
        )
    )
    return user


def moderator_session(user: Any) -> str:
    """The key of a new session signed in as `user` with the second factor presented, as
    after allauth's sign-in with password and code (the admin asks for both)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    factor = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    request = SimpleNamespace(session=session)
    record_authentication(request, user, "mfa", id=factor.pk, type=factor.type)
    session.create()
    return session.session_key


def digest_sent() -> None:
    """As on a running site: the moderators' digest went out a moment ago."""
    latest = Comment.objects.order_by("-pk").first()
    if latest is not None:
        Comment.objects.filter(pk=latest.pk).update(moderators_notified_at=timezone.now())


def analyze() -> None:
    """Statistics for the planner, and the visibility map a running site's autovacuum keeps:
    right after COPY every index-only scan still visits the table (and every first read
    writes hint bits), which made the first runs of the admin lists several times slower."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
