"""Content Security Policy: the header, and pages that need nothing the policy forbids.

The policy allows only the portal's own files (no 'unsafe-inline'), so an inline <script>, a <style>
element, a style="…" attribute or an onclick/onchange handler would be blocked by the browser and the
feature behind it would silently stop working. The browser journeys (tests/e2e) fail on any violation;
these tests catch them without a browser: every template's source, and the rendered pages of every
GET URL for several personas.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.test_url_matrix import ROWS, review_world, world  # noqa: F401 - fixtures used below

# Executable script types; an application/json data island is not executed and is allowed.
SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}


class InlineFinder(HTMLParser):
    """Collects what a policy without 'unsafe-inline' blocks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value}">')
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f'<{tag} {name}="{value}">')
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script" and not values.get("src") and (values.get("type") or "").lower() in SCRIPT_TYPES:
            self.found.append("inline <script>")


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_sees_what_the_policy_blocks():
    html = (
        '<div style="width: 5%"></div><button onclick="window.print()"></button><script>alert(1)</script>'
        '<style>p{}</style><a href="javascript:void(0)">x</a>'
        '<script src="/static/js/portal.js"></script><script type="application/json">{}</script>'
    )
    assert len(inline_code(html)) == 5


def header_directives(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("persona", ["anonymous", "village_head"])
def test_responses_carry_the_policy_and_the_permissions_policy(client, world, persona):  # noqa: F811
    assert not settings.DEBUG  # the test settings are the production settings
    if persona != "anonymous":
        client.force_login(world["personas"][persona])
    response = client.get(reverse("login" if persona == "anonymous" else "home"), follow=True)
    assert response.status_code == 200

    policy = header_directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    sources = {s for values in policy.values() for s in values}
    assert not sources & {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"}

    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def test_htmx_is_told_not_to_inject_its_indicator_style(client, world):  # noqa: F811
    client.force_login(world["personas"]["village_head"])
    html = client.get(reverse("home"), follow=True).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert config and '"includeIndicatorStyles":false' in config.group(1)
    css = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()
    assert ".htmx-request .htmx-indicator" in css


def project_templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(
        path
        for folder in [base / "templates", *(base / app / "templates" for app in ("households", "policies", "reviews"))]
        for path in folder.rglob("*.html")
    )


def test_no_template_holds_inline_scripts_styles_or_event_handlers():
    templates = project_templates()
    assert len(templates) > 20
    # Template tags inside a tag would confuse the HTML parser: look at the source text itself.
    pattern = re.compile(r"""\sstyle\s*=|\son[a-z]+\s*=\s*["']|<style[\s>]|<script(?![^>]*\ssrc=)[^>]*>|javascript:""", re.I)
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()[:120]}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, "\n".join(found)


GET_ROWS = [row for row in ROWS if row.method == "get"]


@pytest.mark.parametrize("persona", ["village_head", "ward_officer", "district_officer", "city_officer", "admin"])
def test_rendered_pages_need_nothing_the_policy_blocks(client, review_world, persona):  # noqa: F811
    client.force_login(review_world["personas"][persona])
    pages = 0
    found = []
    for row in GET_ROWS:
        response = client.get(reverse(row.name, kwargs=row.kwargs(review_world)))
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        if getattr(response, "streaming", False):
            continue
        pages += 1
        found += [f"{row}: {item}" for item in inline_code(response.content.decode())]
    assert pages >= 10
    assert not found, "\n".join(found)
