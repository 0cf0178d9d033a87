"""Finding 11: `/captcha/refresh/` stored a new question for every anonymous GET (300 rows
in 1.9 s), although the text captcha never offers a refresh."""

import pytest
from captcha.models import CaptchaStore
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/captcha/refresh/", "/captcha/image/abc123/", "/captcha/audio/abc123.wav"]
)
def test_the_captcha_library_urls_serve_nothing_and_store_nothing(path):
    client = Client()
    for _ in range(20):
        assert client.get(path, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 404
    assert CaptchaStore.objects.count() == 0
