import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client


@pytest.fixture
def verl_content(db: None) -> None:
    call_command("load_verl_content", verbosity=0)


@pytest.fixture
def verl_demo_content(db: None) -> None:
    call_command("load_verl_content", "--demo", verbosity=0)


@pytest.fixture
def superuser(db: None):
    return get_user_model().objects.create_superuser(
        username="admin", email="admin@verl.example", password="pw-for-tests-only"
    )


@pytest.fixture
def admin_client(superuser):
    """A second browser, signed in as a superuser, beside the anonymous `client`."""
    client = Client()
    client.force_login(superuser)
    return client
