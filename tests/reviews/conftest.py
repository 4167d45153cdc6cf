"""A review world: the test territory, the shipped standards and an open 2026 round."""

from datetime import date

import pytest

from policies.models import PovertyStandard
from policies.services import standards_load
from reviews import services
from reviews.models import Case, ReviewRequest
from tests.conftest import make_household


@pytest.fixture
def standards(db):
    standards_load()
    return {s.code: s for s in PovertyStandard.objects.all()}


@pytest.fixture
def review(territory, personas, standards):
    """Households: two in village 1 with Form 01 requests, one in village 2, one rural; round 2026 open."""
    t = territory
    households = {
        "a": make_household(t["village"], "HH-A", members=3),
        "b": make_household(t["village"], "HH-B", members=2),
        "c": make_household(t["other_village"], "HH-C", members=1),
        "r": make_household(t["rural_village"], "HH-R", members=2),
    }
    for key in ("a", "b", "c", "r"):
        ReviewRequest.objects.create(
            household=households[key],
            form="form01",
            received_on=date(2026, 9, 5),
            channel="in_person",
            due_on=date(2026, 9, 20),
            recorded_by=personas["ward_officer"],
        )
    national = standards["national-2022"]
    round_ = services.round_open(
        user=personas["city_officer"],
        year=2026,
        standards=[national, standards["city-danang"]],
        primary_standard=national,
        effective_from=date(2027, 1, 1),
    )
    cases = {k: Case.objects.get(round=round_, household=h) for k, h in households.items()}
    return {"round": round_, "households": households, "cases": cases, **t, "personas": personas, "standards": standards}


POOR_SECTIONS = {
    "housing": {"durable_walls": False, "durable_columns": False, "durable_roof": True, "floor_area_m2": 20},
    "water": {"water_source": "unprotected_well", "latrine": "simple_pit"},
    "information": {"uses_telecom": True, "devices": ["tv"], "within_loudspeaker_reach": True},
    "income": {
        "income_wages": 30_000_000,
        "income_agriculture": 0,
        "income_business": 0,
        "income_pension": 0,
        "income_social_allowance": 0,
        "income_remittances": 0,
        "income_other": 0,
    },
}


def survey(case, user, sections=POOR_SECTIONS):
    """Screen the case in and fill every section (3 members, 30 million a year: poor in an urban ward)."""
    case.refresh_from_db()
    services.case_screen(case=case, user=user, items_met=[], read_version=case.version)
    for section in ("members", "housing", "water", "information", "income"):
        case.refresh_from_db()
        services.case_save_section(
            case=case, user=user, section=section, values=dict(sections.get(section, {})), read_version=case.version
        )
    case.refresh_from_db()
    return case
