"""Who may do what is one table (households.access.ROLE_CAPABILITIES): nothing else names roles, each
capability's pages refuse the roles without it, and the read-only ward statistician reads but never writes."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from households import access
from households.models import Assignment
from tests.conftest import make_household
from tests.test_url_matrix import ROWS

ROOT = Path(__file__).resolve().parent.parent
ROLE_NAMES = "|".join(r.value for r in Assignment.Role)
ROLE_PATTERN = re.compile(rf"Role\.({'|'.join(r.name for r in Assignment.Role)})\b|[\"']({ROLE_NAMES})[\"']")
# The table itself, the Role enum and its migrations, and the demo data (who the demo logins are).
ALLOWED = {"households/access.py", "households/demo.py", "reviews/demo.py"}


def test_only_the_table_names_roles():
    offenders = []
    for folder in ("households", "reviews", "policies", "templates", "povertyportal"):
        for path in (ROOT / folder).rglob("*"):
            rel = path.relative_to(ROOT).as_posix()
            if (
                path.suffix not in (".py", ".html")
                or "/migrations/" in rel
                or "/management/" in rel
                or rel in ALLOWED
                or path.name == "models.py"
            ):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if ROLE_PATTERN.search(line):
                    offenders.append(f"{rel}:{number}: {line.strip()}")
    assert not offenders, "Ask for a capability instead:\n" + "\n".join(offenders)


def test_every_role_has_an_entry_and_every_capability_is_declared():
    assert set(access.ROLE_CAPABILITIES) == {r.value for r in Assignment.Role}
    for caps in access.ROLE_CAPABILITIES.values():
        assert caps <= access.CAPABILITIES.keys()
    with pytest.raises(ValueError):
        access.has_capability(None, "no_such_capability")


def test_one_answer_to_who_sees_full_id_numbers(personas):
    from reviews.reports import shows_full_id_numbers

    for name, user in personas.items():
        assert (
            shows_full_id_numbers(user)
            == access.may_reveal_id_numbers(user)
            == access.has_capability(user, "see_full_id_numbers")
        ), name
    assert not access.may_reveal_id_numbers(personas["statistician"])
    assert not access.may_reveal_id_numbers(personas["district_officer"])


# Pages gated by one capability: every role without it is refused (403), whatever its area.
GATED = [
    ("manage_accounts", "households:account_list", lambda t: {"code": t["ward"].code}),
    ("manage_villages", "households:village_create", lambda t: {"code": t["ward"].code}),
    ("import_households", "households:import", lambda t: {}),
    ("check_data_quality", "households:data_quality", lambda t: {}),
    ("manage_holidays", "reviews:holiday_list", lambda t: {}),
    ("manage_rounds", "reviews:round_open", lambda t: {}),
    ("manage_standards", "policies:standard_edit", None),
    ("import_resident_counts", "reviews:resident_import", lambda t: {}),
    ("see_dashboards", "reviews:dashboard_home", lambda t: {}),
    ("see_support_policies", "policies:support_policy_list", lambda t: {}),
    ("use_calculator", "policies:calculator", lambda t: {}),
]


@pytest.mark.parametrize(("capability", "name", "kwargs"), GATED, ids=[g[1] for g in GATED])
def test_a_capabilitys_page_refuses_every_role_without_it(client, territory, personas, capability, name, kwargs):
    if kwargs is None:
        from policies.models import PovertyStandard
        from policies.services import standards_load

        standards_load()
        standard = PovertyStandard.objects.first()
        kwargs = lambda t: {"pk": standard.pk}  # noqa: E731
    url = reverse(name, kwargs=kwargs(territory))
    for persona, user in personas.items():
        if persona in ("admin", "no_role"):
            continue
        client.force_login(user)
        status = client.get(url).status_code
        if access.has_capability(user, capability):
            assert status != 403, (persona, name)
        else:
            assert status == 403, (persona, name)


def test_the_statistician_sees_masked_numbers_and_the_dashboard(client, territory, personas):
    household = make_household(territory["village"], "HH-S", members=1)
    member = household.members.get()
    member.id_number = "048080001234"
    member.save()
    client.force_login(personas["statistician"])
    page = client.get(reverse("households:detail", kwargs={"code": household.code}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "048080001234" not in html and "0480******34" in html
    assert reverse("households:edit", kwargs={"code": household.code}) not in html
    assert client.get(reverse("households:list")).status_code == 200
    home = client.get(reverse("home")).content.decode()
    assert reverse("reviews:dashboard_home") in home
    assert reverse("policies:calculator") not in home
    other = make_household(territory["rural_village"], "HH-O", members=1)
    assert client.get(reverse("households:detail", kwargs={"code": other.code})).status_code == 404


# A user's own inbox is theirs to keep (read, e-mail on or off): not a change to the area's data.
OWN_INBOX = {"reviews:inbox_read_all", "reviews:inbox_email", "reviews:inbox_open"}


def test_every_post_of_the_matrix_is_refused_to_the_statistician():
    posts = [row for row in ROWS if row.method == "post" and row.name not in OWN_INBOX]
    assert posts
    for row in posts:
        assert row.statuses["statistician"] in (403, 404, 405), str(row)
