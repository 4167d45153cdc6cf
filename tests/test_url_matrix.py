"""Every URL × every persona: the status each kind of user gets.

Outside one's area → 404; inside it with the wrong role → 403; anonymous → login redirect (302).
``test_every_url_is_in_the_matrix`` fails when a new URL is added without rows here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import make_household

PERSONAS = (
    "anonymous",
    "village_head",
    "other_village_head",
    "ward_officer",
    "commune_officer",
    "district_officer",
    "other_district_officer",
    "city_officer",
    "admin",
    "no_role",
)
# Django's own pages that need no area rule of ours.
EXEMPT_NAMESPACES = {"admin"}
EXEMPT_NAMES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
}


def expect(default: int, **overrides: int) -> dict[str, int]:
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, unknown
    return {p: overrides.get(p, default) for p in PERSONAS}


@dataclass
class Row:
    name: str
    kwargs: Callable[[dict], dict] = field(default=lambda w: {})
    statuses: dict[str, int] = field(default_factory=dict)
    method: str = "get"
    label: str = ""

    def __str__(self):
        return f"{self.method.upper()} {self.name} {self.label}".strip()


STAFF = dict(
    village_head=200,
    other_village_head=200,
    ward_officer=200,
    commune_officer=200,
    district_officer=200,
    other_district_officer=200,
    city_officer=200,
    admin=200,
)

# Households in village 20236-001: village heads and ward officers edit; district and city officers read.
READERS_OF_VILLAGE = dict(anonymous=302, village_head=200, ward_officer=200, district_officer=200, city_officer=200, admin=200)


def editors_of_village(ok: int) -> dict[str, int]:
    return expect(404, anonymous=302, village_head=ok, ward_officer=ok, admin=ok, district_officer=403, city_officer=403)


EDITORS_ANYWHERE = dict(village_head=200, other_village_head=200, ward_officer=200, commune_officer=200, admin=200)
WARD_OFFICERS = dict(anonymous=302, ward_officer=200, commune_officer=200)


def household(w):
    return {"code": w["household"].code}


def member(w):
    return {"code": w["household"].code, "member_id": w["member"].pk}


ROWS = [
    Row("home", statuses=expect(302, **STAFF, no_role=403)),
    Row(
        "households:unit_detail",
        lambda w: {"code": w["village"].code},
        label="own village",
        statuses=expect(
            404, anonymous=302, village_head=200, ward_officer=200, district_officer=200, city_officer=200, admin=200
        ),
    ),
    Row(
        "households:unit_detail",
        lambda w: {"code": w["ward"].code},
        label="ward",
        statuses=expect(404, anonymous=302, ward_officer=200, district_officer=200, city_officer=200, admin=200),
    ),
    Row(
        "households:unit_detail",
        lambda w: {"code": w["city"].code},
        label="city",
        statuses=expect(404, anonymous=302, city_officer=200, admin=200),
    ),
    Row(
        "households:village_create",
        lambda w: {"code": w["ward"].code},
        label="own ward",
        statuses=expect(403, anonymous=302, ward_officer=200, commune_officer=404, admin=200),
    ),
    Row(
        "households:village_create",
        lambda w: {"code": w["ward"].code},
        method="post",
        label="own ward, empty form",
        statuses=expect(403, anonymous=302, ward_officer=200, commune_officer=404, admin=200),
    ),
    Row("households:list", statuses=expect(302, **STAFF, no_role=403)),
    Row("households:list", method="post", label="wrong method", statuses=expect(405)),
    Row("households:export", statuses=expect(302, **STAFF, no_role=403)),
    Row("households:create", statuses=expect(403, anonymous=302, **EDITORS_ANYWHERE)),
    Row("households:create", method="post", label="empty form", statuses=expect(403, anonymous=302, **EDITORS_ANYWHERE)),
    Row("households:data_quality", statuses=expect(403, **WARD_OFFICERS, admin=200)),
    Row("households:detail", household, label="own village", statuses=expect(404, **READERS_OF_VILLAGE)),
    Row("households:detail", household, method="post", label="wrong method", statuses=expect(405)),
    Row("households:edit", household, statuses=editors_of_village(200)),
    Row("households:edit", household, method="post", label="empty form", statuses=editors_of_village(200)),
    Row("households:split", household, method="post", label="empty form", statuses=editors_of_village(302)),
    Row("households:split", household, label="wrong method", statuses=expect(405)),
    Row("households:member_leave", member, method="post", label="empty form", statuses=editors_of_village(302)),
    Row("households:member_leave", member, label="wrong method", statuses=expect(405)),
    Row("households:member_move", member, method="post", label="empty form", statuses=editors_of_village(302)),
    Row("households:member_move", member, label="wrong method", statuses=expect(405)),
    Row("households:reveal_id", member, method="post", statuses=editors_of_village(200)),
    Row("households:reveal_id", member, label="wrong method", statuses=expect(405)),
    # Administrators have no ward: they import with `manage.py import_households --unit`.
    Row("households:import", statuses=expect(403, **WARD_OFFICERS)),
    Row("households:import", method="post", label="empty form", statuses=expect(403, **WARD_OFFICERS)),
    Row("households:import_template", statuses=expect(403, **WARD_OFFICERS)),
    Row(
        "households:import_errors",
        lambda w: {"token": "0" * 32},
        label="unknown token",
        statuses=expect(403, anonymous=302, ward_officer=404, commune_officer=404),
    ),
]


def _named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in EXEMPT_NAMESPACES:
                continue
            yield from _named_urls(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_is_in_the_matrix():
    covered = {row.name for row in ROWS}
    missing = sorted(set(_named_urls()) - covered - EXEMPT_NAMES)
    assert not missing, f"Add rows to tests/test_url_matrix.py for: {missing}"


@pytest.fixture
def world(territory, personas):
    w = dict(territory)
    w["household"] = make_household(territory["village"], "HH-1", members=2)
    w["rural_household"] = make_household(territory["rural_village"], "HH-R", members=1)
    w["member"] = w["household"].members.get(relationship="head")
    w["member"].id_number = "048080001234"  # born 1980, male: consistent
    w["member"].save()
    w["personas"] = personas
    return w


CASES = [(row, persona) for row in ROWS for persona in PERSONAS]


@pytest.mark.parametrize(("row", "persona"), CASES, ids=[f"{r} as {p}" for r, p in CASES])
def test_status_for_persona(client, world, row, persona):
    if persona != "anonymous":
        client.force_login(world["personas"][persona])
    url = reverse(row.name, kwargs=row.kwargs(world))
    response = getattr(client, row.method)(url)
    assert response.status_code == row.statuses[persona], f"{row} as {persona}"
    if response.status_code == 302 and persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
