from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from households.duplicates import duplicates_rebuild
from households.models import Household, IdNumberReveal, Member
from tests.conftest import make_household

pytestmark = pytest.mark.django_db

MEMBER_DEFAULTS = {
    "ethnicity": "01",
    "has_health_insurance": "on",
    "schooling": "none",
    "education": "none",
    "employment": "other_not_working",
    "working_capacity": "full",
    "nutrition": "normal",
}


def member_post(prefix, index, **fields):
    return {f"{prefix}-{index}-{k}": v for k, v in (MEMBER_DEFAULTS | fields).items()}


def create_post(village, members, code="HC-9"):
    data = {
        "code": code,
        "village": village.pk,
        "address": "12 Hùng Vương",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(members):
        data |= member_post("members", i, **m)
    return data


FOUR = [
    dict(full_name="Nguyễn Văn Hùng", date_of_birth="05/09/1980", sex="male", relationship="head", id_number="048080001234"),
    dict(full_name="Trần Thị Lan", date_of_birth="01/02/1982", sex="female", relationship="spouse", id_number="048182001234"),
    dict(full_name="Nguyễn Văn An", date_of_birth="03/03/2008", sex="male", relationship="child", id_number="048208001234"),
    dict(full_name="Nguyễn Thị Bình", date_of_birth="04/04/2012", sex="female", relationship="child"),
]


def test_a_village_head_adds_a_household_with_four_members(client_for, personas, territory):
    client = client_for(personas["village_head"])
    response = client.post(reverse("households:create"), create_post(territory["village"], FOUR))
    assert response.status_code == 302
    household = Household.objects.get(code="HC-9")
    assert household.members.count() == 4
    detail = client.get(response["Location"])
    assert "Nguyễn Thị Bình" in detail.content.decode()


def test_the_form_points_at_the_id_number_error_in_vietnamese_and_the_fix_saves(client_for, personas, territory):
    client = client_for(personas["village_head"])
    wrong = [dict(FOUR[0], id_number="048180001234"), *FOUR[1:]]  # female digit for a man
    response = client.post(reverse("households:create"), create_post(territory["village"], wrong))
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors["id_number"]
    assert "Chữ số thứ 4 là 1" in errors[0]
    assert not Household.objects.exists()
    response = client.post(reverse("households:create"), create_post(territory["village"], FOUR))
    assert response.status_code == 302


def test_a_village_head_cannot_add_a_household_in_another_village(client_for, personas, territory):
    client = client_for(personas["village_head"])
    response = client.post(reverse("households:create"), create_post(territory["other_village"], FOUR))
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not Household.objects.exists()


def edit_post(household, version, **changes):
    members = list(household.members.active().order_by("id"))
    data = {
        "village": household.village_id,
        "address": household.address,
        "version": version,
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(len(members)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(members):
        data |= member_post(
            "members",
            i,
            id=m.pk,
            household=household.pk,
            full_name=m.full_name,
            date_of_birth=m.date_of_birth.strftime("%d/%m/%Y"),
            sex=m.sex,
            relationship=m.relationship,
            id_number=m.id_number,
        )
    return data | changes


def test_an_edit_shows_up_in_the_history_with_the_field_name_in_vietnamese(client_for, personas, territory):
    household = make_household(territory["village"], "HH-1", members=2)
    client = client_for(personas["village_head"])
    response = client.post(reverse("households:edit", args=["HH-1"]), edit_post(household, 1, address="99 Bạch Đằng"))
    assert response.status_code == 302
    page = client.get(reverse("households:detail", args=["HH-1"])).content.decode()
    assert "Địa chỉ: HH-1 street → 99 Bạch Đằng" in page
    assert "head1" in page


def test_an_edit_from_a_stale_page_is_refused_with_the_time_of_the_other_save(client_for, personas, territory):
    household = make_household(territory["village"], "HH-1", members=1)
    client = client_for(personas["ward_officer"])
    stale = edit_post(household, 1, address="mine")
    client.post(reverse("households:edit", args=["HH-1"]), edit_post(household, 1, address="theirs"))
    response = client.post(reverse("households:edit", args=["HH-1"]), stale)
    assert response.status_code == 200
    assert "Người khác đã lưu hộ này lúc" in response.content.decode()
    household.refresh_from_db()
    assert household.address == "theirs"


def test_the_list_finds_by_name_id_number_and_code_and_filters_by_village(client_for, personas, territory):
    a = make_household(territory["village"], "AB-1", members=1)
    make_household(territory["other_village"], "CD-2", members=1)
    Member.objects.filter(household=a).update(
        full_name="Phan Thị Hoa", name_key="phan thi hoa", sex="female", id_number="048180009999"
    )
    client = client_for(personas["ward_officer"])

    def codes(**params):
        return [h.code for h in client.get(reverse("households:list"), params).context["page"].object_list]

    assert codes(q="hoa") == ["AB-1"]
    found = client.post(reverse("households:list"), {"q": "048 180 009999"}, follow=True)
    assert [h.code for h in found.context["page"].object_list] == ["AB-1"]
    assert codes(q="CD-") == ["CD-2"]
    assert codes(village=territory["other_village"].pk) == ["CD-2"]
    assert codes(status="left") == []


def test_the_list_shows_only_the_users_area(client_for, personas, territory):
    make_household(territory["village"], "AB-1")
    make_household(territory["other_village"], "CD-2")
    response = client_for(personas["village_head"]).get(reverse("households:list"))
    assert [h.code for h in response.context["page"].object_list] == ["AB-1"]


@pytest.fixture
def with_id(territory):
    household = make_household(territory["village"], "HH-1", members=1)
    member = household.members.get()
    member.id_number = "048080001234"
    member.save()
    return household, member


def test_id_numbers_are_masked_on_the_detail_page(client_for, personas, with_id):
    page = client_for(personas["district_officer"]).get(reverse("households:detail", args=["HH-1"])).content.decode()
    assert "0480******34" in page and "048080001234" not in page


def test_a_village_head_reveals_an_id_number_and_the_reveal_is_logged(client_for, personas, with_id):
    household, member = with_id
    client = client_for(personas["village_head"])
    response = client.post(reverse("households:reveal_id", args=["HH-1", member.pk]), {"reason": "giấy xác nhận"})
    assert "048080001234" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    log = IdNumberReveal.objects.get()
    assert (log.user, log.member, log.reason) == (personas["village_head"], member, "giấy xác nhận")


def test_a_district_officer_may_not_reveal_an_id_number(client_for, personas, with_id):
    _household, member = with_id
    response = client_for(personas["district_officer"]).post(reverse("households:reveal_id", args=["HH-1", member.pk]))
    assert response.status_code == 403
    assert not IdNumberReveal.objects.exists()


def test_the_history_never_shows_a_full_id_number(client_for, personas, with_id):
    page = client_for(personas["ward_officer"]).get(reverse("households:detail", args=["HH-1"])).content.decode()
    assert "048080001234" not in page


def duplicate_pair(territory):
    here = make_household(territory["village"], "HH-1", members=1)
    there = make_household(territory["rural_village"], "HH-R", members=1)
    Member.objects.filter(household__in=[here, there]).update(id_number="048080001234")
    duplicates_rebuild()  # written past the services, as a repair by hand would be
    return here, there


def test_a_duplicate_id_number_is_flagged_on_both_households_for_someone_who_sees_both(client_for, personas, territory):
    duplicate_pair(territory)
    client = client_for(personas["city_officer"])
    assert "HH-R" in client.get(reverse("households:detail", args=["HH-1"])).content.decode()
    assert "HH-1" in client.get(reverse("households:detail", args=["HH-R"])).content.decode()


def test_a_duplicate_in_another_ward_is_flagged_without_naming_that_household(client_for, personas, territory):
    duplicate_pair(territory)
    response = client_for(personas["ward_officer"]).get(reverse("households:detail", args=["HH-1"]))
    assert "HH-R" not in response.content.decode()


def test_the_data_quality_page_lists_duplicates_touching_the_ward(client_for, personas, territory):
    duplicate_pair(territory)
    response = client_for(personas["ward_officer"]).get(reverse("households:data_quality"))
    [(candidate, here, there)] = response.context["rows"]
    assert (here.in_area, there.in_area) == (True, False)
    assert here.member.household.code == "HH-1"
    html = response.content.decode()
    assert "048080001234" not in html
    # The other ward's record shows its village and ward, not its household.
    assert reverse("households:detail", args=["HH-R"]) not in html
    assert "Xã Hòa Bắc" in html


def test_a_member_who_left_is_no_longer_a_duplicate(client_for, personas, territory):
    here, there = duplicate_pair(territory)
    Member.objects.filter(household=there).update(left_on=date(2025, 1, 1), left_reason="died")
    response = client_for(personas["ward_officer"]).get(reverse("households:data_quality"))
    assert response.context["rows"] == []


def test_leaving_through_the_page_keeps_the_member(client_for, personas, territory):
    household = make_household(territory["village"], "HH-1", members=2)
    child = household.members.get(relationship="child")
    client = client_for(personas["village_head"])
    url = reverse("households:member_leave", args=["HH-1", child.pk])
    response = client.post(url, {"left_on": "01/01/2026", "reason": "married"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.left_reason == "married"


def test_splitting_through_the_page_opens_the_new_household(client_for, personas, territory):
    household = make_household(territory["village"], "HH-1", members=3)
    movers = list(household.members.filter(relationship="child"))
    client = client_for(personas["ward_officer"])
    response = client.post(
        reverse("households:split", args=["HH-1"]),
        {"code": "HH-1B", "members": [m.pk for m in movers], "new_head": movers[1].pk},
    )
    assert response["Location"] == reverse("households:detail", args=["HH-1B"])


def test_a_member_cannot_be_moved_into_a_household_outside_the_area(client_for, personas, territory):
    household = make_household(territory["village"], "HH-1", members=2)
    make_household(territory["rural_village"], "HH-R", members=1)
    child = household.members.get(relationship="child")
    client = client_for(personas["ward_officer"])
    with translation.override("en"):
        client.post(reverse("households:member_move", args=["HH-1", child.pk]), {"to_code": "HH-R", "relationship": "other"})
    child.refresh_from_db()
    assert child.left_on is None


def test_the_head_can_be_handed_over_in_the_edit_form(client_for, personas, territory):
    household = make_household(territory["village"], "HH-1", members=2)
    head, child = household.members.order_by("id")
    data = edit_post(household, 1)
    data["members-0-relationship"] = "parent"
    data["members-1-relationship"] = "head"
    response = client_for(personas["village_head"]).post(reverse("households:edit", args=["HH-1"]), data)
    assert response.status_code == 302, response.context["formset"].errors
    assert household.members.get(relationship="head") == child


def test_a_second_head_in_the_edit_form_is_refused(client_for, personas, territory):
    household = make_household(territory["village"], "HH-1", members=2)
    data = edit_post(household, 1)
    data["members-1-relationship"] = "head"
    response = client_for(personas["village_head"]).post(reverse("households:edit", args=["HH-1"]), data)
    assert response.status_code == 200
    assert household.members.filter(relationship="head").count() == 1


def test_the_admin_shows_the_reveal_log_read_only(client_for, personas, with_id):
    _household, member = with_id
    IdNumberReveal.objects.create(user=personas["ward_officer"], member=member, reason="kiểm tra")
    client = client_for(personas["admin"])
    page = client.get(reverse("admin:households_idnumberreveal_changelist"))
    assert page.status_code == 200 and "kiểm tra" in page.content.decode()
    assert client.get(reverse("admin:households_idnumberreveal_add")).status_code == 403
