import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

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
