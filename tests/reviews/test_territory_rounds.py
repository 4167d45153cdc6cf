"""Territory changes while a round is open (reviews.territory): what follows the village, what is refused,
and the list of a village added mid-round."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from households.models import AdminUnit, Assignment, TerritoryEvent
from households.territory import village_create
from households.territory_changes import village_move, village_split, villages_merge, ward_area_type_set
from reviews import services, tallies
from reviews.models import Case, ReviewRequest, Transition, VillageList, VillageMeeting, WardList
from tests.conftest import make_household

pytestmark = pytest.mark.django_db


def refused_by_the_round():
    return pytest.raises(ValidationError, check=lambda exc: exc.error_list[0].code == "open_round")


def set_status(model, status, **lookup):
    assert model.objects.filter(**lookup).update(status=status) == 1


def case_page(client, user, case):
    client.force_login(user)
    return client.get(reverse("reviews:case_detail", kwargs={"pk": case.pk})).status_code


def end_head(village):
    Assignment.objects.filter(unit=village).update(ended_at=timezone.now())


def test_a_village_moved_mid_round_takes_its_list_and_cases_to_the_new_ward(client, review):
    p, round_ = review["personas"], review["round"]
    case = review["cases"]["c"]
    assert case_page(client, p["ward_officer"], case) == 200 and case_page(client, p["commune_officer"], case) == 404

    village_move(village=review["other_village"], ward=review["commune"], user=p["city_officer"], reason="QĐ 7")

    assert case_page(client, p["ward_officer"], case) == 404
    assert case_page(client, p["commune_officer"], case) == 200
    assert case_page(client, p["other_village_head"], case) == 200
    assert Case.objects.visible_to(p["commune_officer"]).filter(pk=case.pk).exists()
    assert VillageList.objects.filter(round=round_, village=review["other_village"], village__parent=review["commune"]).exists()
    log = Transition.objects.get(round=round_, action="territory_change")
    assert (log.unit, log.actor, log.reason, log.data["change"]) == (review["other_village"], p["city_officer"], "QĐ 7", "move")
    assert tallies.differences(round_.pk) == {}
    assert TerritoryEvent.objects.get().data["carried"]["reviews"] == {str(round_.pk): {"cases": 0}}


@pytest.mark.parametrize("posted", ["ward", "commune"])
@pytest.mark.parametrize("status", [WardList.Status.POSTED, WardList.Status.SUBMITTED, WardList.Status.DECIDED])
def test_a_village_with_cases_cannot_leave_or_join_a_ward_whose_list_is_past_the_villages(review, posted, status):
    round_ = review["round"]
    set_status(WardList, status, round=round_, ward=review[posted])
    with refused_by_the_round() as refusal:
        village_move(village=review["village"], ward=review["commune"], user=review["personas"]["city_officer"], reason="r")
    assert round_.name in refusal.value.messages[0]
    village = AdminUnit.objects.get(pk=review["village"].pk)
    assert village.parent == review["ward"] and village.path == "/48/492/20236/20236-001/"
    assert not TerritoryEvent.objects.exists()


def test_a_village_without_cases_moves_even_while_the_wards_list_is_posted(review):
    set_status(WardList, WardList.Status.POSTED, round=review["round"], ward=review["ward"])
    empty = village_create(ward=review["ward"], name="Tổ dân phố 9")
    village_move(village=empty, ward=review["commune"], user=review["personas"]["city_officer"], reason="r")
    assert AdminUnit.objects.get(pk=empty.pk).parent == review["commune"]


def test_a_closed_round_does_not_hold_a_move_back(review):
    services.round_close(round_=review["round"], user=review["personas"]["city_officer"])
    set_status(WardList, WardList.Status.DECIDED, round=review["round"], ward=review["ward"])
    village_move(village=review["village"], ward=review["commune"], user=review["personas"]["city_officer"], reason="r")
    assert Case.objects.get(pk=review["cases"]["a"].pk).village.parent == review["commune"]


def test_merging_mid_round_moves_the_cases_and_drops_the_empty_list(review):
    round_, source, into = review["round"], review["other_village"], review["village"]
    end_head(source)
    villages_merge(villages=[source], into=into, user=review["personas"]["city_officer"], reason="NQ 1")
    assert Case.objects.get(pk=review["cases"]["c"].pk).village == into
    assert not VillageList.objects.filter(round=round_, village=source).exists()
    assert tallies.differences(round_.pk) == {}
    assert Transition.objects.get(round=round_, action="territory_change").data["cases"] == 1


def test_merging_into_a_submitted_village_list_is_refused(review):
    end_head(review["other_village"])
    set_status(VillageList, VillageList.Status.SUBMITTED, round=review["round"], village=review["village"])
    with refused_by_the_round():
        villages_merge(
            villages=[review["other_village"]], into=review["village"], user=review["personas"]["city_officer"], reason="r"
        )
    assert Case.objects.get(pk=review["cases"]["c"].pk).village == review["other_village"]


def test_a_village_whose_meeting_is_on_record_cannot_be_merged_away(review):
    end_head(review["other_village"])
    village_list = VillageList.objects.get(round=review["round"], village=review["other_village"])
    village_list.status = VillageList.Status.RETURNED
    village_list.save()
    VillageMeeting.objects.create(
        village_list=village_list,
        held_on=date(2026, 10, 1),
        attendees=4,
        votes_for=1,
        votes_against=3,
        passed=False,
        recorded_by=review["personas"]["ward_officer"],
    )
    with refused_by_the_round():
        villages_merge(
            villages=[review["other_village"]], into=review["village"], user=review["personas"]["city_officer"], reason="r"
        )


def test_splitting_mid_round_gives_the_new_village_a_list_and_the_cases_that_went_there(client, review):
    round_, p = review["round"], review["personas"]
    new = village_split(
        village=review["village"], name="Tổ dân phố 1B", household_codes=["HH-A"], user=p["city_officer"], reason="r"
    )
    assert VillageList.objects.get(round=round_, village=new).status == VillageList.Status.OPEN
    assert Case.objects.get(pk=review["cases"]["a"].pk).village == new
    assert Case.objects.get(pk=review["cases"]["b"].pk).village == review["village"]
    assert tallies.differences(round_.pk) == {}
    assert case_page(client, p["village_head"], review["cases"]["a"]) == 404
    assert case_page(client, p["ward_officer"], review["cases"]["a"]) == 200


def test_splitting_a_submitted_village_list_is_refused(review):
    set_status(VillageList, VillageList.Status.SUBMITTED, round=review["round"], village=review["village"])
    with refused_by_the_round():
        village_split(
            village=review["village"], name="Tổ 1B", household_codes=["HH-A"], user=review["personas"]["city_officer"], reason="r"
        )
    assert not AdminUnit.objects.filter(name="Tổ 1B").exists()


def test_a_wards_area_type_cannot_change_under_its_cases_in_an_open_round(review):
    with refused_by_the_round():
        ward_area_type_set(ward=review["ward"], area_type="rural", user=review["personas"]["city_officer"], reason="r")


def test_a_village_added_mid_round_gets_its_list_and_its_form_01_joins_the_round(client, review, today_is):
    today_is(date(2026, 9, 10))
    round_, p = review["round"], review["personas"]
    village = village_create(ward=review["ward"], name="Tổ dân phố 9")
    assert VillageList.objects.get(round=round_, village=village).status == VillageList.Status.OPEN
    household = make_household(village, "HH-NEW", members=2)

    client.force_login(p["ward_officer"])
    response = client.post(
        reverse("reviews:request_record", kwargs={"code": review["ward"].code}),
        {"household_code": "HH-NEW", "form": "form01", "received_on": "10/09/2026", "channel": "in_person"},
    )

    assert response.status_code == 302
    case = Case.objects.get(round=round_, household=household)
    assert (case.village, case.inclusion, case.members.count()) == (village, "form01", 2)
    assert services.case_add(round_=round_, household=household, inclusion="form01", user=p["ward_officer"]) == case


def test_a_household_of_a_village_added_after_the_posting_waits_for_the_next_round(review, today_is):
    today_is(date(2026, 9, 10))
    round_, p = review["round"], review["personas"]
    set_status(WardList, WardList.Status.POSTED, round=round_, ward=review["ward"])
    household = make_household(village_create(ward=review["ward"], name="Tổ dân phố 9"), "HH-LATE")
    with pytest.raises(ValidationError):
        services.case_add(round_=round_, household=household, inclusion="form01", user=p["ward_officer"])
    services.request_record(
        household=household, form="form01", received_on=date(2026, 9, 10), channel="in_person", note="", user=p["ward_officer"]
    )
    assert ReviewRequest.objects.filter(household=household, decided_on__isnull=True).exists()
    assert not Case.objects.filter(household=household).exists()
