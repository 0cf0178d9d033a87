import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.servers import free_port, server_env

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "python:verl_digital.gunicorn_conf"]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "verl_digital.settings.prod",
    "SECRET_KEY": "p7#k2@x!m9qv$w3z8r&t5y^u1i*o0p(a)s-d_f+g=h[j]k{l}zx.cv,bn/mq",
    "ALLOWED_HOSTS": "digital.verl.de",
    "CONTENT_PACK": "verl",
    # Behind the TLS proxy, which connects from this machine (README, "Behind a proxy").
    "NUM_PROXIES": "1",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean production environment: nothing the test process itself set up leaks in.
    dropped = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_content_pack():
    result = manage("check", **{**PRODUCTION_ENV, "CONTENT_PACK": ""})
    assert result.returncode != 0
    assert "CONTENT_PACK must name the town's content pack" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": "django-insecure-" + "x" * 50})
    assert result.returncode != 0


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> str:
    root = str(tmp_path_factory.mktemp("static"))
    result = manage("collectstatic", "--noinput", **PRODUCTION_ENV, STATIC_ROOT=root)
    assert result.returncode == 0, result.stderr
    return root


def test_check_deploy_passes_with_documented_production_settings(collected_static):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION_ENV,
        STATIC_ROOT=collected_static,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_collected_static_files_names_collectstatic(tmp_path):
    result = manage("check", "--deploy", **PRODUCTION_ENV, STATIC_ROOT=str(tmp_path))
    assert result.returncode != 0
    assert "verl_digital.E001" in result.stderr
    assert "collectstatic" in result.stderr


def test_gunicorn_refuses_to_start_without_collected_static_files(tmp_path):
    clean = {k: v for k, v in server_env().items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(  # noqa: S603
        [*GUNICORN, "verl_digital.wsgi:application"],
        cwd=ROOT,
        env={
            **clean,
            **PRODUCTION_ENV,
            "STATIC_ROOT": str(tmp_path),
            "BIND_ADDRESS": "127.0.0.1",
            "PORT": str(free_port()),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "collectstatic" in result.stderr
    assert "Booting worker" not in result.stderr


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({"PORT": "8400"}, "http://127.0.0.1:8400"),
        ({}, "http://127.0.0.1:8000"),
        (
            {"PORT": "8400", "SITE_URL": "https://digital.example.org/"},
            "https://digital.example.org",
        ),
    ],
)
def test_site_url_follows_the_port_unless_set(env, site_url):
    clean = {k: v for k, v in os.environ.items() if k not in {"PORT", "SITE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "verl_digital.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == site_url


def test_time_zone_and_language():
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.LANGUAGE_CODE == "de"
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
