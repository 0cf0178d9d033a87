import json
import socket

import pytest
from django.db import connection
from django.test import Client
from django.views.defaults import server_error


@pytest.mark.django_db
def test_healthz_reports_a_healthy_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_is_503_when_the_database_is_unreachable(django_db_blocker):
    with django_db_blocker.unblock():
        original = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
        try:
            response = Client().get("/healthz")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(original)
        assert response.status_code == 503
        assert json.loads(response.content) == {"status": "error", "database": "unavailable"}
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")


def test_server_error_page_is_german(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Ein Fehler ist aufgetreten" in html
    assert '<html lang="de">' in html


def test_pages_answer_503_with_retry_after_while_the_database_is_down(django_db_blocker):
    with django_db_blocker.unblock():
        original = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
        try:
            down = Client(raise_request_exception=False).get("/")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(original)
        assert down.status_code == 503
        assert down["Retry-After"] == "30"
        html = down.content.decode()
        assert "Vorübergehend nicht erreichbar" in html
        assert "Traceback" not in html
        # The database is back: the same process serves pages again by itself.
        assert Client().get("/healthz").status_code == 200
