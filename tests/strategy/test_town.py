"""The town profile: contrast check, coat of arms, its own stylesheet, the process cache."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import HttpResponse
from django.urls import reverse
from PIL import Image

from strategy.coat_of_arms import MAX_BYTES, coat_of_arms_clean
from strategy.models import TownProfile
from strategy.models.town import contrast_ratio
from strategy.town import town_brand, town_profile, town_profile_update
from tests.feedback.factories import UserFactory, signed_in
from tests.strategy.test_admin import form_data
from verl_digital.accounts.roles import ADMINISTRATION, EDITORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles() -> None:
    call_command("setup_roles", verbosity=0)


HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 10 12" onload="alert('onload')">
  <script>alert('script')</script>
  <defs><linearGradient id="gold"><stop offset="0" stop-color="#d4a017"/></linearGradient></defs>
  <path d="M0 0h10v8l-5 4-5-4z" fill="url(#gold)" onclick="alert(1)"
        style="stroke:#000;fill:url(https://evil.example/x)"/>
  <use xlink:href="https://evil.example/arms.svg#a"/>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <title>Wappen</title>
</svg>"""


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 24), "#00587c").save(buffer, format="PNG")
    return buffer.getvalue()


# --- Colours -------------------------------------------------------------------------------


def test_colours_with_enough_contrast_pass():
    profile = town_profile()
    profile.brand_colour, profile.accent_colour = "#00587c", "#b3001b"
    profile.full_clean()
    assert contrast_ratio("#00587c") == pytest.approx(7.8, abs=0.05)


def test_a_light_colour_is_refused_with_its_ratio():
    profile = town_profile()
    profile.brand_colour, profile.accent_colour = "#4a90d9", "#ff9900"
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    errors = refused.value.message_dict
    # #4a90d9 has 3.36:1 against white, #ff9900 2.14:1: shown rounded down.
    assert errors["brand_colour"] == ["Kontrast 3,3:1 zu Weiß; mindestens 4,5:1 nötig."]
    assert errors["accent_colour"] == ["Kontrast 2,1:1 zu Weiß; mindestens 4,5:1 nötig."]


def test_the_derived_dark_shade_still_meets_aa():
    brand = town_brand()
    assert contrast_ratio(brand.brand_dark) > contrast_ratio(brand.brand) >= 4.5


def test_the_stylesheet_carries_the_colours_cached_under_their_version(client):
    brand = town_brand()
    response = client.get(f"/marke.css?v={brand.version}")
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "--c-brand: #00587c;" in response.content.decode()
    assert "--c-accent: #b3001b;" in response.content.decode()
    assert "immutable" in response["Cache-Control"]
    assert "immutable" not in client.get("/marke.css?v=old")["Cache-Control"]
    page = client.get("/").content.decode()
    assert f'href="/marke.css?v={brand.version}"' in page
    assert page.index("css/site.css") < page.index("/marke.css")


# --- The process cache ---------------------------------------------------------------------


def test_the_profile_is_read_once_until_it_changes(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    town_profile()
    with django_assert_num_queries(0):
        assert town_profile().name == "Stadt Verl"
    with django_capture_on_commit_callbacks(execute=True):
        town_profile_update(profile=TownProfile.objects.get(), name="Stadt Musterstadt")
    assert town_profile().name == "Stadt Musterstadt"


def test_the_service_validates():
    with pytest.raises(ValidationError):
        town_profile_update(profile=TownProfile.objects.get(), reference_prefix="verl-1")


# --- Coat of arms --------------------------------------------------------------------------


def test_a_real_png_is_kept_as_it_is():
    content = png_bytes()
    assert coat_of_arms_clean(name="wappen.png", content=content) == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("wappen.png", b"\x89PNG\r\n\x1a\nnot really"),
        ("wappen.png", b"GIF89a..."),
        (
            "wappen.svg",
            b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        ),
        ("wappen.svg", b'<html xmlns="http://www.w3.org/1999/xhtml"><script/></html>'),
        ("wappen.svg", b"<svg"),
        ("wappen.svg", b"<svg xmlns='http://www.w3.org/2000/svg'>" + b" " * MAX_BYTES + b"</svg>"),
    ],
)
def test_what_is_no_clean_png_or_svg_is_refused_in_german(name, content):
    with pytest.raises(ValidationError) as refused:
        coat_of_arms_clean(name=name, content=content)
    assert refused.value.messages[0].startswith(("Die Datei", "Bitte"))


def test_an_svg_keeps_its_shapes_and_loses_everything_active():
    clean = coat_of_arms_clean(name="wappen.svg", content=HOSTILE_SVG).decode()
    for gone in ("script", "onload", "onclick", "alert", "evil.example", "foreignObject", "div"):
        assert gone not in clean, gone
    assert 'fill="url(#gold)"' in clean
    assert 'style="stroke:#000"' in clean
    assert "<title>Wappen</title>" in clean


def admin_post(**changes) -> HttpResponse:
    """The profile's admin form as it was rendered, with `changes`, posted by Administration."""
    administrator = signed_in(UserFactory(groups=[ADMINISTRATION]))
    url = reverse("admin:strategy_townprofile_change")
    data = form_data(administrator.get(url).context["adminform"].form)
    data.pop("coat_of_arms")  # no file: the browser sends none
    return administrator.post(url, data | changes)


def test_the_service_cleans_an_svg_it_is_handed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        town_profile_update(profile=town_profile(), coat_of_arms=("arms.svg", HOSTILE_SVG))
    profile = TownProfile.objects.get()
    assert profile.coat_of_arms.name.endswith(".svg")
    stored = profile.coat_of_arms.read()
    assert b"<path" in stored
    assert b"script" not in stored
    assert b"onload" not in stored


def test_an_uploaded_svg_never_brings_its_script_to_a_page(
    client, roles, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_post(coat_of_arms=SimpleUploadedFile("wappen.svg", HOSTILE_SVG))
    assert response.status_code == 302, response.context["adminform"].form.errors

    page = client.get("/").content.decode()
    brand = town_brand()
    arms_url = f"/wappen/{brand.arms_version}.svg"
    assert f'<img class="brand-arms" src="{arms_url}" alt="">' in page
    assert "alert(" not in page
    arms = client.get(arms_url)
    assert arms["Content-Type"] == "image/svg+xml"
    assert arms["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert arms["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in arms["Cache-Control"]
    served = arms.content.decode()
    for gone in ("<script", "onload", "onclick", "alert", "evil.example"):
        assert gone not in served, gone
    assert "<path" in served


def test_a_png_is_served_as_png(client, roles, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("arms.svg", png_bytes())  # the content decides, not the name
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_post(coat_of_arms=upload).status_code == 302
    brand = town_brand()
    arms = client.get(f"/wappen/{brand.arms_version}.png")
    assert arms["Content-Type"] == "image/png"
    assert arms.content == png_bytes()
    assert client.get(f"/wappen/{brand.arms_version}.svg").status_code == 404


def test_the_admin_refuses_a_weak_colour_with_the_ratio(roles):
    response = admin_post(brand_colour="#7fb2d0")
    assert response.status_code == 200
    assert "Kontrast 2,2:1 zu Weiß; mindestens 4,5:1 nötig." in response.content.decode()
    assert TownProfile.objects.get().brand_colour == "#00587c"


def test_only_administration_edits_the_profile(roles):
    url = reverse("admin:strategy_townprofile_change")
    assert signed_in(UserFactory(groups=[ADMINISTRATION])).get(url).status_code == 200
    assert signed_in(UserFactory(groups=[EDITORS])).get(url).status_code == 403
