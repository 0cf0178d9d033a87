import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.comments import services
from feedback.models import (
    Comment,
    CommentReport,
    CommentStatus,
    ModerationAction,
    RejectionReason,
    ReportReason,
)
from strategy.models import Page
from tests.feedback.factories import (
    ApprovedCommentFactory,
    CommentFactory,
    RejectionReasonFactory,
    signed_in,
)
from tests.strategy.factories import PageFactory

pytestmark = pytest.mark.django_db


CHANGELIST = "admin:feedback_comment_changelist"
REASON_MISSING = "Bitte wählen Sie einen Grund aus der Liste der Ablehnungsgründe."


def change_url(comment: Comment) -> str:
    return reverse("admin:feedback_comment_change", args=[comment.pk])


def form_data(html: str) -> dict[str, str]:
    """The values a browser would send for the admin's change form as rendered."""
    form = re.search(r'<form [^>]*id="comment_form".*?</form>', html, re.S).group(0)
    data: dict[str, str] = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name and 'type="checkbox"' not in tag and 'type="submit"' not in tag:
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S
    ):
        data[name] = unescape(value).lstrip("\n")
    return data


def test_the_queue_shows_page_excerpt_author_status_and_age(moderator_client):
    page = PageFactory(title="Glasfaser")
    CommentFactory(target=page, author_name="Berta", text="Wann kommt das schnelle Internet?")
    html = moderator_client.get(reverse(CHANGELIST)).content.decode()
    for expected in (
        "Glasfaser",
        "Wann kommt das schnelle Internet?",
        "Berta",
        "Wartet auf Prüfung",
    ):
        assert expected in html
    assert 'datetime="' in html  # age, with the exact time for assistive technology


def test_the_queue_needs_no_query_per_row(moderator_client):
    pages = PageFactory.create_batch(3)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert moderator_client.get(reverse(CHANGELIST)).status_code == 200
        return len(captured)

    CommentFactory.create_batch(2, target=pages[0])
    few = queries()
    for page in pages:
        CommentFactory.create_batch(10, target=page)
    assert queries() == few


def test_filters_and_search(moderator_client):
    glasfaser, wlan = PageFactory(title="Glasfaser"), PageFactory(title="WLAN")
    CommentFactory(target=glasfaser, text="Pending Glasfaser", author_email="a@example.org")
    ApprovedCommentFactory(target=wlan, text="Freigegeben WLAN")
    url = reverse(CHANGELIST)

    def listed(**params) -> str:
        response = moderator_client.get(url, params)
        assert response.status_code == 200
        return response.content.decode()

    assert "Freigegeben WLAN" not in listed(status__exact="pending")
    ziel = f"{Comment.objects.first().content_type_id}-{wlan.pk}"
    by_page = listed(ziel=ziel)
    assert "Freigegeben WLAN" in by_page
    assert "Pending Glasfaser" not in by_page
    assert "Glasfaser" in listed()  # offered as a filter choice
    assert "Pending Glasfaser" in listed(q="glasfaser")
    assert "Pending Glasfaser" in listed(q="a@example.org")
    assert "Freigegeben WLAN" in listed(**{"created_at__gte": "2000-01-01 00:00:00+01:00"})
    assert "Pending Glasfaser" not in listed(ziel="kaputt")


def test_bulk_actions_use_the_services_and_log_who_did_it(moderator_client, moderator):
    comments = CommentFactory.create_batch(3)
    # An action applies to the selected rows of the list as filtered: here all comments.
    url = reverse(CHANGELIST) + "?status__exact=alle"
    moderator_client.post(url, {"action": "approve", "_selected_action": [comments[0].pk]})

    # Rejecting, marking as spam and hiding need a reason from the editable list.
    for action in ["reject", "mark_spam", "hide"]:
        response = moderator_client.post(
            url, {"action": action, "_selected_action": [comments[2].pk]}, follow=True
        )
        assert REASON_MISSING in response.content.decode()
    assert Comment.objects.get(pk=comments[2].pk).status == CommentStatus.PENDING
    reason = RejectionReasonFactory(title="Werbung")
    moderator_client.post(
        url,
        {
            "action": "mark_spam",
            "_selected_action": [comments[1].pk],
            "rejection_reason": reason.pk,
        },
    )
    moderator_client.post(
        url,
        {
            "action": "reject",
            "_selected_action": [comments[2].pk, comments[0].pk],
            "rejection_reason": reason.pk,
        },
    )
    statuses = [Comment.objects.get(pk=c.pk).status for c in comments]
    assert statuses == [CommentStatus.REJECTED, CommentStatus.SPAM, CommentStatus.REJECTED]
    assert ModerationAction.objects.filter(actor=moderator).count() == 4
    log = moderator_client.get(
        reverse("admin:feedback_moderationaction_changelist")
    ).content.decode()
    assert "moderatorin" in log
    assert "Werbung" in log

    # A step the status does not allow is skipped with a message, not an error page.
    response = moderator_client.post(
        url, {"action": "restore", "_selected_action": [comments[1].pk]}, follow=True
    )
    assert response.status_code == 200
    assert "übersprungen" in response.content.decode()


def test_a_moderator_corrects_the_text_before_approval(moderator_client, client, verl_content):
    page = Page.objects.get(slug=Page.HOME)
    comment = CommentFactory(target=page, text="Ruft mich an: 0170 1234567\nDanke")
    html = moderator_client.get(change_url(comment)).content.decode()
    data = form_data(html)
    data.update(
        text="Ruft mich an: [Nummer entfernt]\r\nDanke", decision="approve", note="Telefonnummer"
    )
    response = moderator_client.post(change_url(comment), data)
    assert response.status_code == 302, response.content.decode()
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED
    assert comment.text == "Ruft mich an: [Nummer entfernt]\nDanke"
    assert comment.original_text == "Ruft mich an: 0170 1234567\nDanke"
    assert list(comment.actions.values_list("action", flat=True)) == ["approve", "edit"]

    public = client.get("/").content.decode()
    assert "[Nummer entfernt]" in public
    assert "0170" not in public
    assert "von der Moderation bearbeitet" in public
    # The original stays visible to moderators.
    assert "0170 1234567" in moderator_client.get(change_url(comment)).content.decode()


def test_saving_without_changes_is_no_edit(moderator_client):
    comment = CommentFactory(text="Zeile eins\nZeile zwei")
    data = form_data(moderator_client.get(change_url(comment)).content.decode())
    data["text"] = data["text"].replace("\n", "\r\n")  # as browsers send it
    assert moderator_client.post(change_url(comment), data).status_code == 302
    comment.refresh_from_db()
    assert not comment.is_edited
    assert not comment.actions.exists()


def test_refused_steps_are_explained_on_the_form(moderator_client):
    comment = CommentFactory()
    data = form_data(moderator_client.get(change_url(comment)).content.decode())
    data.update(decision="restore")
    response = moderator_client.post(change_url(comment), data)
    assert response.status_code == 200
    assert "Dieser Schritt ist für einen Kommentar im Status" in unescape(response.content.decode())
    for decision in ["reject", "spam"]:
        data.update(decision=decision)
        response = moderator_client.post(change_url(comment), data)
        assert response.status_code == 200
        assert REASON_MISSING in unescape(response.content.decode())
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PENDING
    approved = ApprovedCommentFactory()
    data = form_data(moderator_client.get(change_url(approved)).content.decode())
    data.update(decision="hide")
    response = moderator_client.post(change_url(approved), data)
    assert REASON_MISSING in unescape(response.content.decode())
    assert not Comment.objects.get(pk=approved.pk).is_hidden


def test_staff_post_an_official_answer(moderator_client, client, verl_content):
    page = Page.objects.get(slug=Page.HOME)
    comment = CommentFactory(target=page, text="Gibt es bald WLAN?")
    data = form_data(moderator_client.get(change_url(comment)).content.decode())
    data.update(decision="approve", official_answer="Ja, ab Mai im Rathaus.")
    assert moderator_client.post(change_url(comment), data).status_code == 302
    answer = Comment.objects.get(parent=comment)
    assert answer.is_official
    public = client.get("/").content.decode()
    assert "Antwort der Stadt Verl" in public
    assert "Ja, ab Mai im Rathaus." in public


def test_moderation_moderates_but_edits_no_content(moderator_client, verl_content):
    page = Page.objects.get(slug=Page.HOME)
    assert moderator_client.get(reverse(CHANGELIST)).status_code == 200
    assert moderator_client.get(reverse("admin:feedback_rejectionreason_add")).status_code == 200
    assert (
        moderator_client.get(reverse("admin:strategy_page_change", args=[page.pk])).status_code
        == 403
    )
    response = moderator_client.post(
        reverse("admin:strategy_page_change", args=[page.pk]), {"title": "Gehackt"}
    )
    assert response.status_code == 403
    assert moderator_client.get(reverse("admin:strategy_page_add")).status_code == 403
    assert moderator_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    comment = CommentFactory(author_email="buerger@example.org")
    assert "buerger@example.org" in moderator_client.get(change_url(comment)).content.decode()
    # Comments come from citizens, not from the admin.
    assert moderator_client.get(reverse("admin:feedback_comment_add")).status_code == 403


def test_redaktion_edits_content_reads_comments_without_addresses(editor, verl_content):
    client = signed_in(editor)
    page = Page.objects.get(slug=Page.HOME)
    assert client.get(reverse("admin:strategy_page_change", args=[page.pk])).status_code == 200
    assert client.get(reverse("admin:strategy_task_add")).status_code == 200

    comment = CommentFactory(author_email="buerger@example.org", text="Lesbar für die Redaktion")
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert "Lesbar für die Redaktion" in listing
    assert "buerger@example.org" not in listing
    assert (
        "Lesbar"
        not in client.get(reverse(CHANGELIST), {"q": "buerger@example.org"}).content.decode()
    )
    detail = client.get(change_url(comment)).content.decode()
    assert "Lesbar für die Redaktion" in detail
    assert "buerger@example.org" not in detail
    assert 'name="decision"' not in detail

    # No moderation: actions and the change form are refused.
    client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [comment.pk]})
    response = client.post(change_url(comment), {"text": "x", "decision": "approve"})
    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PENDING
    assert client.get(reverse("admin:feedback_rejectionreason_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_rejection_reasons_are_an_editable_list(moderator_client):
    response = moderator_client.post(
        reverse("admin:feedback_rejectionreason_add"),
        {
            "title": "Off-Topic",
            "text": "Bitte bleiben Sie beim Thema.",
            "is_active": "on",
            "position": 1,
        },
    )
    assert response.status_code == 302
    assert RejectionReason.objects.get().title == "Off-Topic"


REPORTS = "admin:feedback_commentreport_changelist"


def reported(comment: Comment, key: str = "a") -> CommentReport:
    return services.comment_report(comment=comment, reason=ReportReason.ABUSE, client_keys=[key])


def test_a_reported_public_comment_is_cleared_on_its_page(moderator_client, moderator):
    comment = ApprovedCommentFactory()
    reported(comment)
    html = moderator_client.get(change_url(comment)).content.decode()
    assert "Meldung zurückweisen" in unescape(html)
    data = form_data(html)
    data.update(decision="dismiss", note="Kritik ist erlaubt")
    response = moderator_client.post(change_url(comment), data)
    assert response.status_code == 302, response.content.decode()
    comment.refresh_from_db()
    assert comment.is_public
    assert not CommentReport.objects.open().exists()
    entry = comment.actions.get()
    assert (entry.action, entry.actor) == ("dismiss", moderator)
    assert "Kritik ist erlaubt" in entry.reason


def test_a_reported_public_comment_is_hidden_on_its_page(moderator_client):
    comment = ApprovedCommentFactory()
    reported(comment)
    data = form_data(moderator_client.get(change_url(comment)).content.decode())
    reason = RejectionReasonFactory()
    data.update(decision="hide", rejection_reason=reason.pk, note="beleidigend")
    assert moderator_client.post(change_url(comment), data).status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden
    hide = comment.actions.get(action="hide")
    assert (hide.decision_reason, hide.reason.endswith("beleidigend")) == (reason, True)
    assert not CommentReport.objects.open().exists()


def test_reports_are_dismissed_or_upheld_from_the_report_list(moderator_client, moderator):
    kept, hidden = ApprovedCommentFactory(), ApprovedCommentFactory()
    first, second = reported(kept, "a"), reported(kept, "b")
    third = reported(hidden, "c")
    listing = unescape(moderator_client.get(reverse(REPORTS)).content.decode())
    assert "Meldung zurückweisen" in listing
    assert "Kommentar ausblenden" in listing

    response = moderator_client.post(
        reverse(REPORTS),
        {"action": "dismiss_reports", "_selected_action": [first.pk, second.pk], "note": "ok"},
        follow=True,
    )
    assert response.status_code == 200
    response = moderator_client.post(
        reverse(REPORTS), {"action": "hide_comments", "_selected_action": [third.pk]}, follow=True
    )
    assert REASON_MISSING in response.content.decode()
    assert CommentReport.objects.filter(pk=third.pk).open().exists()
    moderator_client.post(
        reverse(REPORTS),
        {
            "action": "hide_comments",
            "_selected_action": [third.pk],
            "rejection_reason": RejectionReasonFactory().pk,
        },
    )
    kept.refresh_from_db()
    hidden.refresh_from_db()
    assert kept.is_public
    assert hidden.is_hidden
    assert not CommentReport.objects.open().exists()
    assert list(kept.actions.values_list("action", flat=True)) == ["dismiss"]  # once per comment
    assert list(hidden.actions.values_list("action", "actor")) == [("hide", moderator.pk)]


def test_editors_cannot_resolve_reports(editor):
    comment = ApprovedCommentFactory()
    report = reported(comment)
    client = signed_in(editor)
    client.post(reverse(REPORTS), {"action": "dismiss_reports", "_selected_action": [report.pk]})
    assert CommentReport.objects.open().get() == report


def test_an_answered_comment_shows_its_answer(moderator_client, moderator):
    moderator.first_name, moderator.last_name = "Maria", "Moderatorin"
    moderator.save()
    comment = ApprovedCommentFactory()
    services.comment_answer(comment=comment, staff=moderator, text="Ja, ab Mai im Rathaus.")
    html = unescape(moderator_client.get(change_url(comment)).content.decode())
    assert "Ja, ab Mai im Rathaus." in html
    assert "Maria Moderatorin" in html
    assert not re.search(r"Antwort der Stadt Verl:?</label>\s*<div[^>]*><img", html)
    # Answering again is possible, but not the box one is handed first.
    assert "Weitere Antwort" in html


def test_an_unanswered_comment_offers_the_answer_box(moderator_client):
    html = unescape(moderator_client.get(change_url(ApprovedCommentFactory())).content.decode())
    assert 'name="official_answer"' in html
    assert "Weitere Antwort" not in html
    assert not re.search(r"Antwort der Stadt Verl:?</label>\s*<div[^>]*><img", html)


def test_the_queue_opens_on_pending_oldest_first_with_a_way_back(moderator_client):
    old = CommentFactory(text="Alter Kommentar")
    Comment.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2020))
    CommentFactory(text="Neuer Kommentar")
    ApprovedCommentFactory(text="Schon freigegeben")
    html = moderator_client.get(reverse(CHANGELIST)).content.decode()
    assert "Schon freigegeben" not in html
    assert html.index("Alter Kommentar") < html.index("Neuer Kommentar")
    everything = moderator_client.get(reverse(CHANGELIST), {"status__exact": "alle"})
    assert "Schon freigegeben" in everything.content.decode()
    assert "?status__exact=alle" in html  # the way back to all comments
    # Another filter or a search looks at every status.
    assert (
        "Schon freigegeben"
        in moderator_client.get(reverse(CHANGELIST), {"q": "freigegeben"}).content.decode()
    )


def test_the_queue_counts_open_reports(moderator_client):
    comment = ApprovedCommentFactory(text="Umstritten")
    reported(comment, "a")
    reported(comment, "b")
    html = moderator_client.get(reverse(CHANGELIST), {"gemeldet": "offen"}).content.decode()
    assert "Umstritten" in html
    assert re.search(r'<td class="field-open_reports[^"]*">2</td>', html)


def test_the_queue_needs_no_query_per_report(moderator_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = moderator_client.get(reverse(CHANGELIST), {"status__exact": "alle"})
            assert response.status_code == 200
        return len(captured)

    reported(ApprovedCommentFactory())
    few = queries()
    for key in "bcdef":
        reported(ApprovedCommentFactory(), key)
    assert queries() == few


def _submitted(page):
    return services.comment_submit(target=page, author_name="Anna", text="Mehr WLAN im Rathaus")


def test_an_answer_records_the_outcome_the_moderator_picks(moderator_client, page):
    from feedback.models import Case, CaseOutcome
    from tests.strategy.factories import MeasureFactory

    comment = _submitted(page)
    measure = MeasureFactory(title="WLAN in allen öffentlichen Gebäuden")
    data = form_data(moderator_client.get(change_url(comment)).content.decode())
    data.update(
        decision="approve",
        official_answer="Das nehmen wir auf.",
        outcome=CaseOutcome.ADOPTED,
        outcome_measure=str(measure.pk),
    )
    assert moderator_client.post(change_url(comment), data).status_code == 302
    case = Case.objects.get(comment=comment)
    assert case.outcome == CaseOutcome.ADOPTED
    assert case.outcome_measure == measure


def test_an_answer_without_a_picked_outcome_records_information(moderator_client, page):
    from feedback.models import Case, CaseOutcome

    comment = _submitted(page)
    data = form_data(moderator_client.get(change_url(comment)).content.decode())
    data.update(decision="approve", official_answer="Ab Mai.")
    assert moderator_client.post(change_url(comment), data).status_code == 302
    assert Case.objects.get(comment=comment).outcome == CaseOutcome.INFORMATION


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"official_answer": "Nein.", "outcome": "not_adopted"},
            "Bitte nennen Sie den Grund; die Bürgerin oder der Bürger sieht ihn.",
        ),
        ({"outcome": "information"}, "Ein Ergebnis wird zusammen mit einer Antwort festgehalten."),
    ],
)
def test_an_incomplete_outcome_is_a_german_form_error(moderator_client, page, extra, message):
    from feedback.models import Case

    comment = _submitted(page)
    data = form_data(moderator_client.get(change_url(comment)).content.decode())
    data.update(decision="approve", **extra)
    response = moderator_client.post(change_url(comment), data)
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PENDING
    assert not Comment.objects.filter(parent=comment).exists()
    assert Case.objects.get(comment=comment).outcome == ""
