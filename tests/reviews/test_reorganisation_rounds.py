"""The 2023 → 2025 reorganisation (manage.py reorganise) and the rounds: an open round's cases and lists follow
their villages or the whole reorganisation is refused, as reviews.territory decides; a past round's figures
regroup onto today's wards (reviews.regrouping).

The test territory's units are real 2023 units (Phường Hải Châu I 20236, Xã Hòa Bắc 20293), so the shipped
demo mapping sends them to Phường Hải Châu (20242) and Xã Bà Nà (20308)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from households.models import AdminUnit, Household, TerritoryEvent
from households.reorganisation import reorganise
from households.territory import DATA_DIR, structure_text
from reviews import tallies
from reviews.models import Case, ReviewRound, Transition, VillageList, WardList
from reviews.regrouping import regrouped
from tests.reviews.conftest import survey

pytestmark = pytest.mark.django_db

DEMO_MAPPING = (DATA_DIR / "reorganisation_2023_2025_demo.csv").read_text(encoding="utf-8")


def run(user, **options):
    return reorganise(
        mapping_text=DEMO_MAPPING, units_text=structure_text("2025"), user=user, reason="NQ 1659/NQ-UBTVQH15", **options
    )


def state():
    return (
        sorted(AdminUnit.objects.values_list("code", "path", "name", "valid_to")),
        sorted(Case.objects.values_list("pk", "village_id", "status")),
        sorted(VillageList.objects.values_list("pk", "village_id", "status")),
        TerritoryEvent.objects.count(),
        Transition.objects.count(),
    )


def test_an_open_rounds_cases_and_village_lists_follow_their_villages_to_the_new_wards(review):
    p, round_ = review["personas"], review["round"]
    survey(review["cases"]["a"], p["village_head"])
    cases = dict(Case.objects.filter(round=round_).values_list("pk", "village_id"))
    lists = set(VillageList.objects.filter(round=round_).values_list("village_id", flat=True))

    report = run(p["city_officer"])

    assert {m.to_ward for m in report.moves} == {"20242", "20308"}
    assert dict(Case.objects.filter(round=round_).values_list("pk", "village_id")) == cases
    assert set(VillageList.objects.filter(round=round_).values_list("village_id", flat=True)) == lists
    case = review["cases"]["a"]
    case.refresh_from_db()
    assert case.village.path == "/48/20242/20236-001/" and case.household.village.parent.code == "20242"
    assert Transition.objects.filter(round=round_, action="territory_change").count() == 3
    assert tallies.differences(round_.pk) == {}
    assert Household.objects.filter(village__parent__code__in=["20242", "20308"]).count() == Household.objects.count()
    # The new wards have their lists in the round, answering to the city (no district since 2025); the
    # old wards, left without a village, no longer hold the round up.
    ward_lists = WardList.objects.filter(round=round_).select_related("ward", "approver")
    assert sorted((w.ward.code, w.approver.code, w.status) for w in ward_lists) == [
        ("20242", "48", WardList.Status.OPEN),
        ("20308", "48", WardList.Status.OPEN),
    ]


def test_the_reorganisation_is_refused_whole_while_a_ward_list_with_cases_is_posted(review):
    p, round_ = review["personas"], review["round"]
    assert WardList.objects.filter(round=round_, ward=review["ward"]).update(status=WardList.Status.POSTED) == 1
    before = state()

    with pytest.raises(ValidationError) as exc:
        run(p["city_officer"])

    assert {e.code for e in exc.value.error_list} == {"refused"}
    assert all(m.startswith("20236-00") for m in exc.value.messages), exc.value.messages
    # The rural commune's move passed its guard but was rolled back with the rest: nothing changed.
    assert state() == before
    assert AdminUnit.objects.get(code="20293").valid_to is None and not AdminUnit.objects.filter(code="20242").exists()


def test_a_past_rounds_figures_regroup_onto_todays_wards_with_the_wards_they_were_counted_in(review):
    p, round_ = review["personas"], review["round"]
    survey(review["cases"]["a"], p["village_head"])
    ReviewRound.objects.filter(pk=round_.pk).update(status=ReviewRound.Status.CLOSED, closed_at=timezone.now())
    round_.refresh_from_db()
    before = {g.ward.code: g for g in regrouped(round_)}
    assert {code: g.cases for code, g in before.items()} == {"20236": 3, "20293": 1}

    run(p["city_officer"])

    groups = regrouped(round_)
    assert [g.ward.code for g in groups] == ["20242", "20308"]
    hai_chau, ba_na = groups
    assert (hai_chau.cases, dict(hai_chau.then), hai_chau.then_names) == (3, {"20236": 3}, {"20236": "Phường Hải Châu I"})
    assert (ba_na.cases, dict(ba_na.then)) == (1, {"20293": 1})
    assert hai_chau.classes == before["20236"].classes and sum(hai_chau.classes.values()) >= 1


def test_the_regrouped_page_shows_a_past_round_on_todays_wards_to_the_city_and_each_ward(client_for, review):
    from django.urls import reverse

    p, round_ = review["personas"], review["round"]
    survey(review["cases"]["a"], p["village_head"])
    ReviewRound.objects.filter(pk=round_.pk).update(status=ReviewRound.Status.CLOSED, closed_at=timezone.now())
    run(p["city_officer"])
    city = client_for(p["city_officer"])
    page = city.get(reverse("reviews:regrouped", args=[round_.pk, "48"])).content.decode()
    assert "Phường Hải Châu" in page and "Phường Hải Châu I (3)" in page and "Xã Hòa Bắc (1)" in page
    dashboard = city.get(reverse("reviews:dashboard", args=[round_.pk, "48"])).content.decode()
    assert reverse("reviews:regrouped", args=[round_.pk, "48"]) in dashboard
    # Another area's units are not found.
    assert client_for(p["village_head"]).get(reverse("reviews:regrouped", args=[round_.pk, "48"])).status_code in (403, 404)
