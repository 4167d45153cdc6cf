"""Real-browser journeys: Debian's Chromium driven by Playwright against a live server with demo data.

Run with `make e2e` (CI runs it on PostgreSQL after the unit tests). Screenshots of the key screens
go to tests/e2e/screenshots/ (ignored by git) so a person can look at what users see.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "demo-2026"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Chromium is not installed: apt-get install chromium (or set CHROMIUM_PATH).")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
    # browser steps are ordinary synchronous code. Set only while the browser runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def demo(transactional_db, settings):
    """A fresh database with the demo territory (2023 structure), the shipped public holidays (as
    `make demo` loads them), households and this year's open round."""
    settings.DEMO_DATA_ALLOWED = True
    call_command("load_holidays", verbosity=0)
    call_command("seed_demo", structure="2023", households=3000, seed=7, villages_per_ward=(2, 3), verbosity=0)
    call_command("seed_review_demo", seed=7, verbosity=0)
    # The journeys do not depend on the day CI runs: the demo dates its round around today, every phase
    # deadline ahead of it (a journey that tests a late step moves its own deadline).


# Every page reports what the Content-Security-Policy blocked (the event fires for blocked scripts,
# styles, style attributes and inline handlers alike) to the test, which fails on any.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolation([e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber, e.sample, document.URL].join(" | "));
});
"""


def watch_csp(context, violations: list[str]) -> None:
    context.expose_binding("__cspViolation", lambda source, text: violations.append(text))
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"console: {message.text}")

    context.on("page", lambda page: page.on("console", on_console))


@pytest.fixture
def open_page(browser, live_server):
    pages = []
    violations: list[str] = []

    def make(username: str, viewport=PHONE):
        context = browser.new_context(viewport=viewport, locale="vi-VN", accept_downloads=True)
        watch_csp(context, violations)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        pages.append(context)
        page.base = live_server.url
        return page

    yield make
    for context in pages:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(violations)), pytrace=False)


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_fits_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide: horizontal scrolling on a phone"


# Words of the English interface that must never reach a village head's page (issue 14): Django's own
# catalogue, a forgotten {% translate %}, a developer note from the data. Whole words, case-sensitive.
ENGLISH_UI = re.compile(
    r"\b(Save|Cancel|Delete|Edit|Back|Next|Submit|Search|Error|Errors|required|This field|None|True|False|"
    r"version|not set|not confirmed|confidence|Household|Member|Result|Provisional|Income|Yes|No)\b"
)


def assert_no_english(page) -> None:
    """The visible text (and the page title) has no common English interface word."""
    text = page.locator("body").inner_text() + " " + page.title()
    found = sorted(set(ENGLISH_UI.findall(text)))
    assert not found, f"English on a village head's page {page.url}: {found}"
