from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from households.citizen_ids import check_citizen_id
from households.models import AdminUnit, Assignment, Household, Member

pytestmark = pytest.mark.django_db


def seed(**kw):
    options = {"households": 300, "seed": 7, "villages_per_ward": (2, 3), "verbosity": 0}
    options.update(kw)
    call_command("seed_demo", **options)


def test_seed_demo_creates_plausible_households_with_valid_id_numbers():
    seed()
    assert Household.objects.count() == 300
    members = list(Member.objects.all())
    assert 2.5 <= len(members) / 300 <= 4.5
    assert Household.objects.filter(members__relationship="head").distinct().count() == 300
    with_ids = [m for m in members if m.id_number]
    assert len(with_ids) > 0.9 * len(members)
    for m in with_ids:
        assert check_citizen_id(m.id_number, sex=m.sex, birth_date=m.date_of_birth) == [], m.id_number
    assert len({m.id_number for m in with_ids}) == len(with_ids)
    # Nobody is born after the demo round opens (1 September 2026), whatever day the demo is generated:
    # a baby born "in the future" made the survey's age rules fail.
    assert max(m.date_of_birth for m in members) <= date(2026, 9, 1)


def test_seed_demo_is_deterministic_and_idempotent():
    seed()
    first = list(Member.objects.order_by("household__code", "id").values_list("household__code", "full_name", "id_number"))
    seed()
    assert Household.objects.count() == 300
    again = list(Member.objects.order_by("household__code", "id").values_list("household__code", "full_name", "id_number"))
    assert again == first


def test_seed_demo_gives_each_role_a_login_in_its_unit():
    seed(structure="2023")  # the only structure with a district level, so every role has a login
    # With a request, as the login page does (django-axes checks the login's address).
    user = authenticate(RequestFactory().post("/accounts/login/"), username="totruong.1", password="demo-2026")
    assert user is not None
    assert user.assignment.role == Assignment.Role.VILLAGE_HEAD
    assert user.assignment.unit.level == AdminUnit.Level.VILLAGE
    roles = set(Assignment.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Assignment.Role}
    # The e2e journeys log in as these users: the demo never forces a password change.
    assert not Assignment.objects.filter(must_change_password=True).exists()
    # Every login with a role has a full name (the accounts and history pages show it).
    assert not Assignment.objects.filter(user__first_name="").exists()


def test_seed_demo_defaults_to_the_2025_structure_in_force_with_no_district_login():
    seed()
    assert not Assignment.objects.filter(role=Assignment.Role.DISTRICT_OFFICER).exists()
    assert AdminUnit.objects.get(code="20242").parent.code == "48"
    assert not AdminUnit.objects.filter(level=AdminUnit.Level.DISTRICT).exists()
    assert Assignment.objects.get(user__username="phuong.haichau").unit.code == "20242"


def test_seed_demo_is_refused_where_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError):
        seed()
    assert not Household.objects.exists()
