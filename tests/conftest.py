"""Personas: one user per role, each in a known unit of a small territory.

city 48 › district 492 › ward 20236 (urban) › villages 20236-001, 20236-002
        › district 497 › commune 20293 (rural) › village 20293-001
"""

import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from households.models import AdminUnit, Assignment, Household, Member


def make_unit(code, name, level, parent=None, unit_type=None, area_type=""):
    path = f"{parent.path if parent else '/'}{code}/"
    if level == AdminUnit.Level.VILLAGE and parent is not None:
        area_type = parent.area_type
    return AdminUnit.objects.create(
        code=code, name=name, level=level, parent=parent, path=path, unit_type=unit_type or level, area_type=area_type
    )


def make_user(username, role=None, unit=None, **extra):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username, **extra)
    if role:
        Assignment.objects.create(user=user, role=role, unit=unit)
    return user


def make_household(village, code, members=1, **extra):
    from datetime import date

    household = Household.objects.create(code=code, village=village, address=f"{code} street", **extra)
    for i in range(members):
        Member.objects.create(
            household=household,
            full_name=f"Nguyễn Văn {code}-{i}",
            date_of_birth=date(1980, 1, 1),
            sex="male",
            relationship="head" if i == 0 else "child",
        )
    return household


def build_territory():
    """The small territory of the module docstring, as a dict of its units by role."""
    city = make_unit("48", "Thành phố Đà Nẵng", AdminUnit.Level.CITY)
    district = make_unit("492", "Quận Hải Châu", AdminUnit.Level.DISTRICT, city)
    other_district = make_unit("497", "Huyện Hòa Vang", AdminUnit.Level.DISTRICT, city)
    ward = make_unit("20236", "Phường Hải Châu I", AdminUnit.Level.WARD, district, area_type="urban")
    commune = make_unit("20293", "Xã Hòa Bắc", AdminUnit.Level.COMMUNE, other_district, area_type="rural")
    village = make_unit("20236-001", "Tổ dân phố 1", AdminUnit.Level.VILLAGE, ward)
    other_village = make_unit("20236-002", "Tổ dân phố 2", AdminUnit.Level.VILLAGE, ward)
    rural_village = make_unit("20293-001", "Thôn 1", AdminUnit.Level.VILLAGE, commune)
    return {
        "city": city,
        "district": district,
        "other_district": other_district,
        "ward": ward,
        "commune": commune,
        "village": village,
        "other_village": other_village,
        "rural_village": rural_village,
    }


@pytest.fixture
def territory(db):
    return build_territory()


def build_personas(territory):
    """One user per role, each assigned in its unit of ``territory`` (see ``build_territory``)."""
    t = territory
    return {
        "village_head": make_user("head1", Assignment.Role.VILLAGE_HEAD, t["village"]),
        "other_village_head": make_user("head2", Assignment.Role.VILLAGE_HEAD, t["other_village"]),
        "ward_officer": make_user("ward1", Assignment.Role.WARD_OFFICER, t["ward"]),
        "commune_officer": make_user("commune1", Assignment.Role.WARD_OFFICER, t["commune"]),
        "district_officer": make_user("district1", Assignment.Role.DISTRICT_OFFICER, t["district"]),
        "other_district_officer": make_user("district2", Assignment.Role.DISTRICT_OFFICER, t["other_district"]),
        "city_officer": make_user("city1", Assignment.Role.CITY_OFFICER, t["city"]),
        "statistician": make_user("stat1", Assignment.Role.WARD_STATISTICIAN, t["ward"]),
        "admin": make_user("admin1", is_superuser=True, is_staff=True),
        "no_role": make_user("nobody"),
    }


@pytest.fixture
def personas(territory):
    return build_personas(territory)


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# `PORTAL_TEST_CLOCK_SHIFT_DAYS=45 make test`: the whole run (collection included) sees the clock moved
# forward that many days, still ticking, so that a test which silently depends on today's date fails
# before the date comes. Tests that pin their own date (``today_is``, ``time_machine``) still pin it.
CLOCK_SHIFT_ENV = "PORTAL_TEST_CLOCK_SHIFT_DAYS"
_clock_shift = None


def _clock_shift_days() -> int:
    value = os.environ.get(CLOCK_SHIFT_ENV, "").strip()
    try:
        return int(value or 0)
    except ValueError:
        raise pytest.UsageError(f"{CLOCK_SHIFT_ENV} must be a whole number of days, not {value!r}") from None


def pytest_configure(config):
    global _clock_shift
    days = _clock_shift_days()
    if days:
        _clock_shift = time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True)
        _clock_shift.start()


def pytest_unconfigure(config):
    global _clock_shift
    if _clock_shift is not None:
        _clock_shift.stop()
        _clock_shift = None


def pytest_report_header(config):
    days = _clock_shift_days()
    if days:
        return f"clock shifted {days:+d} days ({CLOCK_SHIFT_ENV}): today is {datetime.now(UTC).date().isoformat()}"
    return None


def pytest_sessionstart(session):
    """Tests read the Vietnamese interface, so the catalogues must be compiled (as `make test` does)."""
    from django.core.management import call_command

    call_command("compilemessages", ignore=[".venv", "node_modules"], verbosity=0)
    # Drop catalogues a module may have loaded before they were compiled (first run after an edit).
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None


@pytest.fixture
def today_is(monkeypatch):
    """Pin the portal's "today" for code that reads the clock itself (views): ``today_is(date(2026, 11, 2))``.
    ``timezone.localdate()`` then answers that day; ``localdate(value)`` of a given moment is unchanged.
    Services take ``today=`` instead: pass it there."""
    from django.utils import timezone

    real = timezone.localdate

    def pin(day):
        def localdate(value=None, timezone=None):
            return day if value is None else real(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)
        return day

    return pin
