from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe_violations, describe

PAGES = ["/", "/aufgaben/", "/strategie/", "/impressum/", "/datenschutz/", "/barrierefreiheit/"]
ALL_PAGES = [*PAGES, "/gibt-es-nicht/"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("verl_content")]


@pytest.mark.parametrize("path", ALL_PAGES)
def test_axe_finds_no_wcag_violations(page, live_server, path):
    page.goto(live_server.url + path)
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_every_request_goes_to_the_own_origin(page, live_server):
    origin = urlsplit(live_server.url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ALL_PAGES:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    foreign = [url for url in requested if urlsplit(url).netloc != origin]
    assert requested
    assert foreign == []


@pytest.mark.parametrize("width", [320, 640])
def test_no_page_scrolls_sideways_on_a_narrow_screen(new_page, live_server, width):
    page = new_page(viewport={"width": width, "height": 800})
    for path in ALL_PAGES:
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"


def test_no_page_scrolls_sideways_at_200_percent_zoom(new_page, live_server):
    # 200 % zoom of a 1280 px window lays out like a 640 px viewport at device scale 2.
    page = new_page(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    for path in ALL_PAGES:
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Zum Inhalt springen"
    assert page.evaluate("getComputedStyle(document.activeElement).top") != "-160px"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"


def test_pages_work_without_javascript(new_page, live_server):
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text().startswith("Der Digitalisierungsbeauftragte")
    page.get_by_role("link", name="Aufgaben").first.click()
    assert page.url.endswith("/aufgaben/")
