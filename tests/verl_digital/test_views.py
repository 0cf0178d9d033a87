import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from feedback.models import Comment, Conversation, Topic
from strategy.models import Page
from tests.feedback.factories import solved_captcha
from verl_digital.views import server_error


@pytest.mark.django_db
def test_healthz_reports_a_healthy_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@contextmanager
def database_unreachable() -> Iterator[None]:
    """Point the connection at a port nobody listens on: a real refused connection."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_unreachable():
    with database_unreachable():
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "error", "database": "unavailable"}
    assert Client().get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("verl_content")
def test_pages_answer_503_with_retry_after_while_the_database_is_down():
    with database_unreachable():
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Vorübergehend nicht erreichbar" in html
    assert "Traceback" not in html
    # The database is back: the same process serves pages again by itself.
    assert Client().get("/").status_code == 200


def test_server_error_page_is_german(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Ein Fehler ist aufgetreten" in html
    assert '<html lang="de">' in html


def comment_form(page: Page) -> str:
    content_type = ContentType.objects.get_for_model(page)
    return reverse("feedback:comment_create", args=[content_type.pk, page.pk])


def comment_data() -> dict[str, str]:
    return {
        "author_name": "Anna",
        "text": "Bitte mehr Online-Termine.",
        "privacy_consent": "on",
        **solved_captcha(),
    }


def assert_told_to_retry(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Ihre Eingabe wurde nicht gespeichert" in html
    assert "Traceback" not in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("verl_content")
def test_submissions_while_the_database_is_down_are_not_acknowledged():
    home = Page.objects.get(slug=Page.HOME)
    topic = Topic.objects.get_or_create(name="Allgemein")[0]
    data = comment_data()
    contact = {
        "name": "Erika",
        "email": "erika@example.org",
        "topic": topic.pk,
        "subject": "Frage",
        "text": "Guten Tag",
        "consent": "on",
        **solved_captcha(),
    }
    citizen = Client(raise_request_exception=False)
    url = comment_form(home)
    with database_unreachable():
        assert_told_to_retry(citizen.post(url, data))
        assert_told_to_retry(citizen.post(reverse("feedback:contact"), contact))
    assert not Comment.objects.exists()
    assert not Conversation.objects.exists()
    # Back again: the citizen sends the same form once more, and it is stored once.
    assert citizen.post(url, data).status_code == 302
    assert citizen.post(reverse("feedback:contact"), contact).status_code == 302
    assert Comment.objects.count() == 1
    assert Conversation.objects.count() == 1


@contextmanager
def server_dies_after(table: str) -> Iterator[None]:
    """The database server ends this connection right after a row went into `table`,
    before the transaction commits: a crash in the middle of a write."""

    def die(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith(f'INSERT INTO "{table}"'):
            with context["connection"].cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return result

    with connection.execute_wrapper(die):
        yield
    connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("verl_content")
@pytest.mark.parametrize("form", ["comment", "contact"])
def test_a_write_cut_off_by_a_crash_is_rolled_back_and_not_acknowledged(form):
    home = Page.objects.get(slug=Page.HOME)
    if form == "comment":
        url, data, table = comment_form(home), comment_data(), "feedback_comment"
    else:
        topic = Topic.objects.get_or_create(name="Allgemein")[0]
        url, table = reverse("feedback:contact"), "feedback_message"
        data = {
            "name": "Erika",
            "email": "erika@example.org",
            "topic": topic.pk,
            "subject": "Frage",
            "text": "Guten Tag",
            "consent": "on",
            **solved_captcha(),
        }
    with server_dies_after(table):
        response = Client(raise_request_exception=False).post(url, data)
    assert_told_to_retry(response)
    assert not Comment.objects.exists()
    assert not Conversation.objects.exists()
    assert not DBTaskResult.objects.exists()  # no confirmation mail for what was not kept
