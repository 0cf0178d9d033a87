import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits, duplicate checks and digest markers live in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def roles(db: None) -> None:
    call_command("setup_roles", verbosity=0)


@pytest.fixture
def moderator(roles):
    from tests.feedback.factories import UserFactory

    return UserFactory(
        username="moderatorin", email="moderation@verl.example", groups=["Moderation"]
    )


@pytest.fixture
def editor(roles):
    from tests.feedback.factories import UserFactory

    return UserFactory(username="redakteur", email="redaktion@verl.example", groups=["Redaktion"])


@pytest.fixture
def page(db: None):
    from tests.strategy.factories import PageFactory

    return PageFactory(title="Smarte Verwaltung", slug="smarte-verwaltung")
