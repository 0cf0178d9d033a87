"""The start page's explanations in Leichte Sprache and Gebärdensprache (BITV 2.0, Anlage 2):
the pages, the video files with Range, the upload checks in the admin."""

import re

import lxml.html
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from strategy.models import Page, PublicationStatus, SignLanguageTopic, SignLanguageVideo
from strategy.town import town_profile
from tests.strategy.factories import PageFactory, SignLanguageVideoFactory
from tests.strategy.media import CAPTIONS, MP4, PNG, WEBM, upload

pytestmark = pytest.mark.django_db


def parse(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content.decode())


@pytest.fixture
def town():
    profile = town_profile()
    profile.name = "Stadt Verl"
    profile.cdo_email = "digitalisierung@verl.de"
    profile.street_address = "Paradieskamp 1"
    profile.postal_code = "33415"
    profile.locality = "Verl"
    profile.save()
    return profile


# --- Leichte Sprache ----------------------------------------------------------------------


def test_without_its_page_leichte_sprache_says_the_text_follows_and_how_to_reach_the_cdo(
    client, town
):
    response = client.get("/leichte-sprache/")
    assert response.status_code == 200
    article = parse(response).xpath("//article")[0]
    assert article.get("lang") == "de"
    text = article.text_content()
    assert "Die Erklärung ist noch nicht fertig." in text
    assert "digitalisierung@verl.de" in text
    assert "Paradieskamp 1" in text
    assert article.xpath(f".//a[@href='{reverse('feedback:contact')}']")


def test_a_draft_page_is_the_built_in_text_for_the_public(client, town):
    PageFactory(slug=Page.EASY_LANGUAGE, title="Leichte Sprache", status=PublicationStatus.DRAFT)
    response = client.get("/leichte-sprache/")
    assert response.status_code == 200
    assert "noch nicht fertig" in response.content.decode()


def test_the_page_shows_its_text_in_german_without_comments_also_under_en(client):
    PageFactory(
        slug=Page.EASY_LANGUAGE,
        title="Leichte Sprache",
        title_en="Easy language",
        body="## Was ist diese Seite?\n\nDiese Seite ist vom Digital-Beauftragten.",
    )
    german = client.get("/leichte-sprache/")
    with override("en"):
        path = reverse("strategy:easy_language")
    english = client.get(path)
    for response in (german, english):
        assert response.status_code == 200
        html = parse(response)
        article = html.xpath("//article")[0]
        assert article.get("lang") == "de"
        assert html.xpath("//h1")[0].text_content() == "Leichte Sprache"
        assert "Diese Seite ist vom Digital-Beauftragten." in article.text_content()
        assert not html.xpath("//*[@id='kommentare']//form"), "no comment form on it"
    assert parse(english).get("lang") == "en"
    assert Page(slug=Page.EASY_LANGUAGE).takes_comments is False
    assert Page.EASY_LANGUAGE not in Page.objects.taking_comments().values_list("slug", flat=True)


def test_the_page_is_found_by_the_search(client):
    PageFactory(slug=Page.EASY_LANGUAGE, title="Leichte Sprache", body="Hier erklären wir alles.")
    response = client.get(reverse("strategy:search"), {"q": "Leichte Sprache"})
    assert 'href="/leichte-sprache/"' in response.content.decode()


def test_every_page_links_both_explanations_from_its_header_and_footer(client, town):
    html = parse(client.get(reverse("strategy:tasks")))
    for selector in ("header", "footer"):
        links = {a.get("href"): a.text_content().strip() for a in html.xpath(f"//{selector}//a")}
        assert links["/leichte-sprache/"] == "Leichte Sprache", selector
        assert links["/gebaerdensprache/"] == "Gebärdensprache", selector
    for svg in html.xpath("//nav[@class='explanation-links']//svg"):
        assert (svg.get("aria-hidden"), svg.get("focusable")) == ("true", "false")


# --- Gebärdensprache: the page --------------------------------------------------------------


def test_without_videos_the_page_says_they_are_being_made_and_how_to_reach_the_cdo(client, town):
    response = client.get("/gebaerdensprache/")
    assert response.status_code == 200
    html = parse(response)
    text = " ".join(html.xpath("//article")[0].text_content().split())
    assert "Die Videos in Gebärdensprache entstehen gerade." in text
    assert "digitalisierung@verl.de" in text
    assert html.xpath("//article//a[@href='/leichte-sprache/']")
    assert not html.xpath("//video")


def test_a_published_video_is_played_by_the_browser_with_its_captions(client, town):
    video = SignLanguageVideoFactory(title="Was auf dieser Website steht", slug="inhalt")
    SignLanguageVideoFactory(
        slug="entwurf", topic=SignLanguageTopic.NAVIGATION, status=PublicationStatus.DRAFT
    )
    html = parse(client.get("/gebaerdensprache/"))
    (element,) = html.xpath("//video")
    assert element.get("controls") is not None
    assert element.get("preload") == "metadata"
    source = element.xpath("source")[0]
    assert (source.get("src"), source.get("type")) == (video.video_url, "video/webm")
    (track,) = html.xpath("//track")  # lxml's HTML parser puts it beside the <video>
    assert track.get("kind") == "captions"
    assert (track.get("srclang"), track.get("label")) == ("de", "Deutsch")
    assert track.get("default") is not None
    assert track.get("src") == video.captions_url
    assert html.xpath(f"//a[@download][@href='{video.video_url}']")
    assert not html.xpath("//script")
    # The topic without a published video says so.
    navigation = html.xpath("//*[@id='navigation']")[0].text_content()
    assert "Das Video zu dieser Erklärung entsteht gerade." in navigation


# --- Gebärdensprache: the files -------------------------------------------------------------


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_video_is_served_whole_and_in_ranges(client):
    video = SignLanguageVideoFactory(slug="inhalt")
    whole = client.get(video.video_url)
    assert whole.status_code == 200
    assert whole["Content-Type"] == "video/webm"
    assert whole["Accept-Ranges"] == "bytes"
    assert "public" in whole["Cache-Control"]
    assert "max-age=3600" in whole["Cache-Control"]
    assert body(whole) == WEBM

    part = client.get(video.video_url, HTTP_RANGE="bytes=4-11")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 4-11/{len(WEBM)}"
    assert part["Content-Length"] == "8"
    assert body(part) == WEBM[4:12]

    assert body(client.get(video.video_url, HTTP_RANGE="bytes=-5")) == WEBM[-5:]
    assert body(client.get(video.video_url, HTTP_RANGE="bytes=20-")) == WEBM[20:]
    beyond = client.get(video.video_url, HTTP_RANGE=f"bytes={len(WEBM)}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(WEBM)}"
    # Nonsense and several ranges are answered with the whole file.
    for header in ("bytes=x-y", "bytes=0-1,4-5", "lines=1-2", "bytes=9-3"):
        assert client.get(video.video_url, HTTP_RANGE=header).status_code == 200, header
    # A changed file no longer matches If-Range: the whole file.
    stale = client.get(video.video_url, HTTP_RANGE="bytes=4-11", HTTP_IF_RANGE='"0-0"')
    assert stale.status_code == 200
    etag = whole["ETag"]
    assert client.get(video.video_url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_captions_and_poster_are_served_with_their_types(client):
    video = SignLanguageVideoFactory(slug="inhalt", poster=upload("bild.jpg", PNG))
    captions = client.get(video.captions_url)
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert body(captions) == CAPTIONS
    poster = client.get(video.poster_url)
    assert poster["Content-Type"] == "image/png"  # by content, whatever the name says


def test_only_published_videos_are_served(client):
    draft = SignLanguageVideoFactory(slug="entwurf", status=PublicationStatus.DRAFT)
    later = SignLanguageVideoFactory(
        slug="spaeter", publish_at=timezone.now() + timezone.timedelta(days=1)
    )
    for video in (draft, later):
        assert client.get(video.video_url).status_code == 404
        assert client.get(video.captions_url).status_code == 404
    published = SignLanguageVideoFactory(slug="inhalt")
    assert client.get(published.file_url("etwas")).status_code == 404
    assert client.get(published.file_url("vorschaubild")).status_code == 404  # none uploaded


# --- Uploads in the admin -------------------------------------------------------------------


def add_form(**files) -> dict:
    now = timezone.localtime()
    return {
        "title": "Was diese Website enthält",
        "slug": "inhalt",
        "body": "",
        "title_en": "",
        "body_en": "",
        "topic": SignLanguageTopic.CONTENTS,
        "status": PublicationStatus.PUBLISHED,
        "publish_at_0": now.strftime("%d.%m.%Y"),
        "publish_at_1": now.strftime("%H:%M"),
        "position": "0",
        "video": upload("inhalt.webm", WEBM),
        "captions": upload("inhalt.vtt", CAPTIONS),
        **files,
    }


ADD = "/admin/strategy/signlanguagevideo/add/"


def errors(response) -> str:
    return " ".join(
        parse(response).xpath("//*[contains(@class, 'errorlist')]")[0].text_content().split()
    )


def nothing_stored() -> bool:
    return not SignLanguageVideo.objects.exists() and default_storage.listdir("")[1] == []


def test_an_editor_uploads_a_webm_or_an_mp4_with_captions(admin_client):
    response = admin_client.post(ADD, add_form())
    assert response.status_code == 302, errors(response)
    video = SignLanguageVideo.objects.get()
    assert video.video_type == "video/webm"
    form = add_form(slug="mp4", video=upload("film.mp4", MP4))
    assert admin_client.post(ADD, form).status_code == 302
    assert SignLanguageVideo.objects.get(slug="mp4").video_type == "video/mp4"


def test_a_text_file_named_mp4_is_refused(admin_client):
    response = admin_client.post(ADD, add_form(video=upload("film.mp4", b"Nur Text, kein Film.")))
    assert response.status_code == 200
    assert "Das ist kein Video im Format MP4 oder WebM." in errors(response)
    assert nothing_stored()


def test_captions_without_webvtt_are_refused(admin_client):
    for content in (b"00:00.000 --> 00:01.000\nHallo\n", b"WEBVTT\n", b"\xff\xfe\x00W"):
        response = admin_client.post(ADD, add_form(captions=upload("text.vtt", content)))
        assert response.status_code == 200, content
        assert "Das sind keine Untertitel im Format WebVTT" in errors(response), content
    assert nothing_stored()
    # With a byte order mark before WEBVTT they are fine.
    response = admin_client.post(
        ADD, add_form(captions=upload("bom.vtt", b"\xef\xbb\xbf" + CAPTIONS))
    )
    assert response.status_code == 302


def test_a_video_over_the_limit_is_refused_naming_the_limit(admin_client, settings):
    settings.SIGN_LANGUAGE_VIDEO_MAX_BYTES = 50
    response = admin_client.post(ADD, add_form())
    assert response.status_code == 200
    assert re.search(r"Erlaubt sind höchstens 50\sBytes\.", errors(response))
    assert nothing_stored()


def test_a_poster_must_be_an_image(admin_client):
    response = admin_client.post(ADD, add_form(poster=upload("bild.png", b"<svg></svg>")))
    assert "Das Vorschaubild muss ein Bild im Format JPEG, PNG oder WebP sein." in errors(response)
    assert nothing_stored()


def test_only_staff_may_send_a_video_larger_than_other_requests(client, admin_client, settings):
    settings.REQUEST_MAX_BYTES = 2000

    def big() -> dict:
        return add_form(video=upload("gross.webm", WEBM + b"\x00" * 4000))

    assert client.post(ADD, big()).status_code == 413
    assert admin_client.post(ADD, big()).status_code == 302
    # Elsewhere the limit stays, for staff too.
    other = "/admin/strategy/page/add/"
    assert admin_client.post(other, {"x": "y" * 3000}).status_code == 413
