"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import json
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium phones home at start-up; this machine has no route for that.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Playwright's Node driver runs an asyncio loop; Django refuses sync ORM calls from a
    # thread that has one, so the tests that also use the ORM need this switch. Both end
    # with the browser tests: servers that later tests start inherit the environment, and
    # Django's deployment checks refuse to start with the switch on.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh browser contexts, all closed after the test.

    Closing them also closes their keep-alive connections to the live server, whose
    request threads would otherwise hold database sessions past the test database's end.
    """
    contexts: list[BrowserContext] = []

    def open_page(**options: Any) -> Page:
        context = browser.new_context(
            **{"locale": "de-DE", "timezone_id": "Europe/Berlin", **options}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    # bypass_csp lets the test inject axe-core; the site's own CSP forbids inline scripts.
    return new_page(bypass_csp=True)


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core in the page and return its WCAG 2.1 A/AA violations."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, indent=2, ensure_ascii=False)


def in_thread(function: Callable[..., Any], *args: Any) -> Any:
    """Run ORM code beside Playwright: its sync API runs an event loop in this thread, and
    Django refuses ORM calls from a thread with a running loop."""

    def run() -> Any:
        try:
            return function(*args)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()
