"""Table-driven tests of the pure eligibility engine at every boundary."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from policies.eligibility import (
    Entitlement,
    HouseholdFacts,
    MemberCondition,
    MemberFacts,
    OfficialResult,
    PolicyVersionSpec,
    TargetGroup,
    age_on,
    entitlements_for_year,
    entitlements_on,
    spec_from_dict,
)

FIXTURE = Path(__file__).resolve().parents[2] / "policies" / "fixtures" / "support_policies.json"


def member(ref="m1", born=date(1980, 1, 1), **facts):
    return MemberFacts(ref=ref, full_name=f"Người {ref}", birth_date=born, **facts)


def household(*results, members=None):
    return HouseholdFacts(ref="HH-1", results=tuple(results), members=tuple(members or [member()]))


def result(household_class, standard="national-2022", effective_from=date(2024, 1, 1)):
    return OfficialResult(
        standard=standard, household_class=household_class, effective_from=effective_from, year=effective_from.year - 1
    )


def version(policy="p", number=1, groups=(("poor", "national-2022", None),), conditions=(), **extra):
    values = dict(
        policy=policy,
        version=number,
        name=policy,
        legal_basis="Resolution 75/2021/NQ-HĐND",
        valid_from=date(2022, 1, 1),
        valid_to=None,
        target_groups=tuple(TargetGroup(kind=k, standard=s, within_years=n) for k, s, n in groups),
        member_conditions=tuple(conditions),
    )
    values.update(extra)
    return PolicyVersionSpec(**values)


# ------------------------------------------------------------------ target groups by a named standard


@pytest.mark.parametrize(
    ("household_standard", "household_class", "group", "entitled"),
    [
        ("national-2022", "poor", ("poor", "national-2022", None), True),
        ("city-danang", "poor", ("poor", "national-2022", None), False),
        ("national-2022", "poor", ("poor", "city-danang", None), False),
        ("city-danang", "poor", ("poor", "city-danang", None), True),
        ("national-2022", "near_poor", ("poor", "national-2022", None), False),
        ("national-2022", "near_poor", ("near_poor", "national-2022", None), True),
        ("national-2022", "average", ("average", "national-2022", None), True),
        ("national-2022", "not_poor", ("poor", "national-2022", None), False),
    ],
)
def test_a_household_is_targeted_only_by_its_class_under_the_standard_the_policy_names(
    household_standard, household_class, group, entitled
):
    facts = household(result(household_class, standard=household_standard))
    found = entitlements_on(facts, [version(groups=(group,))], date(2024, 6, 1))
    assert bool(found) is entitled


def test_a_household_poor_by_the_city_standard_but_near_poor_by_the_national_one_gets_city_support_only():
    facts = household(result("poor", "city-danang"), result("near_poor", "national-2022"))
    city = version("city", groups=(("poor", "city-danang", None),))
    national = version("national", groups=(("poor", "national-2022", None),))
    found = entitlements_on(facts, [city, national], date(2024, 6, 1))
    assert [e.policy for e in found] == ["city"]
    assert found[0].reasons[0].code == "class_by_standard"
    assert dict(found[0].reasons[0].params) == {"household_class": "poor", "standard": "city-danang"}


def test_the_result_in_force_is_the_latest_one_that_took_effect_on_or_before_the_day():
    facts = household(result("poor", effective_from=date(2024, 1, 1)), result("not_poor", effective_from=date(2025, 1, 1)))
    assert entitlements_on(facts, [version()], date(2024, 12, 31))
    assert not entitlements_on(facts, [version()], date(2025, 1, 1))
    assert not entitlements_on(facts, [version()], date(2023, 12, 31))


# ------------------------------------------------------------------ escaped within N years


ESCAPED = version(groups=(("escaped_poverty", "national-2022", 3),))


@pytest.mark.parametrize(
    ("day", "entitled"),
    [
        (date(2024, 12, 31), False),  # still poor
        (date(2025, 1, 1), True),  # the day the escape takes effect
        (date(2027, 12, 31), True),  # the last day within 3 years
        (date(2028, 1, 1), False),  # exactly 3 years after: no longer within
        (date(2029, 1, 1), False),  # 4 years after
    ],
)
def test_an_escaped_household_is_entitled_for_n_years_from_the_escape_and_not_on_the_nth_anniversary(day, entitled):
    facts = household(result("poor", effective_from=date(2024, 1, 1)), result("not_poor", effective_from=date(2025, 1, 1)))
    found = entitlements_on(facts, [ESCAPED], day)
    assert bool(found) is entitled
    if entitled:
        reason = found[0].reasons[0]
        assert reason.code == "escaped_within_years"
        assert reason.params["escaped_on"] == date(2025, 1, 1)


def test_a_poor_household_that_becomes_near_poor_has_escaped_poverty():
    facts = household(result("poor", effective_from=date(2024, 1, 1)), result("near_poor", effective_from=date(2025, 1, 1)))
    assert entitlements_on(facts, [ESCAPED], date(2025, 6, 1))


def test_a_household_poor_again_after_escaping_is_not_counted_as_escaped():
    facts = household(
        result("poor", effective_from=date(2023, 1, 1)),
        result("not_poor", effective_from=date(2024, 1, 1)),
        result("poor", effective_from=date(2025, 1, 1)),
    )
    assert not entitlements_on(facts, [ESCAPED], date(2025, 6, 1))


def test_a_household_never_poor_has_not_escaped():
    facts = household(result("not_poor", effective_from=date(2024, 1, 1)), result("not_poor", effective_from=date(2025, 1, 1)))
    assert not entitlements_on(facts, [ESCAPED], date(2025, 6, 1))


def test_escaping_under_one_standard_says_nothing_about_another():
    facts = household(
        result("poor", "city-danang", date(2024, 1, 1)),
        result("not_poor", "city-danang", date(2025, 1, 1)),
    )
    assert not entitlements_on(facts, [ESCAPED], date(2025, 6, 1))


def test_escaped_near_poverty_needs_neither_poor_nor_near_poor_now():
    group = version(groups=(("escaped_near_poverty", "national-2022", 2),))
    to_average = household(
        result("near_poor", effective_from=date(2024, 1, 1)), result("average", effective_from=date(2025, 1, 1))
    )
    to_poor = household(result("near_poor", effective_from=date(2024, 1, 1)), result("poor", effective_from=date(2025, 1, 1)))
    assert entitlements_on(to_average, [group], date(2025, 6, 1))
    assert not entitlements_on(to_poor, [group], date(2025, 6, 1))


# ------------------------------------------------------------------ member conditions


CHILDREN = version(conditions=[MemberCondition(age_from=6, age_to=18)])


@pytest.mark.parametrize(
    ("born", "entitled"),
    [
        (date(2018, 6, 2), False),  # 5 the day before the 6th birthday
        (date(2018, 6, 1), True),  # turns 6 on the day
        (date(2006, 6, 2), True),  # 17, the last day under 18
        (date(2006, 6, 1), False),  # turns 18 on the day: the band is "under 18"
    ],
)
def test_age_band_edges_are_inclusive_below_and_exclusive_above(born, entitled):
    facts = household(result("poor"), members=[member(born=born)])
    found = entitlements_on(facts, [CHILDREN], date(2024, 6, 1))
    assert bool(found) is entitled
    if entitled:
        assert found[0].member_ref == "m1"
        assert found[0].reasons[1].code == "member_age_in_band"


def test_a_29_february_birthday_is_reached_on_1_march_in_a_common_year():
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


@pytest.mark.parametrize(
    ("condition", "facts", "entitled", "code"),
    [
        (MemberCondition(in_school=True), {"in_school": True}, True, "member_in_school"),
        (MemberCondition(in_school=True), {"in_school": False}, False, None),
        (MemberCondition(has_disability=True), {"has_disability": True}, True, "member_has_disability"),
        (MemberCondition(has_disability=True), {}, False, None),
        (MemberCondition(no_working_capacity=True), {"working_capacity": "none"}, True, "member_no_working_capacity"),
        (MemberCondition(no_working_capacity=True), {"working_capacity": "partial"}, False, None),
        (MemberCondition(elderly_from=60), {"born": date(1964, 6, 1)}, True, "member_elderly"),
        (MemberCondition(elderly_from=60), {"born": date(1964, 6, 2)}, False, None),
    ],
)
def test_member_conditions_pick_the_member_the_support_is_for(condition, facts, entitled, code):
    facts = dict(facts)
    born = facts.pop("born", date(1980, 1, 1))
    people = [member("m1", born=born, **facts), member("m2")]
    found = entitlements_on(household(result("poor"), members=people), [version(conditions=[condition])], date(2024, 6, 1))
    assert [e.member_ref for e in found] == (["m1"] if entitled else [])
    if entitled:
        assert found[0].reasons[-1].code == code


def test_any_one_condition_is_enough_and_a_member_counts_once():
    conditions = [MemberCondition(elderly_from=60), MemberCondition(has_disability=True)]
    people = [member("m1", born=date(1950, 1, 1), has_disability=True), member("m2")]
    found = entitlements_on(household(result("poor"), members=people), [version(conditions=conditions)], date(2024, 6, 1))
    assert [e.member_ref for e in found] == ["m1"]


def test_a_member_who_left_is_not_entitled_from_the_day_they_left():
    people = [member("m1", left_on=date(2024, 6, 1)), member("m2")]
    facts = household(result("poor"), members=people)
    assert [e.member_ref for e in entitlements_on(facts, [version()], date(2024, 5, 31))] == ["m1", "m2"]
    assert [e.member_ref for e in entitlements_on(facts, [version()], date(2024, 6, 1))] == ["m2"]


def test_a_household_support_is_one_entitlement_whatever_the_number_of_members():
    facts = household(result("poor"), members=[member("m1"), member("m2"), member("m3")])
    found = entitlements_on(facts, [version(per="household")], date(2024, 6, 1))
    assert [(e.member_ref, e.household_ref) for e in found] == [(None, "HH-1")]


# ------------------------------------------------------------------ versions over time


def test_a_new_version_from_a_later_date_changes_entitlements_from_that_date_only():
    old = version(number=1, amount=Decimal(100_000), valid_from=date(2022, 1, 1))
    new = version(number=2, amount=Decimal(150_000), valid_from=date(2022, 7, 14))
    facts = household(result("poor", effective_from=date(2022, 1, 1)))
    assert entitlements_on(facts, [old, new], date(2022, 7, 13))[0].version == 1
    assert entitlements_on(facts, [old, new], date(2022, 7, 14))[0].version == 2
    by_version = {e.version: e for e in entitlements_for_year(facts, [old, new], 2022)}
    # Months judged on their first day: January-July under version 1, August-December under version 2.
    assert (by_version[1].months, by_version[2].months) == (7, 5)
    assert by_version[1].estimate + by_version[2].estimate == 7 * 100_000 + 5 * 150_000
    assert {e.version for e in entitlements_for_year(facts, [old, new], 2021)} == set()
    assert {e.version for e in entitlements_for_year(facts, [old, new], 2023)} == {2}


def test_a_version_that_widens_the_groups_adds_households_from_its_date():
    old = version(number=1, valid_from=date(2022, 1, 1))
    new = version(
        number=2, valid_from=date(2022, 7, 14), groups=(("poor", "national-2022", None), ("near_poor", "national-2022", None))
    )
    near = household(result("near_poor", effective_from=date(2022, 1, 1)))
    assert not entitlements_on(near, [old, new], date(2022, 7, 1))
    assert [(e.version, e.months) for e in entitlements_for_year(near, [old, new], 2022)] == [(2, 5)]


def test_a_version_that_ended_gives_nothing_after_its_last_day():
    ended = version(valid_to=date(2024, 3, 31))
    facts = household(result("poor"))
    assert entitlements_on(facts, [ended], date(2024, 3, 31))
    assert not entitlements_on(facts, [ended], date(2024, 4, 1))
    assert entitlements_for_year(facts, [ended], 2024)[0].months == 3


def test_a_child_entering_the_age_band_in_march_counts_from_april():
    facts = household(result("poor", effective_from=date(2024, 1, 1)), members=[member(born=date(2018, 3, 20))])
    assert entitlements_for_year(facts, [CHILDREN], 2024)[0].months == 9


# ------------------------------------------------------------------ amounts


@pytest.mark.parametrize(
    ("benefit", "months", "per_period", "estimate"),
    [
        ({"amount": Decimal(500_000), "period": "monthly"}, 12, 500_000, 6_000_000),
        ({"amount": Decimal(1_200_000), "period": "yearly"}, 6, 1_200_000, 600_000),
        ({"amount": Decimal(40_000_000), "period": "one_off"}, 1, 40_000_000, 40_000_000),
        ({"percentage": Decimal(70), "base_amount": Decimal(1_263_600), "period": "yearly"}, 12, 884_520, 884_520),
        ({"percentage": Decimal(100), "period": "yearly"}, 12, None, None),
        ({"period": "monthly"}, 12, None, None),
    ],
)
def test_the_estimate_is_amount_times_months_and_no_amount_means_counts_only(benefit, months, per_period, estimate):
    valid_to = date(2024, 6, 30) if months == 6 else None  # a version that ends mid-year
    facts = household(result("poor", effective_from=date(2024, 1, 1)))
    [found] = entitlements_for_year(facts, [version(valid_to=valid_to, **benefit)], 2024)
    assert found.months == months
    assert found.amount_per_period == per_period
    assert found.estimate == estimate


def test_duration_caps_the_months_counted():
    facts = household(result("poor", effective_from=date(2024, 1, 1)))
    [found] = entitlements_for_year(facts, [version(amount=Decimal(1000), duration_months=4)], 2024)
    assert (found.months, found.estimate) == (4, 4000)


def test_money_must_not_be_a_float():
    with pytest.raises(TypeError):
        version(amount=1000.0)


def test_an_amount_and_a_percentage_together_are_refused():
    with pytest.raises(ValueError):
        version(amount=Decimal(1), percentage=Decimal(50))


def test_an_escaped_group_without_a_number_of_years_is_refused():
    with pytest.raises(ValueError):
        TargetGroup(kind="escaped_poverty", standard="national-2022")


def test_entitlement_estimate_rounds_to_whole_dong():
    e = Entitlement("p", 1, "h", None, None, (), Decimal(1000), "yearly", 1)
    assert e.estimate == Decimal(83)


def test_every_shipped_policy_version_is_valid_engine_data_and_has_no_amount():
    for policy in json.loads(FIXTURE.read_text(encoding="utf-8")):
        for data in policy["versions"]:
            spec = spec_from_dict({"policy": policy["code"], **data})
            assert spec.amount_per_period is None, "shipped amounts are not verified; demo amounts come from seed_policy_demo"
