from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from households.models import Household, Member
from households.services import household_create, household_split, household_update, member_leave, member_move
from tests.conftest import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def person(name="Lê Văn A", relationship="head", **extra):
    data = dict(full_name=name, date_of_birth=date(1980, 5, 1), sex="male", ethnicity="01", relationship=relationship)
    return data | extra


def test_a_household_is_created_with_its_members(territory):
    household = household_create(
        village=territory["village"],
        code="HC-1",
        address="1 Lê Lợi",
        members=[person(), person("Trần Thị B", "spouse", sex="female", id_number="048180001234")],
    )
    assert household.members.count() == 2
    assert household.history.count() == 1


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("04808000123", "exactly 12 digits"),
        ("099080001234", "not the code of a province"),
        ("048180001234", "4th digit is 1, but"),  # female digit for a man born in the 1900s
        ("048280001234", "4th digit is 2, but"),  # 2000s digit for someone born in 1980
        ("048081001234", "Digits 5–6 are 81"),
    ],
)
def test_an_id_number_that_disagrees_with_the_member_is_refused_with_a_clear_message(territory, number, fragment):
    with pytest.raises(ValidationError) as exc:
        household_create(village=territory["village"], code="HC-1", address="x", members=[person(id_number=number)])
    assert fragment in " ".join(exc.value.message_dict["id_number"])
    assert not Household.objects.exists()


def test_an_id_number_exactly_at_the_century_edge_is_accepted(territory):
    born_2000 = person(date_of_birth=date(2000, 1, 1), sex="female", id_number="048300123456")
    household_create(village=territory["village"], code="HC-1", address="x", members=[born_2000])
    born_1999 = person(date_of_birth=date(1999, 12, 31), sex="female", id_number="048199123456")
    household_create(village=territory["village"], code="HC-2", address="x", members=[born_1999])
    assert Member.objects.count() == 2


def test_spaces_in_an_id_number_are_removed(territory):
    household = household_create(
        village=territory["village"], code="HC-1", address="x", members=[person(id_number="048 080 001 234")]
    )
    assert household.members.get().id_number == "048080001234"


def test_an_ethnicity_outside_the_official_list_is_refused(territory):
    with pytest.raises(ValidationError) as exc:
        household_create(village=territory["village"], code="HC-1", address="x", members=[person(ethnicity="99")])
    assert "ethnicity" in exc.value.message_dict


@pytest.mark.parametrize("heads", [0, 2])
def test_a_household_needs_exactly_one_head(territory, heads):
    members = [person(f"P{i}", "head" if i < heads else "child") for i in range(3)]
    with pytest.raises(ValidationError, match="exactly one head"):
        household_create(village=territory["village"], code="HC-1", address="x", members=members)


def test_an_update_from_the_current_version_saves_and_bumps_the_version(territory):
    household = make_household(territory["village"], "HH-1", members=2)
    household_update(household=household, read_version=1, data={"address": "2 Trần Phú"})
    household.refresh_from_db()
    assert (household.address, household.version) == ("2 Trần Phú", 2)


def test_a_second_save_from_the_same_read_is_refused_not_lost(territory):
    household = make_household(territory["village"], "HH-1", members=1)
    first = Household.objects.get(pk=household.pk)
    second = Household.objects.get(pk=household.pk)
    household_update(household=first, read_version=1, data={"address": "first"})
    with pytest.raises(ValidationError, match=r"Someone else saved this household at \d\d:\d\d"):
        household_update(household=second, read_version=1, data={"address": "second"})
    household.refresh_from_db()
    assert household.address == "first"


def test_the_head_can_be_handed_to_another_member_in_one_save(territory):
    household = make_household(territory["village"], "HH-1", members=2)
    old_head, child = household.members.order_by("id")
    household_update(
        household=household,
        read_version=1,
        data={},
        members=[{"id": old_head.pk, "relationship": "parent"}, {"id": child.pk, "relationship": "head"}],
    )
    assert household.members.get(relationship="head") == child


def test_a_member_who_leaves_is_kept_with_the_date_and_reason(territory):
    household = make_household(territory["village"], "HH-1", members=2)
    child = household.members.get(relationship="child")
    member_leave(member=child, left_on=date(2026, 1, 2), reason="died")
    child.refresh_from_db()
    assert (child.left_on, child.left_reason) == (date(2026, 1, 2), "died")
    assert household.members.count() == 2 and household.members.active().count() == 1


def test_the_head_cannot_leave_while_others_remain(territory):
    household = make_household(territory["village"], "HH-1", members=2)
    with pytest.raises(ValidationError, match="another member the head"):
        member_leave(member=household.members.get(relationship="head"), left_on=date(2026, 1, 2), reason="moved")


def test_splitting_moves_members_into_a_new_household_in_the_same_village(territory):
    household = make_household(territory["village"], "HH-1", members=3)
    movers = list(household.members.filter(relationship="child"))
    new = household_split(household=household, members=movers, new_head=movers[0], code="HH-1B")
    assert new.village == household.village
    assert new.members.active().count() == 2
    assert new.members.get(relationship="head").full_name == movers[0].full_name
    assert set(household.members.filter(left_reason="split").values_list("pk", flat=True)) == {m.pk for m in movers}
    assert household.members.active().count() == 1


def test_the_head_cannot_be_split_off(territory):
    household = make_household(territory["village"], "HH-1", members=2)
    head = household.members.get(relationship="head")
    with pytest.raises(ValidationError, match="head stays"):
        household_split(household=household, members=[head], new_head=head, code="HH-1B")


def test_a_member_moves_into_another_household(territory):
    source = make_household(territory["village"], "HH-1", members=2)
    target = make_household(territory["other_village"], "HH-2", members=1)
    child = source.members.get(relationship="child")
    member_move(member=child, to=target, relationship="other_relative")
    child.refresh_from_db()
    assert child.left_reason == "moved"
    assert target.members.active().filter(full_name=child.full_name).exists()


def test_a_member_cannot_join_a_household_that_has_a_head_as_its_head(territory):
    source = make_household(territory["village"], "HH-1", members=2)
    target = make_household(territory["village"], "HH-2", members=1)
    with pytest.raises(ValidationError, match="already has a head"):
        member_move(member=source.members.get(relationship="child"), to=target, relationship="head")
