from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

from verl_digital import gunicorn_conf

CLIENT = "203.0.113.9"


def test_the_access_log_keeps_no_client_address_query_or_user_agent():
    config = Config()
    config.set("access_log_format", gunicorn_conf.access_log_format)
    logger = Logger(config)
    environ = {
        "REMOTE_ADDR": CLIENT,
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/suche/?q=Anna+Beispiel",
        "PATH_INFO": "/suche/",
        "QUERY_STRING": "q=Anna+Beispiel",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": "Mozilla/5.0 Kennung",
        "HTTP_REFERER": "https://example.org/anna",
    }
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", CLIENT)])
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=12))
    line = config.access_log_format % atoms
    assert '"GET /suche/" 200 512 12ms' in line
    for secret in (CLIENT, "Anna", "Kennung", "example.org"):
        assert secret not in line
