"""Finding 6: a POST whose body cannot be decoded got a 500 (and a traceback in the log).

Django answers such a body with BadRequest; its default 400 handler then checked the CSRF
token again, which read the body again and failed inside the error page.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from strategy.models import Page

UTF16_FORM = "application/x-www-form-urlencoded; charset=utf-16"


def post_undecodable(path: str):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = "abcdefghijklmnopqrstuvwxyzABCDEF"
    return client.post(path, data=b"a=b", content_type=UTF16_FORM)


@pytest.mark.django_db
@pytest.mark.usefixtures("verl_content")
@pytest.mark.parametrize("kind", ["contact", "comment", "login", "search", "english"])
def test_an_undecodable_body_gets_the_german_400_page(kind):
    home = Page.objects.get(slug=Page.HOME)
    path = {
        "contact": "/kontakt/",
        "comment": f"/kommentare/neu/{ContentType.objects.get_for_model(Page).pk}/{home.pk}/",
        "login": "/konto/login/",
        "search": "/suche/",
        "english": "/en/kontakt/",
    }[kind]
    response = post_undecodable(path)
    assert response.status_code == 400
    html = response.content.decode()
    assert ("Ungültige Anfrage" if kind != "english" else "Invalid request") in html
    assert "Traceback" not in html
