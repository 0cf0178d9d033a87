"""The explanations in Leichte Sprache and Gebärdensprache in Chromium: axe-clean, no sideways
scroll, nothing from another host, reachable with Tab; a video recorded in the browser itself,
uploaded through the admin, plays with its captions."""

import base64
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from strategy.models import Page as ContentPage
from strategy.models import SignLanguageTopic, SignLanguageVideo
from tests.browser.conftest import describe, in_thread
from tests.browser.test_keyboard import tab_to
from tests.browser.test_pages import check
from tests.strategy.media import upload
from tests.strategy.test_easy_language_text import TEXT_PATH

pytestmark = pytest.mark.django_db(transaction=True)

CAPTIONS = (
    "WEBVTT\n\n00:00.000 --> 00:00.800\nHier erklären wir diese Website.\n\n"
    "00:00.800 --> 00:02.000\nIn Deutscher Gebärdensprache.\n"
)

# One second of a changing colour, recorded from a canvas by Chromium's MediaRecorder: a
# real WebM made in the test, so no video file lives in the repository.
RECORD_WEBM = """async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  const context = canvas.getContext('2d');
  const recorder = new MediaRecorder(canvas.captureStream(25), {mimeType: 'video/webm'});
  const chunks = [];
  recorder.ondataavailable = event => chunks.push(event.data);
  const stopped = new Promise(resolve => { recorder.onstop = resolve; });
  let frame = 0;
  const draw = () => {
    context.fillStyle = `hsl(${frame * 15}, 80%, 45%)`;
    context.fillRect(0, 0, 160, 120);
    frame += 1;
  };
  draw();
  recorder.start(100);
  const timer = setInterval(draw, 40);
  await new Promise(resolve => setTimeout(resolve, 1000));
  clearInterval(timer);
  recorder.stop();
  await stopped;
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}"""


@pytest.fixture
def site(live_server):
    call_command("load_verl_content", verbosity=0)
    return live_server


def foreign_requests(page: Page, origin: str) -> list[str]:
    foreign: list[str] = []
    page.on(
        "request",
        lambda request: urlsplit(request.url).netloc != origin and foreign.append(request.url),
    )
    return foreign


def record_webm(page: Page, site_url: str) -> bytes:
    page.goto(site_url + "/")
    return base64.b64decode(page.evaluate(RECORD_WEBM))


def upload_through_admin(admin_client, webm: bytes) -> None:
    now = timezone.localtime()
    response = admin_client.post(
        "/admin/strategy/signlanguagevideo/add/",
        {
            "title": "Was diese Website enthält",
            "slug": "inhalt",
            "topic": SignLanguageTopic.CONTENTS,
            "status": "published",
            "publish_at_0": now.strftime("%d.%m.%Y"),
            "publish_at_1": (now - timezone.timedelta(minutes=1)).strftime("%H:%M"),
            "position": "0",
            "video": upload("inhalt.webm", webm),
            "captions": upload("inhalt.vtt", CAPTIONS.encode()),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]


def test_both_pages_without_content_are_accessible_and_stay_on_the_site(site, page):
    in_thread(lambda: ContentPage.objects.filter(slug=ContentPage.EASY_LANGUAGE).delete())
    foreign = foreign_requests(page, urlsplit(site.url).netloc)
    problems: dict[str, object] = {}
    with_english = {}
    for name, path in {
        "Leichte Sprache": "/leichte-sprache/",
        "Gebärdensprache": "/gebaerdensprache/",
    }.items():
        with_english[name] = path
        with_english[f"{name} (en)"] = "/en" + path
    for name, path in with_english.items():
        assert page.goto(site.url + path).status == 200, name
        check(page, name, problems)
    assert problems == {}, describe(problems)
    assert foreign == []
    assert page.context.cookies() == []


def test_the_easy_language_text_reads_accessibly(site, page):
    # The content pack loaded the page with the text of TEXT_PATH.
    loaded = in_thread(lambda: ContentPage.objects.get(slug=ContentPage.EASY_LANGUAGE).body)
    assert loaded == TEXT_PATH.read_text(encoding="utf-8").strip("\n")
    foreign = foreign_requests(page, urlsplit(site.url).netloc)
    problems: dict[str, object] = {}
    for path in ("/leichte-sprache/", "/en/leichte-sprache/"):
        assert page.goto(site.url + path).status == 200
        check(page, path, problems)
        assert page.locator("article").get_attribute("lang") == "de"
    assert problems == {}, describe(problems)
    assert foreign == []


def test_tab_reaches_both_header_links_and_enter_follows_them(site, page):
    page.goto(site.url + "/aufgaben/")
    tab_to(page, ".explanation-links a[href='/leichte-sprache/']")
    tab_to(page, ".explanation-links a[href='/gebaerdensprache/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/gebaerdensprache/")
    assert page.locator("h1").inner_text() == "Gebärdensprache"
    assert page.locator(".explanation-links a[aria-current='page']").inner_text() == (
        "Gebärdensprache"
    )


def test_a_recorded_video_plays_with_its_captions_from_the_site_itself(site, page, admin_client):
    webm = record_webm(page, site.url)
    assert webm.startswith(b"\x1a\x45\xdf\xa3")
    in_thread(upload_through_admin, admin_client, webm)
    video = in_thread(lambda: SignLanguageVideo.objects.get())
    assert video.video_type == "video/webm"

    origin = urlsplit(site.url).netloc
    foreign = foreign_requests(page, origin)
    statuses: list[int] = []
    page.on(
        "response",
        lambda response: (
            response.url.endswith(video.video_url) and statuses.append(response.status)
        ),
    )
    page.goto(site.url + reverse("strategy:sign_language"))
    player = page.locator("video")
    assert player.count() == 1
    assert page.locator("video track[kind='captions'][srclang='de'][default]").count() == 1
    assert page.locator("script").count() == 0
    page.wait_for_function("document.querySelector('video').readyState >= 1")
    assert page.evaluate("document.querySelector('video').duration") > 0
    page.wait_for_function(
        "(() => { const t = document.querySelector('video').textTracks[0];"
        " return t && t.cues && t.cues.length === 2; })()"
    )
    cue = page.evaluate("document.querySelector('video').textTracks[0].cues[0].text")
    assert cue == "Hier erklären wir diese Website."
    assert 206 in statuses, statuses  # the browser asks for the video in ranges

    problems: dict[str, object] = {}
    check(page, "Gebärdensprache mit Video", problems)
    assert problems == {}, describe(problems)

    # With the keyboard: past the header's links to the player's controls.
    page.goto(site.url + reverse("strategy:sign_language"))
    tab_to(page, ".explanation-links a[href='/leichte-sprache/']")
    tab_to(page, "video")
    assert foreign == []

    ranged = page.request.get(site.url + video.video_url, headers={"Range": "bytes=0-99"})
    assert ranged.status == 206
    assert ranged.headers["content-range"] == f"bytes 0-99/{len(webm)}"
    assert ranged.body() == webm[:100]
