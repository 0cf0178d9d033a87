"""The benchmark's data generator, at a tiny size: COPY must match the current tables."""

import pytest
from captcha.models import CaptchaStore
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from bench import dataset
from feedback.captcha import challenge_read
from feedback.models import Case, Comment, CommentStatus, Conversation, Message, ReferenceCounter
from strategy.models import Page

pytestmark = pytest.mark.django_db


def test_comments_load_fills_every_required_column(verl_content):
    loaded = dataset.comments_load(count=40, on_start=10, replies=0.25, mixed=True)

    assert loaded == Comment.objects.count() == 40
    start = Page.objects.get(slug=Page.HOME)
    on_start = Comment.objects.filter(
        content_type=ContentType.objects.get_for_model(Page), object_id=start.pk, parent=None
    ).count()
    assert on_start >= 10
    assert Comment.objects.exclude(parent=None).count() == 10
    assert set(Comment.objects.values_list("status", flat=True)) <= set(CommentStatus.values)
    assert not Comment.objects.filter(is_demo=True).exists()


def test_conversations_load_threads_messages_into_each_conversation(verl_content):
    loaded = dataset.conversations_load(count=12)

    assert loaded == Conversation.objects.count() == 12
    assert Message.objects.count() >= 12
    assert not Conversation.objects.filter(messages=None).exists()


def test_cases_load_opens_one_case_per_conversation_and_top_level_comment(verl_content):
    """Alle Rückmeldungen and the deadline counts need their real sizes in the benchmark."""
    dataset.comments_load(count=40, on_start=10, replies=0.25, mixed=True)
    dataset.conversations_load(count=12)

    assert dataset.cases_load() == 12 + 30
    assert dataset.cases_load() == 0  # only what has none
    top_level = Comment.objects.filter(parent=None)
    assert Case.objects.filter(comment__in=top_level).count() == 30
    assert not Case.objects.filter(comment__parent__isnull=False).exists()
    assert Case.objects.filter(conversation__isnull=False).count() == 12
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references)
    assert ReferenceCounter.objects.get().last_number == 12 + 30
    pending = Case.objects.filter(comment__status=CommentStatus.PENDING)
    assert set(pending.values_list("status", flat=True)) <= {"received"}
    for case in Case.objects.all():
        case.full_clean()


def test_challenges_written_for_the_post_run_are_valid_keys_with_their_answers(tmp_path):
    path = tmp_path / "challenges.txt"
    dataset.challenges_write(path, count=30)

    lines = [line.split() for line in path.read_text().splitlines()]
    assert len(lines) == 30 == len({key for key, _answer in lines})
    for key, answer in lines:
        assert challenge_read(key).answer == answer
    assert not CaptchaStore.objects.exists()


def test_the_bench_moderator_reaches_the_queue_and_the_inbox(client, verl_content, settings):
    settings.STAFF_REQUIRE_MFA = True
    call_command("setup_roles", verbosity=0)
    moderator = dataset.moderator_ensure()
    assert dataset.moderator_ensure() == moderator  # idempotent
    client.cookies[settings.SESSION_COOKIE_NAME] = dataset.moderator_session(moderator)

    for url in ("/admin/feedback/comment/?status__exact=pending", "/admin/feedback/conversation/"):
        response = client.get(url.replace("/admin/", f"/{settings.ADMIN_PATH}"))
        assert response.status_code == 200, url
