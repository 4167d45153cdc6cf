"""Every URL × every persona: the status each kind of user gets.

Outside one's area → 404; inside it with the wrong role → 403; anonymous → login redirect (302).
``test_every_url_is_in_the_matrix`` fails when a new URL is added without rows here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from households.duplicates import duplicates_refresh
from households.models import DuplicateCandidate
from policies.models import PovertyStandard, SupportPolicy
from policies.services import standards_load, support_policies_load
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
    "statistician",
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
    # Rows of the review pages need an open round with a case and a complaint (``review_world``).
    needs_round: bool = False
    # The query string of the request, from the world (a page whose area is chosen by a parameter).
    query: Callable[[dict], str] = field(default=lambda w: "")

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
    statistician=200,
    admin=200,
)

# Calculator and reading standards: every role (and administrators); changing standards: city officers.
ANY_ROLE = expect(200, anonymous=302, no_role=403)
# The calculator posts its answers: the read-only ward statistician has no use of it.
CALCULATOR = expect(200, anonymous=302, no_role=403, statistician=403)
CITY_ONLY = expect(403, anonymous=302, city_officer=200, admin=200)
# Read access to a village's review data: the village itself and every level above it.
VILLAGE_READ = dict(
    anonymous=302, village_head=200, ward_officer=200, district_officer=200, city_officer=200, statistician=200, admin=200
)
# Support policies: ward, district and city officers read; beneficiary lists and budgets of a ward: the
# officers of that ward and above (village heads 403: see reviews/views/benefits.py).
OFFICERS_READ = expect(
    403,
    anonymous=302,
    ward_officer=200,
    commune_officer=200,
    district_officer=200,
    other_district_officer=200,
    city_officer=200,
    statistician=200,
    admin=200,
)
WARD_BENEFITS = expect(
    403,
    anonymous=302,
    ward_officer=200,
    commune_officer=404,
    district_officer=200,
    other_district_officer=404,
    city_officer=200,
    statistician=200,
    admin=200,
)
VILLAGE_WORK = dict(
    anonymous=302, village_head=200, ward_officer=200, district_officer=403, city_officer=403, statistician=403, admin=200
)
# Households in village 20236-001: village heads and ward officers edit; district and city officers read.
READERS_OF_VILLAGE = dict(
    anonymous=302, village_head=200, ward_officer=200, district_officer=200, city_officer=200, statistician=200, admin=200
)


def editors_of_village(ok: int) -> dict[str, int]:
    return expect(
        404,
        anonymous=302,
        village_head=ok,
        ward_officer=ok,
        admin=ok,
        district_officer=403,
        city_officer=403,
        statistician=403,
    )


EDITORS_ANYWHERE = dict(village_head=200, other_village_head=200, ward_officer=200, commune_officer=200, admin=200)
WARD_OFFICERS = dict(anonymous=302, ward_officer=200, commune_officer=200)


def household(w):
    return {"code": w["household"].code}


def member(w):
    return {"code": w["household"].code, "member_id": w["member"].pk}


def duplicate(w):
    return {"pk": w["duplicate"].pk}


# A possible duplicate of two records of ward 20236: its officers and the levels above read it (another
# area: 404); the ward officer decides (administrators pass every page's check).
DUPLICATE_READERS = expect(
    404,
    anonymous=302,
    village_head=403,
    other_village_head=403,
    no_role=403,
    ward_officer=200,
    district_officer=200,
    city_officer=200,
    statistician=200,
    admin=200,
)
DUPLICATE_DECIDERS = expect(403, anonymous=302, ward_officer=200, commune_officer=404, admin=200)


DASHBOARD_ROLES_ONLY = dict(village_head=403, other_village_head=403, no_role=403)
DASHBOARD_CITY = expect(404, anonymous=302, village_head=403, other_village_head=403, no_role=403, city_officer=200, admin=200)
DASHBOARD_WARD = expect(
    404,
    anonymous=302,
    village_head=403,
    other_village_head=403,
    no_role=403,
    ward_officer=200,
    district_officer=200,
    city_officer=200,
    statistician=200,
    admin=200,
)
OWNER_ONLY = expect(404, anonymous=302, city_officer=200)
IMPORTER_ONLY = expect(403, anonymous=302, ward_officer=200, commune_officer=404, admin=404)
WARD_RESIDENTS = expect(403, anonymous=302, ward_officer=200, commune_officer=404, admin=200)

ROWS = [
    Row("home", statuses=expect(302, **STAFF, no_role=403)),
    Row(
        "households:unit_detail",
        lambda w: {"code": w["village"].code},
        label="own village",
        statuses=expect(
            404,
            anonymous=302,
            village_head=200,
            ward_officer=200,
            district_officer=200,
            city_officer=200,
            statistician=200,
            admin=200,
        ),
    ),
    Row(
        "households:unit_detail",
        lambda w: {"code": w["ward"].code},
        label="ward",
        statuses=expect(
            404, anonymous=302, ward_officer=200, district_officer=200, city_officer=200, statistician=200, admin=200
        ),
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
    Row("policies:calculator", statuses=CALCULATOR),
    Row("policies:calculator", method="post", label="empty form", statuses=CALCULATOR),
    Row("policies:money_preview", statuses=ANY_ROLE),
    Row("policies:procedure", statuses=OFFICERS_READ),
    Row("policies:standard_list", statuses=ANY_ROLE),
    Row("policies:standard_detail", lambda w: {"pk": w["standard"].pk}, statuses=ANY_ROLE),
    Row("policies:standard_edit", lambda w: {"pk": w["standard"].pk}, statuses=CITY_ONLY),
    Row("policies:standard_edit", lambda w: {"pk": w["standard"].pk}, method="post", label="empty form", statuses=CITY_ONLY),
    Row("policies:standard_new_version", lambda w: {"pk": w["standard"].pk}, statuses=CITY_ONLY),
    Row(
        "policies:standard_new_version",
        lambda w: {"pk": w["standard"].pk},
        method="post",
        label="empty form",
        statuses=CITY_ONLY,
    ),
    Row("policies:support_policy_list", statuses=OFFICERS_READ),
    Row("policies:support_policy_detail", lambda w: {"pk": w["policy"].pk}, statuses=OFFICERS_READ),
    Row("policies:support_policy_new_version", lambda w: {"pk": w["policy"].pk}, statuses=CITY_ONLY),
    Row(
        "policies:support_policy_new_version",
        lambda w: {"pk": w["policy"].pk},
        method="post",
        label="empty form",
        statuses=CITY_ONLY,
    ),
    Row(
        "reviews:benefits_home",
        statuses=expect(
            403,
            anonymous=302,
            ward_officer=302,
            commune_officer=302,
            district_officer=302,
            other_district_officer=302,
            city_officer=302,
            statistician=302,
            admin=302,
        ),
    ),
    Row("reviews:benefit_budget", lambda w: {"unit_code": w["ward"].code, "year": 2027}, statuses=WARD_BENEFITS),
    Row("reviews:benefit_budget_xlsx", lambda w: {"unit_code": w["ward"].code, "year": 2027}, statuses=WARD_BENEFITS),
    Row(
        "reviews:benefit_list",
        lambda w: {"unit_code": w["ward"].code, "year": 2027, "policy_code": w["policy"].code},
        statuses=WARD_BENEFITS,
    ),
    Row(
        "reviews:benefit_list_xlsx",
        lambda w: {"unit_code": w["ward"].code, "year": 2027, "policy_code": w["policy"].code},
        statuses=WARD_BENEFITS,
    ),
    Row(
        "households:village_import",
        lambda w: {"code": w["ward"].code},
        label="own ward",
        statuses=expect(403, anonymous=302, ward_officer=200, commune_officer=404, admin=200),
    ),
    Row(
        "households:village_import",
        lambda w: {"code": w["ward"].code},
        method="post",
        label="own ward, empty form",
        statuses=expect(403, anonymous=302, ward_officer=200, commune_officer=404, admin=200),
    ),
    Row("reviews:start", statuses=expect(302)),
    Row(
        "reviews:village_cases",
        lambda w: {"round_id": w["round"].pk, "code": w["village"].code},
        statuses=expect(404, **VILLAGE_READ),
    ),
    Row(
        "reviews:village_submit",
        lambda w: {"round_id": w["round"].pk, "code": w["village"].code},
        method="post",
        statuses=expect(
            404,
            anonymous=302,
            village_head=302,
            ward_officer=302,
            district_officer=403,
            city_officer=403,
            statistician=403,
            admin=403,
        ),
    ),
    Row(
        "reviews:case_propose",
        lambda w: {"round_id": w["round"].pk, "code": w["village"].code},
        method="post",
        label="round without widened scope",
        statuses=expect(
            404,
            anonymous=302,
            village_head=302,
            ward_officer=302,
            district_officer=403,
            city_officer=403,
            statistician=403,
            admin=403,
        ),
    ),
    Row("reviews:case_detail", lambda w: {"pk": w["case"].pk}, statuses=expect(404, **VILLAGE_READ)),
    Row("reviews:case_screen", lambda w: {"pk": w["case"].pk}, statuses=expect(404, **VILLAGE_WORK)),
    Row("reviews:case_survey", lambda w: {"pk": w["case"].pk, "section": "housing"}, statuses=expect(404, **VILLAGE_WORK)),
    Row("reviews:case_form", lambda w: {"pk": w["case"].pk}, statuses=expect(404, **VILLAGE_WORK)),
    Row("reviews:case_form_preview", lambda w: {"pk": w["case"].pk}, method="post", statuses=expect(404, **VILLAGE_WORK)),
    Row(
        "reviews:case_preview",
        lambda w: {"pk": w["case"].pk, "section": "housing"},
        method="post",
        statuses=expect(404, **VILLAGE_WORK),
    ),
    Row("reviews:household_reviews", lambda w: {"code": w["household"].code}, statuses=expect(404, **VILLAGE_READ)),
    Row("reviews:certificate", lambda w: {"pk": w["official"].pk}, statuses=expect(404, **VILLAGE_WORK)),
    # Dashboards and reports: ward, district and city officers, each in their own area.
    Row("reviews:dashboard_home", statuses=expect(302, **DASHBOARD_ROLES_ONLY)),
    Row(
        "reviews:dashboard", lambda w: {"round_id": w["round"].pk, "code": w["city"].code}, label="city", statuses=DASHBOARD_CITY
    ),
    Row(
        "reviews:dashboard", lambda w: {"round_id": w["round"].pk, "code": w["ward"].code}, label="ward", statuses=DASHBOARD_WARD
    ),
    Row(
        "reviews:dashboard",
        lambda w: {"round_id": w["round"].pk, "code": w["village"].code},
        label="village",
        statuses=DASHBOARD_WARD,
    ),
    Row(
        "reviews:report",
        lambda w: {"round_id": w["round"].pk, "code": w["ward"].code, "report": "summary"},
        label="ward summary",
        statuses=DASHBOARD_WARD,
    ),
    Row(
        "reviews:report",
        lambda w: {"round_id": w["round"].pk, "code": w["ward"].code, "report": "poor"},
        label="ward poor list",
        statuses=DASHBOARD_WARD,
    ),
    Row(
        "reviews:report",
        lambda w: {"round_id": w["round"].pk, "code": w["city"].code, "report": "deprivation"},
        label="city deprivation",
        statuses=DASHBOARD_CITY,
    ),
    Row(
        "reviews:regrouped", lambda w: {"round_id": w["round"].pk, "code": w["city"].code}, label="city", statuses=DASHBOARD_CITY
    ),
    Row(
        "reviews:regrouped", lambda w: {"round_id": w["round"].pk, "code": w["ward"].code}, label="ward", statuses=DASHBOARD_WARD
    ),
    # The inbox: everyone logged in has one; a notification is its user's (the city officer's here).
    Row("reviews:inbox", statuses=expect(200, anonymous=302)),
    Row("reviews:inbox_read_all", method="post", statuses=expect(302)),
    Row("reviews:inbox_email", method="post", statuses=expect(302)),
    Row(
        "reviews:inbox_open",
        lambda w: {"pk": w["notification"].pk},
        method="post",
        statuses=expect(404, anonymous=302, city_officer=302),
    ),
    # An export belongs to the user who asked (the city officer here): anyone else gets 404.
    Row("reviews:export_detail", lambda w: {"pk": w["job"].pk}, statuses=OWNER_ONLY),
    Row("reviews:export_progress", lambda w: {"pk": w["job"].pk}, statuses=OWNER_ONLY),
    Row("reviews:export_download", lambda w: {"pk": w["job"].pk}, statuses=OWNER_ONLY),
    Row("reviews:resident_counts", lambda w: {"code": w["ward"].code}, statuses=WARD_RESIDENTS),
    Row(
        "reviews:resident_counts",
        lambda w: {"code": w["ward"].code},
        method="post",
        label="empty form",
        statuses=WARD_RESIDENTS,
    ),
    Row("reviews:resident_import", statuses=CITY_ONLY),
    Row("reviews:resident_import", method="post", label="empty form", statuses=CITY_ONLY),
]

# ---- review rounds: pages of the ward, district and city officers (reviews/urls_manage.py)
ROUND = lambda w: {"round_id": w["round"].pk}  # noqa: E731
WARD = lambda w: {"round_id": w["round"].pk, "ward_code": w["ward"].code}  # noqa: E731
VILLAGE = lambda w: {**WARD(w), "village_code": w["village"].code}  # noqa: E731
CITY_ONLY = expect(403, anonymous=302, city_officer=200, admin=200)
# Ward officers act on their ward; the levels above read it; village heads are stopped by their role first.
WARD_READERS = expect(
    403,
    anonymous=302,
    ward_officer=200,
    commune_officer=404,
    district_officer=200,
    other_district_officer=404,
    city_officer=200,
    statistician=200,
    admin=200,
)
WARD_OFFICER_ONLY = expect(403, anonymous=302, ward_officer=200, commune_officer=404, admin=200)
# Forms of a workflow action: an administrator holds no role in the workflow, so the action refuses them.
WARD_OFFICER_ACTS = expect(403, anonymous=302, ward_officer=200, commune_officer=404)
# The approving unit of ward 20236 is district 492: the city officer may read but not act.
APPROVER_POST = expect(
    403, anonymous=302, commune_officer=403, district_officer=302, other_district_officer=404, ward_officer=403
)
ALL_405 = expect(405)


def manage_row(name, kwargs=lambda w: {}, statuses=None, **extra):
    return Row(name, kwargs, statuses, needs_round=True, **extra)


ROWS += [
    manage_row("reviews:round_list", statuses=expect(302, **STAFF, no_role=403)),
    manage_row("reviews:round_open", statuses=CITY_ONLY),
    manage_row("reviews:round_open", method="post", label="empty form", statuses=CITY_ONLY),
    manage_row("reviews:round_detail", ROUND, statuses=expect(302, **STAFF, no_role=403)),
    manage_row("reviews:round_deadlines", ROUND, statuses=CITY_ONLY),
    manage_row(
        "reviews:round_deadlines",
        ROUND,
        method="post",
        label="no change",
        statuses=expect(403, anonymous=302, city_officer=302, admin=302),
    ),
    manage_row("reviews:round_close", ROUND, statuses=CITY_ONLY),
    manage_row("reviews:round_close", ROUND, method="post", statuses=expect(403, anonymous=302, city_officer=302)),
    Row("reviews:holiday_list", statuses=CITY_ONLY),
    Row("reviews:holiday_list", method="post", label="empty form", statuses=CITY_ONLY),
    Row("reviews:holiday_remove", lambda w: {"holiday_id": w["holiday"].pk}, statuses=CITY_ONLY),
    Row(
        "reviews:holiday_remove",
        lambda w: {"holiday_id": w["holiday"].pk},
        method="post",
        label="future day",
        statuses=expect(403, anonymous=302, city_officer=302, admin=302),
    ),
    Row(
        "reviews:holiday_suggest",
        method="post",
        label="next year",
        statuses=expect(403, anonymous=302, city_officer=302, admin=302),
    ),
    Row("reviews:holiday_confirm", lambda w: {"holiday_id": w["suggestion"].pk}, statuses=CITY_ONLY),
    Row(
        "reviews:holiday_confirm",
        lambda w: {"holiday_id": w["suggestion"].pk},
        method="post",
        label="empty form",
        statuses=CITY_ONLY,
    ),
    Row(
        "reviews:holiday_reject",
        lambda w: {"holiday_id": w["suggestion"].pk},
        method="post",
        statuses=expect(403, anonymous=302, city_officer=302, admin=302),
    ),
    manage_row("reviews:my_ward", statuses=expect(403, anonymous=302, ward_officer=302, commune_officer=302, admin=302)),
    manage_row("reviews:ward_detail", WARD, statuses=WARD_READERS),
    manage_row("reviews:meeting_record", VILLAGE, statuses=WARD_OFFICER_ACTS),
    manage_row("reviews:meeting_minutes", lambda w: {**VILLAGE(w), "meeting_id": w["meeting"].pk}, statuses=WARD_READERS),
    manage_row("reviews:meeting_record", VILLAGE, method="post", label="empty form", statuses=WARD_OFFICER_ACTS),
    manage_row("reviews:village_return", VILLAGE, statuses=WARD_OFFICER_ACTS),
    manage_row("reviews:ward_post", WARD, statuses=ALL_405),
    manage_row(
        "reviews:ward_post",
        WARD,
        method="post",
        label="empty form",
        statuses=expect(403, anonymous=302, ward_officer=302, commune_officer=404, admin=302),
    ),
    manage_row("reviews:ward_submit", WARD, statuses=ALL_405),
    manage_row(
        "reviews:ward_submit",
        WARD,
        method="post",
        label="not posted yet",
        statuses=expect(403, anonymous=302, ward_officer=302, commune_officer=404),
    ),
    manage_row("reviews:ward_decide", WARD, statuses=WARD_OFFICER_ACTS),
    manage_row("reviews:complaint_record", WARD, statuses=WARD_OFFICER_ONLY),
    manage_row("reviews:complaint_resolve", lambda w: {**WARD(w), "complaint_id": w["complaint"].pk}, statuses=WARD_OFFICER_ONLY),
    manage_row("reviews:decision_list", WARD, statuses=WARD_READERS),
    manage_row(
        "reviews:complaint_list",
        lambda w: {"round_id": w["round"].pk, "code": w["ward"].code},
        label="ward",
        statuses=WARD_READERS,
    ),
    manage_row(
        "reviews:complaint_list",
        lambda w: {"round_id": w["round"].pk, "code": w["district"].code},
        label="district",
        statuses=expect(
            403,
            anonymous=302,
            ward_officer=404,
            commune_officer=404,
            district_officer=200,
            other_district_officer=404,
            city_officer=200,
            statistician=404,
            admin=200,
        ),
    ),
    manage_row(
        "reviews:complaint_list",
        lambda w: {"round_id": w["round"].pk, "code": w["city"].code},
        label="city",
        statuses=expect(
            403,
            anonymous=302,
            ward_officer=404,
            commune_officer=404,
            district_officer=404,
            other_district_officer=404,
            city_officer=200,
            statistician=404,
            admin=200,
        ),
    ),
    manage_row(
        "reviews:complaint_list",
        lambda w: {"round_id": w["round"].pk, "code": w["village"].code},
        label="village: not a complaints page",
        statuses=expect(
            403,
            anonymous=302,
            ward_officer=404,
            commune_officer=404,
            district_officer=404,
            other_district_officer=404,
            city_officer=404,
            statistician=404,
            admin=404,
        ),
    ),
    manage_row(
        "reviews:approvals",
        statuses=expect(403, anonymous=302, district_officer=200, other_district_officer=200, city_officer=200, admin=200),
    ),
    manage_row(
        "reviews:ward_review",
        WARD,
        statuses=expect(403, anonymous=302, district_officer=200, other_district_officer=404, city_officer=200, admin=200),
    ),
    manage_row("reviews:approvals_bulk", statuses=ALL_405),
    # Nothing ticked: the approving units' officers are sent back to the page; the others are stopped by their role.
    manage_row(
        "reviews:approvals_bulk",
        method="post",
        label="empty form",
        statuses=expect(403, anonymous=302, district_officer=302, other_district_officer=302, city_officer=302, admin=302),
    ),
    manage_row("reviews:ward_approve", WARD, statuses=ALL_405),
    manage_row("reviews:ward_approve", WARD, method="post", label="not sent yet", statuses=APPROVER_POST),
    manage_row("reviews:ward_return", WARD, method="post", label="not sent yet", statuses=APPROVER_POST),
    manage_row("reviews:ward_reopen", WARD, method="post", label="not approved", statuses=APPROVER_POST),
    manage_row(
        "reviews:request_list",
        lambda w: {"code": w["ward"].code},
        label="ward",
        statuses=expect(
            404,
            anonymous=302,
            no_role=403,
            ward_officer=200,
            district_officer=200,
            city_officer=200,
            statistician=200,
            admin=200,
        ),
    ),
    manage_row(
        "reviews:request_list",
        lambda w: {"code": w["village"].code},
        label="village",
        statuses=expect(
            404,
            anonymous=302,
            no_role=403,
            village_head=200,
            ward_officer=200,
            district_officer=200,
            city_officer=200,
            statistician=200,
            admin=200,
        ),
    ),
    manage_row(
        "reviews:request_record",
        lambda w: {"code": w["ward"].code},
        label="ward",
        statuses=expect(
            403, anonymous=302, village_head=404, other_village_head=404, ward_officer=200, commune_officer=404, admin=200
        ),
    ),
    manage_row(
        "reviews:request_record",
        lambda w: {"code": w["village"].code},
        method="post",
        label="village, empty form",
        statuses=expect(
            403, anonymous=302, village_head=200, other_village_head=404, ward_officer=200, commune_officer=404, admin=200
        ),
    ),
]

ROWS += [
    Row("households:list", statuses=expect(302, **STAFF, no_role=403)),
    Row("households:list", method="post", label="empty search", statuses=expect(302, no_role=403, statistician=403)),
    Row("households:export", statuses=expect(302, **STAFF, no_role=403)),
    # The household filter's village options: those of a ward chosen (404 outside one's area).
    Row("households:village_options", label="no ward", statuses=expect(302, **STAFF, no_role=403)),
    Row(
        "households:village_options",
        query=lambda w: f"ward={w['ward'].pk}",
        label="a ward",
        statuses=expect(
            404,
            anonymous=302,
            no_role=403,
            **{
                p: 200
                for p in STAFF
                if p not in ("commune_officer", "other_district_officer", "village_head", "other_village_head")
            },
        ),
    ),
    Row("households:village_options", method="post", label="wrong method", statuses=expect(405)),
    Row("households:create", statuses=expect(403, anonymous=302, **EDITORS_ANYWHERE)),
    Row("households:create", method="post", label="empty form", statuses=expect(403, anonymous=302, **EDITORS_ANYWHERE)),
    Row("households:data_quality", statuses=OFFICERS_READ),
    Row("households:duplicate_detail", duplicate, statuses=DUPLICATE_READERS),
    Row("households:duplicate_detail", duplicate, method="post", label="wrong method", statuses=expect(405)),
    Row("households:duplicate_distinct", duplicate, method="post", label="empty form", statuses=DUPLICATE_DECIDERS),
    Row("households:duplicate_distinct", duplicate, label="wrong method", statuses=expect(405)),
    Row("households:duplicate_merge", duplicate, method="post", label="empty form", statuses=DUPLICATE_DECIDERS),
    Row("households:duplicate_merge", duplicate, label="wrong method", statuses=expect(405)),
    Row("households:duplicate_withdraw", duplicate, method="post", label="empty form", statuses=DUPLICATE_DECIDERS),
    Row("households:duplicate_withdraw", duplicate, label="wrong method", statuses=expect(405)),
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
    # An import job is its importer's alone: another ward officer (or an administrator) gets 404.
    Row("households:import_job", lambda w: {"pk": w["import_job"].pk}, statuses=IMPORTER_ONLY),
    Row("households:import_job_progress", lambda w: {"pk": w["import_job"].pk}, statuses=IMPORTER_ONLY),
    Row("households:import_job_errors", lambda w: {"pk": w["import_job"].pk}, statuses=IMPORTER_ONLY),
    Row("households:import_job", lambda w: {"pk": w["import_job"].pk}, method="post", label="wrong method", statuses=expect(405)),
]

# Accounts of village heads: the ward officer of ward 20236 (and administrators); another ward's
# officer gets 404, every other role 403. Officers' accounts are never reachable here (403).
WARD_ACCOUNTS = expect(403, anonymous=302, ward_officer=200, commune_officer=404, admin=200)


def head1_kwargs(w):
    return {"user_id": w["personas"]["village_head"].pk}


ROWS += [
    Row("households:account_list", lambda w: {"code": w["ward"].code}, statuses=WARD_ACCOUNTS),
    Row("households:account_list", lambda w: {"code": w["ward"].code}, method="post", label="wrong method", statuses=expect(405)),
    Row("households:account_create", lambda w: {"code": w["village"].code}, statuses=WARD_ACCOUNTS),
    Row(
        "households:account_create",
        lambda w: {"code": w["village"].code},
        method="post",
        label="empty form",
        statuses=WARD_ACCOUNTS,
    ),
    Row("households:account_hand_over", lambda w: {"code": w["village"].code}, statuses=WARD_ACCOUNTS),
    Row(
        "households:account_hand_over",
        lambda w: {"code": w["village"].code},
        method="post",
        label="empty form",
        statuses=WARD_ACCOUNTS,
    ),
    Row("households:account_reset", head1_kwargs, statuses=WARD_ACCOUNTS),
    Row("households:account_reset", head1_kwargs, method="post", label="empty form", statuses=WARD_ACCOUNTS),
    Row(
        "households:account_reset",
        lambda w: {"user_id": w["personas"]["ward_officer"].pk},
        label="an officer's account",
        statuses=expect(403, anonymous=302, commune_officer=404),
    ),
    Row("households:account_reactivate", head1_kwargs, statuses=WARD_ACCOUNTS),
    Row("households:account_reactivate", head1_kwargs, method="post", label="empty form", statuses=WARD_ACCOUNTS),
    Row(
        "households:account_reactivate",
        lambda w: {"user_id": w["personas"]["ward_officer"].pk},
        label="an officer's account",
        statuses=expect(403, anonymous=302, commune_officer=404),
    ),
    Row("households:account_unlock", head1_kwargs, statuses=WARD_ACCOUNTS),
    Row("households:account_unlock", head1_kwargs, method="post", label="empty form", statuses=WARD_ACCOUNTS),
    Row(
        "households:account_unlock",
        lambda w: {"user_id": w["personas"]["ward_officer"].pk},
        label="an officer's account",
        statuses=expect(403, anonymous=302, commune_officer=404),
    ),
    Row("households:account_deactivate", head1_kwargs, statuses=WARD_ACCOUNTS),
    Row("households:account_deactivate", head1_kwargs, method="post", label="empty form", statuses=WARD_ACCOUNTS),
    Row(
        "households:account_deactivate",
        lambda w: {"user_id": w["personas"]["district_officer"].pk},
        label="a district officer's account",
        statuses=expect(403, anonymous=302, ward_officer=404, commune_officer=404, other_district_officer=403),
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


def build_world(territory, personas):
    """Households, standards, support policies, holidays and the open 2026 round of the matrix."""
    from datetime import date

    from reviews import services
    from reviews.models import Case, Notification, OfficialStatus, PublicHoliday, ReviewRequest

    w = dict(territory)
    w["household"] = make_household(territory["village"], "HH-1", members=2)
    w["rural_household"] = make_household(territory["rural_village"], "HH-R", members=1)
    w["member"] = w["household"].members.get(relationship="head")
    w["member"].id_number = "048080001234"  # born 1980, male: consistent
    w["member"].save()
    # The same person recorded again in the ward's other village, without an ID number.
    again = make_household(territory["other_village"], "HH-2", members=1).members.get()
    again.full_name = "nguyen van hh-1-0"
    again.save()
    duplicates_refresh(member_ids=[again.pk])
    w["duplicate"] = DuplicateCandidate.objects.get()
    w["personas"] = personas
    standards_load()
    support_policies_load()
    w["policy"] = SupportPolicy.objects.get(code="health-insurance")
    w["holiday"] = PublicHoliday.objects.create(day=date(2099, 9, 3), name="Quốc khánh (ngày nghỉ thứ hai)")
    w["notification"] = Notification.objects.create(user=personas["city_officer"], kind="deadline", key="matrix", url="/")
    w["suggestion"] = PublicHoliday.objects.create(
        day=date(2099, 1, 21), name="Tết Nguyên Đán", status=PublicHoliday.Status.EXPECTED, computed=True
    )
    w["standard"] = PovertyStandard.objects.get(code="city-danang")
    national = PovertyStandard.objects.get(code="national-2022")
    ReviewRequest.objects.create(
        household=w["household"],
        form="form01",
        received_on=date(2026, 9, 1),
        channel="in_person",
        due_on=date(2026, 9, 16),
        recorded_by=personas["ward_officer"],
    )
    w["round"] = services.round_open(user=personas["city_officer"], year=2026, standards=[national], primary_standard=national)
    w["case"] = Case.objects.get(round=w["round"], household=w["household"])
    services.case_screen(case=w["case"], user=personas["village_head"], items_met=[], read_version=w["case"].version)
    w["official"] = OfficialStatus.objects.create(
        household=w["household"],
        round=w["round"],
        case=w["case"],
        ward=territory["ward"],
        year=2026,
        standard=national,
        household_class="poor",
        decision_number="1/QĐ",
        decision_date=date(2026, 11, 1),
        effective_from=date(2027, 1, 1),
    )
    from django.core.files.base import ContentFile

    from reviews.models import ExportJob

    w["job"] = ExportJob.objects.create(
        user=personas["city_officer"], round=w["round"], unit=territory["city"], report="poor", status="done"
    )
    w["job"].file.save("poor.xlsx", ContentFile(b"PK test"))
    from households.models import ImportJob

    w["import_job"] = ImportJob.objects.create(
        user=personas["ward_officer"],
        ward=territory["ward"],
        status="done",
        error_count=1,
        errors=[{"row": 2, "column": "", "message": "-"}],
    )
    w["import_job"].error_file.save("loi.xlsx", ContentFile(b"PK test"))
    return w


def add_review_round(world):
    """Adds to ``world`` (and returns it) a village meeting of the open 2026 round and a complaint
    against the village-1 household in scope."""
    from datetime import date

    from django.core.files.base import ContentFile

    from reviews.models import Complaint, VillageList, VillageMeeting

    meeting = VillageMeeting(
        village_list=VillageList.objects.get(round=world["round"], village=world["village"]),
        held_on=date(2026, 10, 1),
        attendees=10,
        votes_for=6,
        votes_against=4,
        passed=True,
        recorded_by=world["personas"]["ward_officer"],
    )
    meeting.minutes.save("bien-ban.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    meeting.save()
    world["meeting"] = meeting
    world["complaint"] = Complaint.objects.create(
        case=world["case"],
        received_on=date(2026, 10, 6),
        complainant="Lê Thị B",
        content="-",
        recheck_due_on=date(2026, 10, 9),
        recorded_by=world["personas"]["ward_officer"],
    )
    return world


@pytest.fixture
def world(territory, personas):
    return build_world(territory, personas)


@pytest.fixture
def review_world(world):
    """The world's open 2026 round, with a complaint against the village-1 household in scope."""
    return add_review_round(world)


class SharedWorld:
    """The matrix's world, built once per module inside a transaction that is rolled back at the end.

    ``base`` is the world of ``build_world``; the rows that need the review round see it with
    ``add_review_round`` applied, in a savepoint on top, kept while consecutive cases need it and rolled
    back before a case that must not see it. Each case runs in pytest-django's own savepoint above these
    (``db``), so whatever a case writes is rolled back before the next one.
    """

    def __init__(self, blocker):
        self.blocker = blocker
        self.outer = None
        self.base = None
        self.review = None  # (its atomic, the world with the round) while the savepoint is open

    def build(self):
        from django.db import transaction

        from tests.conftest import build_personas, build_territory

        with self.blocker.unblock():
            # Outermost, so that its rollback leaves nothing behind for the modules that follow.
            assert not transaction.get_connection().in_atomic_block
            self.outer = transaction.atomic()
            self.outer.__enter__()
            try:
                territory = build_territory()
                self.base = build_world(territory, build_personas(territory))
            except BaseException:
                self._exit(self.outer)
                raise

    def world_for(self, row):
        """The world a row's case sees, with the database in the matching state. Call before ``db``."""
        from django.db import transaction

        # Nothing of the previous case (or of ``db``) may be open above the shared savepoints.
        connection = transaction.get_connection()
        assert connection.in_atomic_block and len(connection.savepoint_ids) == (self.review is not None)
        if row.needs_round and self.review is None:
            with self.blocker.unblock():
                atomic = transaction.atomic()
                atomic.__enter__()
                try:
                    # A copy: the base world's dict keeps no key of the round's.
                    self.review = (atomic, add_review_round(dict(self.base)))
                except BaseException:
                    self._exit(atomic)
                    raise
        elif not row.needs_round and self.review is not None:
            self._close_review()
        return self.review[1] if row.needs_round else self.base

    def _close_review(self):
        atomic, _world = self.review
        self.review = None
        self._exit(atomic)

    def _exit(self, atomic):
        from django.db import transaction

        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def tear_down(self):
        if self.review is not None:
            self._close_review()
        if self.outer is not None:
            self._exit(self.outer)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    shared = SharedWorld(django_db_blocker)
    shared.build()
    yield shared
    shared.tear_down()


@pytest.fixture
def shared_world_of_row(shared_world, row):
    """The shared world as ``row``'s case sees it (with or without the round), set up before ``db``."""
    return shared_world.world_for(row)


@pytest.fixture
def matrix_world(shared_world_of_row, db):
    """The case's world, with pytest-django's per-test savepoint (``db``) above it: fixtures are set up in
    the order they are requested, and ``SharedWorld.world_for`` fails if ``db`` came first."""
    from django.core.cache import cache

    cache.clear()
    return shared_world_of_row


CASES = [(row, persona) for row in ROWS for persona in PERSONAS]


@pytest.mark.parametrize(("row", "persona"), CASES, ids=[f"{r} as {p}" for r, p in CASES])
def test_status_for_persona(client, matrix_world, row, persona):
    world = matrix_world
    if persona != "anonymous":
        # A fresh instance: logging in writes to the user (last login), which the case's rollback undoes.
        client.force_login(get_user_model().objects.get(pk=world["personas"][persona].pk))
    url = reverse(row.name, kwargs=row.kwargs(world))
    if query := row.query(world):
        url = f"{url}?{query}"
    response = getattr(client, row.method)(url)
    assert response.status_code == row.statuses[persona], f"{row} as {persona}"
    if response.status_code == 302 and persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
