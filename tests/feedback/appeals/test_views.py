"""The appeal page through its public surface: the mail's link, headers, 404/409/410, the
2,000-character limit, CSRF under `no-referrer`, and the case page's reason and link."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from feedback.cases.links import appeal_token, appeal_url, case_token, case_url
from feedback.comments import services as comments
from feedback.models import Appeal, AppealStatus, Case
from tests.feedback.appeals.helpers import decision_of, submitted

pytestmark = pytest.mark.django_db


def page_of(response) -> str:
    return unescape(response.content.decode())


def test_the_rejection_mail_carries_the_reason_and_the_appeal_link(
    client,
    page,
    moderator,
    decision_reason,
    author_address,
    django_capture_on_commit_callbacks,
    run_tasks,
):
    comment = submitted(page)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_reject(comment=comment, moderator=moderator, reason=decision_reason)
    run_tasks()
    (rejection,) = mail.outbox
    decision = decision_of(comment, "reject")
    assert decision.decision_reason == decision_reason
    assert decision_reason.text in rejection.body
    assert "Widerspruch einlegen" in rejection.body
    assert f"http://127.0.0.1:8000{appeal_url(decision)}" in rejection.body
    response = client.get(appeal_url(decision))
    assert response.status_code == 200
    body = page_of(response)
    assert "<h1>Widerspruch einlegen</h1>" in body
    assert decision_reason.title in body
    assert "Bürgerbüro" not in body  # nothing the author wrote that is not public


def test_the_page_is_private(client, rejected):
    response = client.get(appeal_url(rejected))
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert "sessionid" not in response.cookies


def test_a_forged_link_is_a_404(client, rejected, moderator):
    token = appeal_token(rejected)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert client.get(reverse("feedback:appeal", kwargs={"token": forged})).status_code == 404
    other = f"{rejected.pk + 1}:{token.split(':', 1)[1]}"
    assert client.get(reverse("feedback:appeal", kwargs={"token": other})).status_code == 404
    # A case link's signature does not open an appeal (salts of their own).
    case = Case.objects.get(comment=rejected.comment_id)
    assert client.get(reverse("feedback:appeal", args=[case_token(case)])).status_code == 404
    # Signed, but not a decision one can object to: an approval.
    comments.comment_approve(comment=rejected.comment, moderator=moderator)
    approve = decision_of(rejected.comment, "approve")
    assert client.get(appeal_url(approve)).status_code == 404
    assert client.post(reverse("feedback:appeal", args=[forged]), {"text": "x"}).status_code == 404


def test_an_expired_link_answers_410_in_german(client, rejected):
    with time_machine.travel(rejected.created_at + timedelta(days=15)):
        for response in (
            client.get(appeal_url(rejected)),
            client.post(appeal_url(rejected), {"text": "Zu spät."}),
        ):
            assert response.status_code == 410
            body = page_of(response)
            assert "Kein Widerspruch mehr möglich" in body
            assert "bis 14 Tage nach der Entscheidung" in body
            assert response.headers["Cache-Control"] == "private, no-store"
    assert not Appeal.objects.exists()


def test_a_decision_since_undone_answers_410(client, rejected, moderator):
    comments.comment_approve(comment=rejected.comment, moderator=moderator)
    response = client.get(appeal_url(rejected))
    assert response.status_code == 410
    assert "Diese Entscheidung gilt nicht mehr" in page_of(response)


def test_an_appeal_is_sent_once_and_at_most_2000_characters(client, rejected):
    url = appeal_url(rejected)
    response = client.post(url, {"text": "x" * 2001})
    assert response.status_code == 400
    assert "höchstens 2000 Zeichen lang sein (jetzt: 2001)" in page_of(response)
    response = client.post(url, {"text": "  "})
    assert response.status_code == 400
    assert "Bitte begründen Sie Ihren Widerspruch." in page_of(response)
    assert not Appeal.objects.exists()

    response = client.post(url, {"text": "Der Beitrag war sachlich.\r\nBitte prüfen."})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{url}?eingegangen=1"
    appeal = Appeal.objects.get()
    assert (appeal.decision, appeal.status) == (rejected, AppealStatus.OPEN)
    assert appeal.text == "Der Beitrag war sachlich.\nBitte prüfen."
    body = page_of(client.get(response.headers["Location"]))
    assert "Ihr Widerspruch ist eingegangen." in body
    assert "<textarea" not in body

    response = client.post(url, {"text": "Noch einmal."})
    assert response.status_code == 409
    assert "bereits Widerspruch eingelegt" in page_of(response)
    assert Appeal.objects.count() == 1


def test_the_form_needs_its_csrf_token_and_accepts_origin_null(rejected):
    strict = Client(enforce_csrf_checks=True)
    url = appeal_url(rejected)
    assert strict.post(url, {"text": "Ohne Token."}).status_code == 403
    strict.get(url)
    token = strict.cookies["csrftoken"].value
    response = strict.post(
        url, {"text": "Mit Token.", "csrfmiddlewaretoken": token}, HTTP_ORIGIN="null"
    )
    assert response.status_code == 302
    assert Appeal.objects.get().text == "Mit Token."


def test_the_case_page_shows_the_reason_the_link_and_then_the_appeal(
    client, rejected, decision_reason, second_moderator
):
    case = Case.objects.get(comment=rejected.comment_id)
    body = page_of(client.get(case_url(case)))
    assert "Entscheidung der Moderation" in body
    assert decision_reason.title in body
    assert decision_reason.text in body
    assert f'href="{appeal_url(rejected)}"' in body
    assert "Widerspruch einlegen" in body

    client.post(appeal_url(rejected), {"text": "Bitte prüfen."})
    body = page_of(client.get(case_url(case)))
    assert f'href="{appeal_url(rejected)}"' not in body
    assert "Ihr Widerspruch vom" in body
    assert "offen" in body

    with time_machine.travel(rejected.created_at + timedelta(days=20)):
        other = submitted(rejected.comment.target, text="Ein zweiter Kommentar.")
    # An appeal window that has passed: the reason stays, the link goes.
    comments.comment_reject(comment=other, moderator=second_moderator, reason=decision_reason)
    late = decision_of(other, "reject")
    with time_machine.travel(late.created_at + timedelta(days=15)):
        body = page_of(client.get(case_url(Case.objects.get(comment=other))))
    assert decision_reason.title in body
    assert appeal_url(late) not in body


def test_the_case_page_of_a_rejected_comment_costs_one_query_more(
    client, rejected, django_assert_num_queries
):
    url = case_url(Case.objects.get(comment=rejected.comment_id))
    # The case with its comment, then the decision with its reason and appeal.
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200


def test_the_appeal_page_query_count_is_pinned(client, rejected, django_assert_num_queries):
    url = appeal_url(rejected)
    # The decision with its comment, reason and appeal; the decision in force; the page the
    # comment is on (its content type is cached).
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
