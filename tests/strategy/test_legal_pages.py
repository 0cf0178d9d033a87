"""The legal pages say what the site really does."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from feedback.comments.services import comment_submit
from feedback.models import Comment
from strategy.models import Page
from tests.feedback.factories import PASSWORD, ApprovedCommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def privacy_text() -> str:
    return Page.objects.get(slug=Page.PRIVACY).body


def test_the_privacy_policy_states_the_periods_the_site_applies(settings):
    settings.RETENTION_MONTHS = 18
    settings.UNVERIFIED_ACCOUNT_DAYS = 10
    settings.TASK_RESULT_RETENTION_DAYS = 21
    call_command("load_verl_content", verbosity=0)
    text = privacy_text()
    assert "Nach 18 Monaten entfernen wir Name" in text
    assert "innerhalb von 10 Tagen bestätigt" in text
    assert "bleibt 21 Tage in der Versandwarteschlange" in text
    assert "IP-Adressen werden nirgends gespeichert" in text


def test_the_privacy_policy_names_every_cookie_the_site_sets(client, verl_content):
    seen: set[str] = set()

    def visit(response):
        seen.update(response.cookies)
        return response

    user = UserFactory(email="karl@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    visit(client.get("/"))
    visit(client.get(reverse("account_login")))
    visit(client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}))
    visit(client.get("/"))
    visit(client.post(reverse("account_logout")))
    visit(client.get("/"))
    assert seen == {"csrftoken", "sessionid", "messages"}
    named = set(re.findall(r"`(\w+)`", privacy_text()))
    assert seen <= named


def test_the_accessibility_statement_leads_to_the_contact_form_with_barriere_melden(
    client, verl_content
):
    call_command("setup_inbox", verbosity=0)
    html = client.get(reverse("strategy:accessibility")).content.decode()
    link = re.search(r'href="(/kontakt/\?thema=barriere-melden)"', html).group(1)
    form = client.get(link).content.decode()
    assert re.search(r'<option value="\d+" selected>Barriere melden</option>', form)


@pytest.mark.parametrize("name", ["strategy:imprint", "strategy:privacy", "strategy:accessibility"])
def test_the_legal_pages_carry_no_comments(client, verl_content, name):
    """Statements, not discussions: no comment form, no comments, no cookie."""
    page = Page.objects.get(slug={v: k for k, v in Page.NAMED_URLS.items()}[name])
    ApprovedCommentFactory(target=page, text="Ein alter Kommentar zum Rechtstext.")
    response = client.get(reverse(name))
    html = response.content.decode()
    assert 'id="kommentare"' not in html
    assert "Ein alter Kommentar zum Rechtstext." not in html
    assert 'id="kommentar-schreiben"' not in html
    assert "csrftoken" not in response.cookies

    form_url = reverse(
        "feedback:comment_create",
        kwargs={
            "content_type_id": ContentType.objects.get_for_model(Page).pk,
            "object_id": page.pk,
        },
    )
    assert client.get(form_url).status_code == 404
    assert client.post(form_url, {"author_name": "Eva", "text": "Hallo"}).status_code == 404
    assert Comment.objects.filter(object_id=page.pk).count() == 1
    # Nor is the old comment found by the search.
    search = client.get(reverse("strategy:search"), {"q": "Rechtstext"}).content.decode()
    assert "Keine Treffer" in search


def test_comments_on_a_legal_page_are_refused_by_the_service(verl_content):
    with pytest.raises(ValidationError, match="keine Kommentare"):
        comment_submit(target=Page.objects.get(slug=Page.IMPRINT), text="Hallo", author_name="E")
