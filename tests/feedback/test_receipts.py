"""Confirmations after sending travel in a signed URL, shown only where they belong."""

import pytest
from django.core import signing

from feedback import receipts
from strategy.models import Page
from tests.feedback.factories import ApprovedCommentFactory, CommentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("verl_content")]


def confirmation(client, path: str, token: str) -> bool:
    html = client.get(path, {receipts.PARAMETER: token}).content.decode()
    return "Vielen Dank!" in html or "Danke für Ihre Meldung" in html


def test_a_receipt_confirms_a_pending_comment_on_its_own_page(client):
    home = Page.objects.get(slug=Page.HOME)
    comment = CommentFactory(target=home, notify=True, author_email="a@example.org")
    token = receipts.receipt_token(kind=receipts.COMMENT, pk=comment.pk)
    html = client.get("/", {receipts.PARAMETER: token}).content.decode()
    assert "Ihr Kommentar ist eingegangen" in html
    assert "schicken wir Ihnen einen Link" in html
    # On another page the same receipt says nothing.
    assert not confirmation(client, "/aufgaben/", token)


def test_a_published_comment_and_a_report_have_their_own_words(client):
    home = Page.objects.get(slug=Page.HOME)
    comment = ApprovedCommentFactory(target=home)
    published = receipts.receipt_token(kind=receipts.COMMENT, pk=comment.pk)
    assert (
        "Ihr Kommentar ist veröffentlicht"
        in client.get("/", {"eingang": published}).content.decode()
    )
    report = receipts.receipt_token(kind=receipts.REPORT, pk=comment.pk)
    assert "Danke für Ihre Meldung" in client.get("/", {"eingang": report}).content.decode()


def test_forged_foreign_or_expired_receipts_show_nothing(client, monkeypatch):
    home = Page.objects.get(slug=Page.HOME)
    comment = CommentFactory(target=home)
    forged = signing.dumps(["comment", comment.pk], salt="another-salt")
    unknown_kind = signing.dumps(["admin", comment.pk], salt=receipts.SALT)
    for token in [forged, unknown_kind, "garbage", f"{comment.pk}"]:
        response = client.get("/", {receipts.PARAMETER: token})
        assert response.status_code == 200
        assert "Vielen Dank!" not in response.content.decode()

    token = receipts.receipt_token(kind=receipts.COMMENT, pk=comment.pk)
    monkeypatch.setattr(receipts, "MAX_AGE", -1)
    assert not confirmation(client, "/", token)


def test_the_contact_reference_token_is_signed():
    token = receipts.contact_token("VERL-2026-000007")
    assert receipts.contact_reference(token) == "VERL-2026-000007"
    assert receipts.contact_reference(token[:-2] + "xx") is None
    assert receipts.contact_reference("VERL-2026-000007") is None
