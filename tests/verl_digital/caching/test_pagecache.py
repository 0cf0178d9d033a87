"""Public pages rendered once for all anonymous visitors: each still gets its own CSRF token
and captcha, and the page is rebuilt at once when what it shows changes."""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from feedback.captcha import NUMBER_WORDS, challenge_read
from feedback.comments import services
from feedback.measure_links import services as measure_links
from feedback.models import Comment
from feedback.privacy import erasure
from strategy.models import Page, PublicationStatus
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    RejectionReasonFactory,
    signed_in,
)
from tests.feedback.test_views import comments_section, form_url, guest_data
from tests.strategy.factories import NewsPostFactory
from verl_digital.caching import pagecache

pytestmark = pytest.mark.django_db


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def captcha_key(html: str) -> str:
    return re.search(r'name="captcha_0" value="([^"]+)"', html).group(1)


def captcha_question(html: str) -> str:
    """ "drei plus vier" from "Wie viel ist drei plus vier?" (or "What is …?")."""
    text = re.search(r'<p class="captcha-question"[^>]*>([^<]+)</p>', html).group(1)
    return re.search(r"(\S+ \S+ \S+)\?$", text.strip()).group(1)


def solve(question: str, *, language: str = "de") -> int:
    """Work a question such as "drei plus vier" out from its words alone."""
    with translation.override(language):
        words = {str(word): number for number, word in enumerate(NUMBER_WORDS)}
    first, operator, second = question.split()
    return words[first] + words[second] if operator == "plus" else words[first] - words[second]


@pytest.fixture
def cdo_page(verl_content) -> Page:
    return Page.objects.get(slug=Page.HOME)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write as a request would: its after-commit work (the version bumps) happens."""

    def run(write, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(**kwargs)

    return run


# --- Per-visitor parts ------------------------------------------------------------------


def test_the_second_visitor_gets_the_page_without_a_query_and_own_token_and_captcha(
    cdo_page, django_assert_num_queries
):
    first, second = Client(), Client()
    html_first = first.get("/").content.decode()
    # Nothing is read or written: the captcha's question is carried by its signed key.
    with django_assert_num_queries(0):
        response = second.get("/")
    html_second = response.content.decode()
    assert csrf_token(html_first) != csrf_token(html_second)
    assert captcha_key(html_first) != captcha_key(html_second)
    assert response.cookies["csrftoken"].value  # the token belongs to this visitor's cookie
    for html in (html_first, html_second):
        assert challenge_read(captcha_key(html)).answer == str(solve(captcha_question(html)))
    for name in ("csrf", "captchakey", "captchaquestion"):
        assert pagecache.placeholder(name) not in html_first + html_second


def test_csrf_protection_holds_for_a_page_from_the_cache(cdo_page):
    Client().get("/")  # someone else's visit fills the cache
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get("/").content.decode()
    key = captcha_key(html)
    data = {
        "author_name": "Anna",
        "text": "Gute Seite.",
        "privacy_consent": "on",
        "captcha_0": key,
        "captcha_1": solve(captcha_question(html)),
    }
    stranger_token = csrf_token(Client().get("/").content.decode())
    forged = visitor.post(form_url(cdo_page), {**data, "csrfmiddlewaretoken": stranger_token})
    assert forged.status_code == 403
    assert not Comment.objects.exists()
    response = visitor.post(form_url(cdo_page), {**data, "csrfmiddlewaretoken": csrf_token(html)})
    assert response.status_code == 302
    assert Comment.objects.get().text == "Gute Seite."


def test_each_view_of_a_cached_page_gets_its_own_question_in_the_page_language(client, cdo_page):
    client.get("/")
    html = client.get("/").content.decode()
    assert captcha_question(html).split()[1] in ("plus", "minus")
    english = client.get("/en/").content.decode()
    assert 'lang="en"' in english
    question = captcha_question(english)
    assert challenge_read(captcha_key(english)).answer == str(solve(question, language="en"))
    assert "What is" in english
    assert "Wie viel ist" in html
    assert "Wie viel ist" in client.get("/").content.decode()  # the German copy is its own


def test_a_wrong_answer_to_a_cached_pages_question_is_refused(client, cdo_page):
    Client().get("/")  # the copy for everybody
    html = client.get("/").content.decode()
    key, answer = captcha_key(html), solve(captcha_question(html)) + 1
    data = {"author_name": "Bot", "text": "Spam", "privacy_consent": "on"}
    response = client.post(form_url(cdo_page), {**data, "captcha_0": key, "captcha_1": answer})
    assert response.status_code == 400
    assert "Das Ergebnis stimmt nicht" in response.content.decode()
    assert not Comment.objects.exists()


def test_signed_in_users_get_their_own_rendering_never_stored(cdo_page, superuser):
    member = signed_in(superuser)
    html = member.get("/").content.decode()
    assert "Mein Konto" in html
    assert 'name="captcha_0"' not in html
    guest_html = Client().get("/").content.decode()
    assert "Mein Konto" not in guest_html
    assert "Anmelden" in guest_html
    assert "Mein Konto" in member.get("/").content.decode()  # not the guests' copy either


def test_a_visitor_with_a_confirmation_gets_a_rendering_of_their_own(client, cdo_page):
    Client().get("/")  # the copy for everybody
    response = client.post(form_url(cdo_page), guest_data())
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Ihr Kommentar ist eingegangen" in comments_section(html)
    assert "Ihr Kommentar ist eingegangen" not in Client().get("/").content.decode()


def test_english_pages_and_comment_lists_are_cached_apart_from_german(
    client, cdo_page, django_assert_num_queries
):
    ApprovedCommentFactory(target=cdo_page, text="Gute Idee")
    for _ in range(2):  # rendered and stored, then from the cache
        german = client.get("/").content.decode()
        english = client.get("/en/").content.decode()
        assert 'lang="de"' in german
        assert "1 Kommentar" in comments_section(german)
        assert 'lang="en"' in english
        assert "1 comment" in comments_section(english)
    with django_assert_num_queries(0):
        assert "1 comment" in client.get("/en/").content.decode()


def test_unknown_query_parameters_are_served_but_never_stored(client, cdo_page):
    NewsPostFactory(title="Erste Neuigkeit")
    client.get("/neuigkeiten/?utm_source=evil")
    other = Client().get("/neuigkeiten/").content.decode()
    assert "utm_source" not in other


# --- Invalidation -----------------------------------------------------------------------


def test_approving_a_comment_shows_it_at_once(client, cdo_page, superuser, commit):
    comment = CommentFactory(target=cdo_page, text="Noch in Prüfung")
    assert "Noch in Prüfung" not in client.get("/").content.decode()
    commit(services.comment_approve, comment=comment, moderator=superuser)
    section = comments_section(client.get("/").content.decode())
    assert "Noch in Prüfung" in section
    assert "1 Kommentar" in section


# Stands for a reason from the list, made inside the test (it needs the database).
REASON = object()


@pytest.mark.parametrize(
    ("step", "kwargs", "shown", "gone"),
    [
        ("comment_edit", {"text": "Korrigiert"}, "Korrigiert", "Ursprünglich"),
        ("comment_hide", {"rejection_reason": REASON}, None, "Ursprünglich"),
        ("comment_reject", {"reason": REASON}, None, "Ursprünglich"),
        ("comment_mark_spam", {"reason": REASON}, None, "Ursprünglich"),
    ],
)
def test_every_moderation_step_rebuilds_the_page_at_once(
    client, cdo_page, superuser, commit, step, kwargs, shown, gone
):
    comment = ApprovedCommentFactory(target=cdo_page, text="Ursprünglich")
    kwargs = {
        key: RejectionReasonFactory() if value is REASON else value for key, value in kwargs.items()
    }
    assert "Ursprünglich" in client.get("/").content.decode()
    commit(getattr(services, step), comment=comment, moderator=superuser, **kwargs)
    section = comments_section(client.get("/").content.decode())
    assert gone not in section
    if shown:
        assert shown in section
        assert "von der Moderation bearbeitet" in section


def test_an_official_answer_and_a_restore_show_at_once(client, cdo_page, superuser, commit):
    comment = ApprovedCommentFactory(target=cdo_page, text="Wann kommt das WLAN?")
    commit(
        services.comment_hide,
        comment=comment,
        moderator=superuser,
        rejection_reason=RejectionReasonFactory(),
    )
    assert "Wann kommt das WLAN?" not in client.get("/").content.decode()
    commit(services.comment_restore, comment=comment, moderator=superuser)
    assert "Wann kommt das WLAN?" in client.get("/").content.decode()
    commit(services.comment_answer, comment=comment, staff=superuser, text="Im Mai.")
    section = comments_section(client.get("/").content.decode())
    assert "Antwort der Stadt Verl" in section
    assert "Im Mai." in section


def test_a_comment_change_leaves_other_pages_cached(
    client, cdo_page, superuser, commit, django_assert_num_queries
):
    client.get("/impressum/")
    comment = CommentFactory(target=cdo_page)
    commit(services.comment_approve, comment=comment, moderator=superuser)
    with django_assert_num_queries(0):
        client.get("/impressum/")


def test_an_editor_change_in_the_admin_shows_at_once(client, admin_client, commit):
    post = NewsPostFactory(title="Alter Titel", slug="alt")
    assert "Alter Titel" in client.get("/neuigkeiten/").content.decode()
    published = timezone.localtime(post.publish_at)
    data = {
        "title": "Neuer Titel",
        "slug": "alt",
        "summary": "",
        "body": "Text",
        "status": PublicationStatus.PUBLISHED,
        "publish_at_0": published.strftime("%d.%m.%Y"),
        "publish_at_1": published.strftime("%H:%M:%S"),
        "position": "0",
    }
    url = reverse("admin:strategy_newspost_change", args=[post.pk])
    response = commit(admin_client.post, path=url, data=data)
    assert response.status_code == 302
    assert "Neuer Titel" in client.get("/neuigkeiten/").content.decode()
    assert "Neuer Titel" in client.get(post.get_absolute_url()).content.decode()
    response = commit(admin_client.post, path=url, data={**data, "status": "draft"})
    assert response.status_code == 302
    assert client.get(post.get_absolute_url()).status_code == 404
    assert "Neuer Titel" not in client.get("/neuigkeiten/").content.decode()


# --- Drafts, previews and the clock -----------------------------------------------------


def test_a_staff_preview_of_a_draft_is_never_served_to_the_public(client, admin_client):
    draft = NewsPostFactory(title="Noch geheim", status=PublicationStatus.DRAFT)
    url = draft.get_absolute_url()
    assert "Noch geheim" in admin_client.get(url).content.decode()
    assert client.get(url).status_code == 404
    assert "Noch geheim" not in client.get("/neuigkeiten/").content.decode()


def test_a_scheduled_item_appears_on_time_though_the_list_is_cached(client):
    NewsPostFactory(title="Schon da")
    soon = timezone.now() + timedelta(seconds=1.5)
    NewsPostFactory(title="Gleich da", publish_at=soon)
    html = client.get("/neuigkeiten/").content.decode()
    assert "Schon da" in html
    assert "Gleich da" not in html
    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.1)
    assert "Gleich da" in client.get("/neuigkeiten/").content.decode()


# --- Feedback linked to measures, status, privacy ------------------------------------------


def test_linking_feedback_to_a_measure_and_its_status_show_at_once(client, superuser, commit):
    from strategy.models import MeasureStatus
    from strategy.services import measure_set_status
    from tests.strategy.factories import MeasureFactory

    measure = MeasureFactory(slug="e-akte", title="E-Akte")
    url = measure.get_absolute_url()
    page = Page.objects.create(title="Start", slug="start-test", status=PublicationStatus.PUBLISHED)
    comment = ApprovedCommentFactory(target=page, text="Bitte die E-Akte zuerst")
    html = client.get(url).content.decode()
    assert "noch keine Rückmeldungen zugeordnet" in html
    assert "in Umsetzung" not in html
    link = commit(
        measure_links.measure_link_create, measure=measure, comment=comment, linked_by=superuser
    )
    assert "Bitte die E-Akte zuerst" in client.get(url).content.decode()
    commit(measure_links.measure_link_delete, link=link)
    assert "Bitte die E-Akte zuerst" not in client.get(url).content.decode()
    commit(
        measure_set_status, measure=measure, status=MeasureStatus.IN_PROGRESS, changed_by=superuser
    )
    assert "in Umsetzung" in client.get(url).content.decode()


def test_an_erasure_request_anonymizes_the_cached_comments_at_once(
    client, cdo_page, superuser, commit
):
    ApprovedCommentFactory(
        target=cdo_page, author_name="Erika Beispiel", author_email="erika@example.org"
    )
    assert "Erika Beispiel" in client.get("/").content.decode()
    commit(erasure.personal_data_erase, email="erika@example.org", actor=superuser)
    section = comments_section(client.get("/").content.decode())
    assert "Erika Beispiel" not in section
    assert erasure.ERASED_AUTHOR in section
