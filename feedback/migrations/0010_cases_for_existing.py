"""A case for every existing conversation and top-level comment; Barriere melden: one month.

Due dates are counted from when each came in, as the services count them for new ones.
Comments draw reference numbers of the year they came in, from the same counters.
"""

from django.conf import settings
from django.db import connection, migrations
from django.utils import timezone

from feedback.cases.workdays import add_months, add_working_days

BATCH = 2000
STATUS = {"new": "received", "in_progress": "in_progress", "answered": "answered", "closed": "closed"}


def _references(ReferenceCounter, year, count):
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, %s) "
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + %s "
            "RETURNING last_number",
            [year, count, count],
        )
        last = cursor.fetchone()[0]
    # The setting this read before the town profile held the prefix; its default then.
    prefix = getattr(settings, "REFERENCE_PREFIX", "VERL")
    return [f"{prefix}-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


def forwards(apps, schema_editor):
    Topic = apps.get_model("feedback", "Topic")
    Conversation = apps.get_model("feedback", "Conversation")
    Comment = apps.get_model("feedback", "Comment")
    Case = apps.get_model("feedback", "Case")
    ReferenceCounter = apps.get_model("feedback", "ReferenceCounter")
    Topic.objects.filter(name="Barriere melden").update(answer_target=1, answer_target_unit="months")
    topics = {topic.pk: topic for topic in Topic.objects.all()}

    batch = []
    conversations = Conversation.objects.filter(case__isnull=True).order_by("pk")
    for conversation in conversations.iterator(chunk_size=BATCH):
        start = timezone.localtime(conversation.created_at).date()
        topic = topics.get(conversation.topic_id)
        if topic is not None and topic.answer_target_unit == "months":
            due = add_months(start, topic.answer_target)
        else:
            due = add_working_days(start, topic.answer_target if topic else 10)
        answered = conversation.status in {"answered", "closed"}
        batch.append(
            Case(
                reference=conversation.reference,
                channel=conversation.channel,
                conversation_id=conversation.pk,
                status=STATUS[conversation.status],
                received_at=conversation.created_at,
                clock_started_on=start,
                due_date=due,
                answered_at=conversation.last_message_at if answered else None,
            )
        )
        if len(batch) >= BATCH:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)

    comments = Comment.objects.filter(
        parent__isnull=True, is_official=False, case__isnull=True
    ).order_by("pk")
    days = settings.COMMENT_MODERATION_TARGET_DAYS
    while True:
        chunk = list(comments[:BATCH])
        if not chunk:
            break
        answered = set(
            Comment.objects.filter(parent__in=chunk, is_official=True).values_list(
                "parent_id", flat=True
            )
        )
        by_year = {}
        for comment in chunk:
            by_year.setdefault(timezone.localtime(comment.created_at).year, []).append(comment)
        cases = []
        for year, items in by_year.items():
            for comment, reference in zip(items, _references(ReferenceCounter, year, len(items))):
                start = timezone.localtime(comment.created_at).date()
                if comment.status == "pending":
                    status = "received"
                elif comment.status != "approved":
                    status = "closed"
                else:
                    status = "answered" if comment.pk in answered else "in_progress"
                cases.append(
                    Case(
                        reference=reference,
                        channel="comment",
                        comment_id=comment.pk,
                        status=status,
                        received_at=comment.created_at,
                        clock_started_on=start,
                        due_date=add_working_days(start, days),
                        answered_at=comment.updated_at if comment.pk in answered else None,
                        outcome="information" if comment.pk in answered else "",
                    )
                )
        Case.objects.bulk_create(cases)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0009_cases")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
