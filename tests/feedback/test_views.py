import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import reverse

from feedback.comments import services
from feedback.models import Comment, CommentReport, CommentStatus, ConfirmedAddress
from feedback.subscriptions import services as subscriptions
from strategy.models import Page
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    ConfirmedAddressFactory,
    UserFactory,
    signed_in,
    solved_captcha,
)

pytestmark = pytest.mark.django_db


def form_url(target) -> str:
    content_type = ContentType.objects.get_for_model(target)
    return reverse(
        "feedback:comment_create",
        kwargs={"content_type_id": content_type.pk, "object_id": target.pk},
    )


def guest_data(**overrides) -> dict:
    return {
        "author_name": "Anna Beispiel",
        "author_email": "",
        "text": "Ich wünsche mir Online-Termine im Bürgerbüro.",
        "privacy_consent": "on",
        **solved_captcha(),
        **overrides,
    }


def comments_section(html: str) -> str:
    return re.search(r'<section id="kommentare".*?</section>', html, re.S).group(0)


@pytest.fixture
def cdo_page(verl_content) -> Page:
    return Page.objects.get(slug=Page.HOME)


# --- The whole flow -----------------------------------------------------------------------


def test_guest_comment_appears_on_the_cdo_page_only_after_a_moderator_approves_it(
    client, cdo_page, moderator_client, django_capture_on_commit_callbacks
):
    html = client.get("/").content.decode()
    assert f'action="{form_url(cdo_page)}"' in html
    assert "0 Kommentare" in html

    response = client.post(form_url(cdo_page), guest_data(), follow=True)
    [(location, status)] = response.redirect_chain
    assert status == 302
    assert re.fullmatch(r"/\?eingang=[\w:.-]+", location)
    page_html = response.content.decode()
    assert "Ihr Kommentar ist eingegangen" in comments_section(page_html)
    assert "Online-Termine" not in page_html

    comment = Comment.objects.get()
    assert (comment.status, comment.author_name) == (CommentStatus.PENDING, "Anna Beispiel")
    assert "Online-Termine" not in client.get("/").content.decode()

    changelist = reverse("admin:feedback_comment_changelist")
    queue = moderator_client.get(changelist, {"status__exact": "pending"}).content.decode()
    assert "Online-Termine" in queue
    # The cached page is rebuilt once the approval commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            changelist, {"action": "approve", "_selected_action": [comment.pk]}
        )
    assert response.status_code == 302

    html = client.get("/").content.decode()
    section = comments_section(html)
    assert "1 Kommentar" in section
    assert f'id="kommentar-{comment.pk}"' in section
    assert "Ich wünsche mir Online-Termine im Bürgerbüro." in section
    assert "Anna Beispiel" in section


def test_rejected_and_spam_comments_are_never_public(client, cdo_page):
    for status in (CommentStatus.REJECTED, CommentStatus.SPAM, CommentStatus.PENDING):
        CommentFactory(target=cdo_page, status=status, text=f"Geheim {status}")
    html = client.get("/").content.decode()
    assert "Geheim" not in html
    assert "0 Kommentare" in html


# --- Form checks --------------------------------------------------------------------------


def test_guests_must_solve_the_captcha(client, cdo_page):
    data = guest_data(captcha_1="falsch")
    response = client.post(form_url(cdo_page), data)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Das Ergebnis stimmt nicht." in html
    assert not Comment.objects.exists()

    data = guest_data()
    del data["captcha_0"], data["captcha_1"]
    assert client.post(form_url(cdo_page), data).status_code == 400
    assert not Comment.objects.exists()


def test_signed_in_users_see_no_captcha_and_their_name_is_filled_in(client, cdo_page):
    user = UserFactory(username="karl")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'name="captcha_1"' not in html
    assert 'value="karl"' in html
    response = client.post(
        form_url(cdo_page), {"author_name": "", "text": "Angemeldet", "privacy_consent": "on"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name) == (user, "karl")


def test_a_filled_honeypot_is_refused(client, cdo_page):
    response = client.post(form_url(cdo_page), guest_data(homepage="http://spam.example.com"))
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_errors_stand_at_the_field_and_in_a_summary_and_input_is_kept(client, cdo_page):
    data = guest_data(author_name="", privacy_consent="", author_email="kaputt", notify="on")
    response = client.post(form_url(cdo_page), data)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert html.count("<h1") == 1
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert '<a href="#id_author_name">Name: Bitte geben Sie einen Namen an.</a>' in summary
    assert "Bitte stimmen Sie der Datenschutzerklärung zu." in summary
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an." in summary
    assert 'id="id_author_name_error"' in html
    assert re.search(
        r'<input[^>]*aria-describedby="id_author_name_helptext id_author_name_error"[^>]*aria-invalid="true"|<input[^>]*aria-invalid="true"[^>]*aria-describedby="id_author_name_helptext id_author_name_error"',
        html,
    )
    assert "Ich wünsche mir Online-Termine im Bürgerbüro.</textarea>" in html
    assert 'value="kaputt"' in html
    assert not Comment.objects.exists()


def test_notification_without_address_is_explained(client, cdo_page):
    response = client.post(form_url(cdo_page), guest_data(notify="on"))
    assert response.status_code == 400
    assert (
        "Für eine Benachrichtigung brauchen wir Ihre E-Mail-Adresse." in response.content.decode()
    )


def test_too_long_and_too_many_links_are_refused_in_german(client, cdo_page):
    response = client.post(form_url(cdo_page), guest_data(text="x" * 5001))
    assert response.status_code == 400
    assert "Ihr Kommentar ist zu lang: höchstens 5000 Zeichen" in unescape(
        response.content.decode()
    )
    links = " ".join(f"http://example{n}.com" for n in range(4))
    response = client.post(form_url(cdo_page), guest_data(text=links))
    assert "Bitte fügen Sie höchstens 3 Links ein." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_same_text_twice_is_refused(client, cdo_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(form_url(cdo_page), guest_data()).status_code == 302
    response = client.post(form_url(cdo_page), guest_data())
    assert response.status_code == 400
    assert "Diesen Text haben Sie bereits gesendet." in response.content.decode()
    assert Comment.objects.count() == 1


def test_the_rate_limit_answers_429_in_german_and_keeps_the_text(client, cdo_page, settings):
    settings.COMMENT_RATE_LIMIT = (2, 600)
    for n in range(2):
        assert client.post(form_url(cdo_page), guest_data(text=f"Nummer {n}")).status_code == 302
    response = client.post(form_url(cdo_page), guest_data(text="Nummer drei, bitte behalten"))
    assert response.status_code == 429
    html = unescape(response.content.decode())
    assert "zu viele Beiträge" in html
    assert "Nummer drei, bitte behalten</textarea>" in html
    assert 'value="Anna Beispiel"' in html
    assert Comment.objects.count() == 2
    # Another client is not affected.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.post(form_url(cdo_page), guest_data(text="Andere")).status_code == 302


def test_comments_on_unpublished_or_unknown_targets_are_404(client, cdo_page):
    cdo_page.status = "draft"
    cdo_page.save()
    assert client.post(form_url(cdo_page), guest_data()).status_code == 404
    user_type = ContentType.objects.get(app_label="auth", model="user")
    url = reverse(
        "feedback:comment_create", kwargs={"content_type_id": user_type.pk, "object_id": 1}
    )
    assert client.get(url).status_code == 404


# --- Display ------------------------------------------------------------------------------


XSS = [
    '<script>alert("x")</script>',
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
    "[klick](javascript:alert(1))",
]


@pytest.mark.parametrize("payload", XSS)
def test_xss_payloads_render_as_inert_text(client, cdo_page, payload):
    ApprovedCommentFactory(target=cdo_page, text=f"Vorher {payload} nachher", author_name=payload)
    section = comments_section(client.get("/").content.decode())
    assert "<script" not in section
    assert "<img src=x" not in section
    assert "<svg" not in section
    assert 'href="javascript' not in section
    assert payload in unescape(section)


def test_urls_become_nofollow_links(client, cdo_page):
    ApprovedCommentFactory(
        target=cdo_page, text="Siehe https://www.verl.de/rathaus und www.example.org"
    )
    section = comments_section(client.get("/").content.decode())
    assert '<a href="https://www.verl.de/rathaus" rel="nofollow ugc noopener">' in section
    assert '<a href="http://www.example.org" rel="nofollow ugc noopener">' in section


def test_comments_show_oldest_first_with_german_dates_and_edit_note(client, cdo_page):
    old = ApprovedCommentFactory(target=cdo_page, text="Alt")
    new = ApprovedCommentFactory(
        target=cdo_page,
        text="Neu",
        edited_at=datetime(2025, 3, 6, tzinfo=UTC),
        original_text="Neu!!",
    )
    Comment.objects.filter(pk=old.pk).update(created_at=datetime(2025, 3, 5, 13, 30, tzinfo=UTC))
    Comment.objects.filter(pk=new.pk).update(created_at=datetime(2025, 7, 1, 22, 15, tzinfo=UTC))
    section = comments_section(client.get("/").content.decode())
    assert section.index("Alt") < section.index("Neu")
    assert "am 5. März 2025 um 14:30 Uhr" in section  # CET
    assert "am 2. Juli 2025 um 00:15 Uhr" in section  # CEST, next day in Verl
    assert section.count("von der Moderation bearbeitet") == 1
    assert "Neu!!" not in section
    assert "2 Kommentare" in section


def test_official_answers_and_replies_are_shown_under_their_comment(client, cdo_page, moderator):
    comment = ApprovedCommentFactory(target=cdo_page, text="Frage")
    ApprovedCommentFactory(target=cdo_page, parent=comment, text="Eine Antwort von Bürgern")
    CommentFactory(target=cdo_page, parent=comment, text="Wartende Antwort")
    services.comment_answer(comment=comment, staff=moderator, text="Offizielle Antwort")
    section = comments_section(client.get("/").content.decode())
    article = re.search(rf'<article id="kommentar-{comment.pk}".*', section, re.S).group(0)
    assert "Eine Antwort von Bürgern" in article
    assert "Wartende Antwort" not in section
    official = re.search(
        r'<article id="kommentar-\d+" class="comment comment-official".*?</article>', section, re.S
    ).group(0)
    assert "Antwort der Stadt Verl" in official
    assert "Offizielle Antwort" in official
    assert "Beitrag melden" not in official
    assert "2 Kommentare" in section  # the town's answer is not counted as a comment


def test_comments_are_paginated_and_permalinks_find_them(client, cdo_page, settings):
    settings.COMMENTS_PER_PAGE = 2
    comments = [ApprovedCommentFactory(target=cdo_page, text=f"Kommentar {n}") for n in range(5)]
    first = comments_section(client.get("/").content.decode())
    assert "Kommentar 0" in first
    assert "Kommentar 2" not in first
    assert 'href="?kommentare=2#kommentare"' in first
    third = comments_section(client.get("/", {"kommentare": 3}).content.decode())
    assert "Kommentar 4" in third
    assert "Kommentar 0" not in third
    assert client.get("/", {"kommentare": "abc"}).status_code == 200

    response = client.get(comments[4].get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"/?kommentare=3#kommentar-{comments[4].pk}"
    assert client.get(comments[0].get_absolute_url())["Location"] == f"/#kommentar-{comments[0].pk}"
    pending = CommentFactory(target=cdo_page)
    assert client.get(pending.get_absolute_url()).status_code == 404


def test_the_tag_works_for_any_publishable_item(rf, verl_content):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    from strategy.models import Task

    task = Task.objects.published().first()
    ApprovedCommentFactory(target=task, text="Zu dieser Aufgabe")
    request = rf.get("/aufgaben/")
    request.user = AnonymousUser()
    html = Template("{% load feedback_tags %}{% comments_for task %}").render(
        Context({"request": request, "task": task})
    )
    assert "Zu dieser Aufgabe" in html
    assert form_url(task) in html


# --- Replies and reports ------------------------------------------------------------------


def test_a_reader_replies_to_a_comment(client, cdo_page):
    comment = ApprovedCommentFactory(target=cdo_page)
    url = reverse("feedback:comment_reply", args=[comment.pk])
    assert url in client.get("/").content.decode()
    html = client.get(url).content.decode()
    assert comment.text in html
    assert html.count("<h1") == 1
    response = client.post(url, guest_data(text="Sehe ich genauso"))
    assert response.status_code == 302
    reply = Comment.objects.get(parent=comment)
    assert reply.status == CommentStatus.PENDING
    assert reply.target == cdo_page
    # No second level.
    reply.status = CommentStatus.APPROVED
    reply.save()
    assert client.get(reverse("feedback:comment_reply", args=[reply.pk])).status_code == 404


def test_a_reader_reports_a_comment_and_enough_accounts_reports_hide_it(
    client, cdo_page, settings, django_capture_on_commit_callbacks
):
    settings.COMMENT_REPORT_THRESHOLD = 1
    comment = ApprovedCommentFactory(target=cdo_page, text="Fragwürdig")
    url = reverse("feedback:comment_report", args=[comment.pk])
    assert url in client.get("/").content.decode()
    assert "Beitrag melden" in client.get(url).content.decode()

    response = client.post(url, {"note": "bitte prüfen", **solved_captcha()})
    assert response.status_code == 400
    assert "Bitte wählen Sie einen Grund." in response.content.decode()

    # The page is read after the commit, which makes the cached comment list stale.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "abuse", "note": "Hetze", **solved_captcha()})
    assert (response["Location"].split("?")[0], response.status_code) == ("/", 302)
    response = client.get(response["Location"])
    assert "Danke für Ihre Meldung" in response.content.decode()
    report = CommentReport.objects.get()
    assert (report.reason, report.note, report.reporter) == ("abuse", "Hetze", None)
    # An anonymous report goes to the moderation queue; the comment stays public.
    assert "Fragwürdig" in response.content.decode()

    reader = signed_in(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = reader.post(url, {"reason": "abuse"})
    assert response.status_code == 302
    assert "Fragwürdig" not in client.get("/").content.decode()
    assert client.get(url).status_code == 404  # hidden: nothing left to report


# --- Addresses ----------------------------------------------------------------------------


def test_confirming_an_address_needs_a_click_on_the_button(client):
    token = subscriptions.confirmation_token("neu@example.org")
    url = reverse("feedback:address_confirm", args=[token])
    assert "neu@example.org" in client.get(url).content.decode()
    assert not ConfirmedAddress.objects.exists()  # link scanners only GET
    assert client.post(url).status_code == 200
    assert ConfirmedAddress.objects.get().email == "neu@example.org"
    bad = client.get(reverse("feedback:address_confirm", args=[token + "x"]))
    assert bad.status_code == 400
    assert "ungültig oder abgelaufen" in bad.content.decode()


def test_one_click_unsubscribe_works_without_csrf_token():
    address = ConfirmedAddressFactory()
    client = Client(enforce_csrf_checks=True)
    url = reverse("feedback:unsubscribe", args=[address.unsubscribe_token])
    assert client.get(url).status_code == 200
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    address.refresh_from_db()
    assert address.notify is False
    assert client.get(reverse("feedback:unsubscribe", args=["falsch"])).status_code == 404


def test_the_whole_mail_loop_through_a_real_smtp_server(
    client, cdo_page, moderator_client, smtp_server, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_url(cdo_page),
            guest_data(
                author_email="buerger@example.org", notify="on", text="Bitte WLAN im Rathaus"
            ),
        )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()  # the confirmation mail and the moderators' digest
    run_tasks()
    by_recipient = {m["To"]: m for m in smtp_server.messages}
    confirmation = by_recipient["buerger@example.org"]
    assert "WLAN" not in confirmation.get_content()
    assert "Ihr Kommentar" not in by_recipient["moderation@verl.example"]["Subject"]
    link = re.search(
        r"http://127\.0\.0\.1:8000(/kommentare/adresse-bestaetigen/\S+/)",
        confirmation.get_content(),
    ).group(1)
    assert client.post(link).status_code == 200

    comment = Comment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            reverse("admin:feedback_comment_changelist"),
            {"action": "approve", "_selected_action": [comment.pk]},
        )
    run_tasks()
    approved = smtp_server.messages[-1]
    assert approved["To"] == "buerger@example.org"
    assert approved["Subject"] == "Ihr Kommentar ist freigegeben"
    unsubscribe = re.fullmatch(
        r"<http://127\.0\.0\.1:8000(\S+)>", approved["List-Unsubscribe"].strip()
    ).group(1)
    assert approved["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in approved.get_content()
    assert Client(enforce_csrf_checks=True).post(unsubscribe).status_code == 200
    assert ConfirmedAddress.objects.get().notify is False
    assert len(mail.outbox) == 0  # everything went through SMTP


def test_reports_are_rate_limited_too(client, cdo_page, settings):
    settings.COMMENT_REPORT_RATE_LIMIT = (1, 3600)
    first, second = ApprovedCommentFactory.create_batch(2, target=cdo_page)
    url = reverse("feedback:comment_report", args=[first.pk])
    assert client.post(url, {"reason": "spam", **solved_captcha()}).status_code == 302
    url = reverse("feedback:comment_report", args=[second.pk])
    response = client.post(url, {"reason": "other", "note": "Mein Hinweis", **solved_captcha()})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Mein Hinweis</textarea>" in html
    assert re.search(r'value="other"[^>]*checked', html)
    assert CommentReport.objects.count() == 1


def test_many_pages_of_comments_link_a_few_pages_not_all(client, cdo_page, settings):
    settings.COMMENTS_PER_PAGE = 2
    Comment.objects.bulk_create(
        [
            Comment(target=cdo_page, author_name="A", text=f"Nr. {n}", status="approved")
            for n in range(60)
        ]
    )
    section = comments_section(client.get("/", {"kommentare": "15"}).content.decode())
    links = re.findall(r"\?kommentare=(\d+)#kommentare\">Seite", section)
    assert links == ["1", "13", "14", "16", "17", "30"]
    assert '<span aria-current="page">Seite 15</span>' in section
    assert section.count("…") == 2
