"""Table-driven tests of the pure classification engine at every threshold edge.

Builders below start from a household that is deprived on nothing, so each test changes only the
facts it is about. Run with ``python -m pytest tests/policies`` from the repository root.
"""

import ast
import json
import sys
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from policies.classification import (
    CLASSES,
    HOUSING_PARTS,
    LATRINES,
    REASON_CODES,
    RULE_PARAMS,
    RULES,
    WATER_SOURCES,
    AreaThresholds,
    HouseholdFacts,
    MemberFacts,
    StandardSpec,
    active_standards,
    age_on,
    classify,
    classify_all,
    evaluate_indicators,
    standard_from_dict,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "policies" / "fixtures" / "standards.json"
REF = date(2026, 6, 30)


def load_standards() -> tuple[StandardSpec, ...]:
    return tuple(standard_from_dict(d) for d in json.loads(FIXTURE.read_text(encoding="utf-8")))


STANDARDS = load_standards()
BY_CODE = {s.code: s for s in STANDARDS}
NATIONAL_2022 = BY_CODE["national-2022"]
NATIONAL_2027 = BY_CODE["national-2027"]
CITY = BY_CODE["city-danang"]


def born(age: int, on: date = REF) -> date:
    """Birth date of someone who turns ``age`` exactly on ``on`` (the youngest with that age)."""
    return on.replace(year=on.year - age)


def make_member(ref: str = "m1", age: int = 35, **overrides) -> MemberFacts:
    values = dict(
        ref=ref,
        full_name=f"Nguyễn Văn {ref}",
        birth_date=born(age),
        sex="male",
        has_health_insurance=True,
        schooling="none",
        education="upper_secondary",
        has_vocational_training=False,
        employment="wage_with_contract",
        working_capacity="full",
        has_disability=False,
        receives_social_allowance=False,
        nutrition="normal",
    )
    values.update(overrides)
    return MemberFacts(**values)


def make_child(ref: str = "c1", age: int = 8, **overrides) -> MemberFacts:
    values = dict(schooling="primary", education="none", employment="student")
    values.update(overrides)
    return make_member(ref, age, **values)


def make_household(*members: MemberFacts, **overrides) -> HouseholdFacts:
    values = dict(
        reference_date=REF,
        area_type="urban",
        members=members or (make_member(),),
        durable_parts=frozenset(HOUSING_PARTS),
        floor_area_m2=Decimal(100),
        water_source="piped",
        latrine="septic",
        uses_telecom=True,
        devices=frozenset({"tv"}),
        within_loudspeaker_reach=True,
        income_12m={},
        in_agriculture=False,
        # The 2027 indicators' answers (policies/facts.py), deprived on neither.
        answers={"digital_services": "uses_digital_services", "household_waste": "collected"},
    )
    values.update(overrides)
    return HouseholdFacts(**values)


def adults(n: int) -> tuple[MemberFacts, ...]:
    return tuple(make_member(f"m{i}") for i in range(n))


def deprived_keys(facts: HouseholdFacts, standard: StandardSpec = NATIONAL_2022) -> set[str]:
    return {d.key for d in evaluate_indicators(facts, standard)}


def with_params(standard: StandardSpec, key: str, **params) -> StandardSpec:
    indicators = tuple(replace(i, params={**i.params, **params}) if i.key == key else i for i in standard.indicators)
    return replace(standard, indicators=indicators)


# Three household-level deprivations that do not touch members or income.
THREE_DEPRIVATIONS = dict(uses_telecom=False, water_source="surface_water", latrine="none")
TWO_DEPRIVATIONS = dict(uses_telecom=False, water_source="surface_water")


# ------------------------------------------------------------------ baseline and helpers


def test_the_baseline_household_is_deprived_on_nothing():
    assert evaluate_indicators(make_household(make_member(), make_child()), NATIONAL_2022) == ()


@pytest.mark.parametrize(
    "birth, on, expected",
    [
        (date(1990, 6, 30), date(2026, 6, 30), 36),
        (date(1990, 7, 1), date(2026, 6, 30), 35),
        (date(2026, 6, 30), date(2026, 6, 30), 0),
        (date(2000, 2, 29), date(2026, 2, 28), 25),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(2000, 2, 29), date(2028, 2, 29), 28),
    ],
)
def test_age_is_counted_in_completed_years(birth, on, expected):
    assert age_on(birth, on) == expected


def test_a_member_born_after_the_reference_date_is_rejected():
    with pytest.raises(ValueError):
        classify(make_household(make_member(birth_date=REF + timedelta(days=1))), NATIONAL_2022)


def test_a_household_without_members_cannot_be_classified():
    facts = replace(make_household(), members=())
    with pytest.raises(ValueError):
        classify(facts, NATIONAL_2022)


@pytest.mark.parametrize(
    "overrides",
    [
        dict(area_type="town"),
        dict(water_source="river"),
        dict(devices=frozenset({"fax"})),
        dict(income_12m={"lottery": 1}),
    ],
)
def test_facts_with_unknown_choice_values_are_rejected(overrides):
    with pytest.raises(ValueError):
        make_household(**overrides)


def test_float_money_and_float_area_are_rejected():
    with pytest.raises(TypeError):
        make_household(income_12m={"wages": 1.5})
    with pytest.raises(TypeError):
        make_household(floor_area_m2=8.0)


# ------------------------------------------------------------------ income against the line

URBAN_LINE, RURAL_LINE = 2_000_000, 1_500_000


@pytest.mark.parametrize(
    "area, members, total, expected",
    [
        ("urban", 1, URBAN_LINE * 12, "near_poor"),
        ("urban", 1, URBAN_LINE * 12 - 1, "near_poor"),
        ("urban", 1, URBAN_LINE * 12 + 1, "average"),
        ("urban", 3, URBAN_LINE * 12 * 3, "near_poor"),
        ("urban", 3, URBAN_LINE * 12 * 3 - 1, "near_poor"),
        ("urban", 3, URBAN_LINE * 12 * 3 + 1, "average"),
        ("rural", 2, RURAL_LINE * 12 * 2, "near_poor"),
        ("rural", 2, RURAL_LINE * 12 * 2 - 1, "near_poor"),
        ("rural", 2, RURAL_LINE * 12 * 2 + 1, "average"),
        ("rural", 1, 0, "near_poor"),
    ],
)
def test_income_at_the_line_counts_as_at_or_under_and_one_dong_above_does_not(area, members, total, expected):
    facts = make_household(*adults(members), area_type=area, income_12m={"wages": total})
    result = classify(facts, NATIONAL_2022)
    assert result.household_class == expected
    assert result.total_income_12m == total
    assert result.member_count == members


def test_the_same_income_is_under_the_urban_line_and_above_the_rural_line():
    income = {"wages": 1_800_000 * 12}
    urban = classify(make_household(area_type="urban", income_12m=income), NATIONAL_2022)
    rural = classify(make_household(area_type="rural", income_12m=income), NATIONAL_2022)
    assert (urban.household_class, urban.income_line) == ("near_poor", URBAN_LINE)
    assert (rural.household_class, rural.income_line) == ("average", RURAL_LINE)


def test_one_dong_above_the_line_is_above_even_when_the_rounded_display_equals_the_line():
    # 1 đồng over 20 members and 12 months is 0.004 per person per month: invisible once rounded.
    facts = make_household(*adults(20), income_12m={"wages": URBAN_LINE * 12 * 20 + 1})
    result = classify(facts, NATIONAL_2022)
    assert result.income_per_person_month == Decimal("2000000.00")
    assert result.household_class == "average"
    assert result.reasons[0].code == "income_above_line"


def test_income_sources_are_summed():
    income = {"wages": 10_000_000, "agriculture": 8_000_000, "remittances": 6_000_000}
    result = classify(make_household(income_12m=income), NATIONAL_2022)
    assert result.total_income_12m == 24_000_000
    assert result.income_per_person_month == Decimal("2000000.00")


def test_income_per_person_is_rounded_half_up_for_display():
    # 3 đồng over 50 members and 12 months is exactly 0.005 per person per month.
    facts = make_household(*adults(50), income_12m={"other": 3})
    assert classify(facts, NATIONAL_2022).income_per_person_month == Decimal("0.01")


# ------------------------------------------------------------------ deprivation cut-off


@pytest.mark.parametrize(
    "deprivations, expected_class, expected_reason",
    [
        ({}, "near_poor", "deprivations_below_cutoff"),
        (TWO_DEPRIVATIONS, "near_poor", "deprivations_below_cutoff"),
        (THREE_DEPRIVATIONS, "poor", "deprivations_at_or_above_cutoff"),
        ({**THREE_DEPRIVATIONS, "floor_area_m2": Decimal(1)}, "poor", "deprivations_at_or_above_cutoff"),
    ],
)
def test_a_household_at_the_line_is_poor_from_three_deprivations_and_near_poor_below(
    deprivations, expected_class, expected_reason
):
    facts = make_household(income_12m={"wages": URBAN_LINE * 12}, **deprivations)
    result = classify(facts, NATIONAL_2022)
    assert result.household_class == expected_class
    assert result.deprivation_count == len(result.deprivations)
    assert [r.code for r in result.reasons] == ["income_at_or_below_line", expected_reason]
    assert result.reasons[1].params == {"count": result.deprivation_count, "cutoff": 3}


def test_deprivations_do_not_make_a_household_above_the_line_poor():
    facts = make_household(income_12m={"wages": URBAN_LINE * 12 + 1}, **THREE_DEPRIVATIONS)
    result = classify(facts, NATIONAL_2022)
    assert result.household_class == "average"
    assert result.deprivation_count == 3


# ------------------------------------------------------------------ average-living-standard band


@pytest.mark.parametrize(
    "area, members, total, expected",
    [
        ("urban", 1, 3_000_000 * 12, "average"),
        ("urban", 1, 3_000_000 * 12 + 1, "not_poor"),
        ("urban", 4, 3_000_000 * 48, "average"),
        ("urban", 4, 3_000_000 * 48 + 1, "not_poor"),
        ("rural", 2, 2_250_000 * 24, "average"),
        ("rural", 2, 2_250_000 * 24 + 1, "not_poor"),
    ],
)
def test_the_average_band_includes_its_upper_edge_and_not_one_dong_more(area, members, total, expected):
    facts = make_household(*adults(members), area_type=area, income_12m={"wages": total})
    assert classify(facts, NATIONAL_2022).household_class == expected


def test_social_allowance_is_left_out_of_the_average_band_test():
    facts = make_household(income_12m={"wages": 3_000_000 * 12, "social_allowance": 5_000_000})
    result = classify(facts, NATIONAL_2022)
    assert result.household_class == "average"
    assert result.income_for_average_band_per_person_month == Decimal("3000000.00")
    assert result.income_per_person_month > Decimal(3_000_000)
    band_reason = result.reasons[-1]
    assert band_reason.code == "income_within_average_band"
    assert band_reason.params["social_allowance_12m"] == 5_000_000


def test_social_allowance_still_counts_against_the_poverty_line():
    facts = make_household(income_12m={"wages": URBAN_LINE * 12, "social_allowance": 1})
    assert classify(facts, NATIONAL_2022).household_class == "average"


def test_a_household_lifted_over_the_line_only_by_allowances_is_average_not_richer():
    facts = make_household(income_12m={"wages": URBAN_LINE * 12 - 100, "social_allowance": 200})
    result = classify(facts, NATIONAL_2022)
    assert result.household_class == "average"
    assert result.income_for_average_band_per_person_month < URBAN_LINE


def test_without_an_upper_band_a_household_above_the_line_is_not_poor_and_told_why():
    facts = make_household(reference_date=date(2027, 6, 1), income_12m={"wages": 2_800_000 * 12 + 1})
    result = classify(facts, NATIONAL_2027)
    assert result.household_class == "not_poor"
    assert result.average_upper is None
    assert [r.code for r in result.reasons] == ["income_above_line", "average_band_not_set"]


@pytest.mark.parametrize("in_agriculture", [True, False])
def test_the_average_band_applies_flag_mirrors_the_agriculture_group(in_agriculture):
    result = classify(make_household(in_agriculture=in_agriculture), NATIONAL_2022)
    assert result.average_band_applies is in_agriculture


# ------------------------------------------------------------------ indicators at their bounds


@pytest.mark.parametrize("age, deprived", [(5, False), (6, True), (40, True)])
def test_health_insurance_is_required_from_age_six(age, deprived):
    facts = make_household(make_member("x", age, has_health_insurance=False, schooling="primary", education="none"))
    assert ("health_insurance" in deprived_keys(facts)) is deprived


def test_a_child_turning_six_the_day_after_the_reference_date_needs_no_card_yet():
    child = make_child("x", 6, has_health_insurance=False, birth_date=born(6) + timedelta(days=1))
    assert "health_insurance" not in deprived_keys(make_household(child))


def test_the_health_insurance_reason_names_the_member_and_age():
    facts = make_household(make_member("m1"), make_member("m7", 34, has_health_insurance=False))
    (dep,) = evaluate_indicators(facts, NATIONAL_2022)
    assert (dep.key, dep.dimension, dep.name) == ("health_insurance", "health", "Bảo hiểm y tế")
    (reason,) = dep.reasons
    assert (reason.code, reason.member_ref, reason.member_name) == ("no_health_insurance", "m7", "Nguyễn Văn m7")
    assert reason.params == {"age": 34}


@pytest.mark.parametrize(
    "age, nutrition, code",
    [
        (15, "stunted", "child_stunted"),
        (15, "underweight", "child_underweight"),
        (0, "stunted", "child_stunted"),
        (16, "stunted", None),
        (8, "normal", None),
    ],
)
def test_child_nutrition_counts_under_sixteen_only(age, nutrition, code):
    facts = make_household(make_member(), make_child("c", age, nutrition=nutrition, education="lower_secondary"))
    deprivations = {d.key: d for d in evaluate_indicators(facts, NATIONAL_2022)}
    if code is None:
        assert "nutrition" not in deprivations
    else:
        assert [r.code for r in deprivations["nutrition"].reasons] == [code]


@pytest.mark.parametrize(
    "age, schooling, deprived",
    [
        (2, "none", False),
        (3, "none", True),
        (3, "preschool", False),
        (15, "none", True),
        (15, "lower_secondary", False),
        (16, "none", False),
    ],
)
def test_children_aged_three_to_under_sixteen_must_attend_school(age, schooling, deprived):
    child = make_child("c", age, schooling=schooling, education="lower_secondary")
    assert ("child_schooling" in deprived_keys(make_household(make_member(), child))) is deprived


@pytest.mark.parametrize(
    "age, education, schooling, vocational, deprived",
    [
        (15, "primary", "none", False, False),
        (16, "primary", "none", False, True),
        (16, "lower_secondary", "none", False, False),
        (17, "primary", "none", False, True),
        (17, "primary", "none", True, True),  # training does not stand in for lower secondary
        (17, "primary", "lower_secondary", False, False),  # still studying
        (18, "lower_secondary", "none", False, True),
        (18, "lower_secondary", "none", True, False),
        (18, "upper_secondary", "none", False, False),
        (30, "lower_secondary", "none", False, True),
        (30, "college_or_higher", "none", False, False),
        (31, "none", "none", False, False),
    ],
)
def test_adult_education_is_checked_for_ages_sixteen_to_thirty(age, education, schooling, vocational, deprived):
    member = make_member("x", age, education=education, schooling=schooling, has_vocational_training=vocational)
    assert ("adult_education" in deprived_keys(make_household(member))) is deprived


def test_the_adult_education_reason_names_the_required_level():
    facts = make_household(make_member("x", 18, education="lower_secondary"))
    (dep,) = evaluate_indicators(facts, NATIONAL_2022)
    assert dep.reasons[0].params == {"age": 18, "required": "upper_secondary", "education": "lower_secondary"}


@pytest.mark.parametrize(
    "sex, age, employment, deprived",
    [
        ("male", 14, "unemployed", False),
        ("male", 15, "unemployed", True),
        ("male", 61, "unemployed", True),
        ("male", 62, "unemployed", False),
        ("female", 57, "unemployed", True),
        ("female", 58, "unemployed", False),
        ("female", 30, "wage_without_contract", True),
        ("female", 58, "wage_without_contract", False),
        ("male", 30, "self_employed", False),
        ("male", 20, "student", False),
        ("male", 40, "homemaker", False),
    ],
)
def test_employment_counts_working_age_members_only(sex, age, employment, deprived):
    facts = make_household(make_member("x", age, sex=sex, employment=employment, education="college_or_higher"))
    deprivations = {d.key: d for d in evaluate_indicators(facts, NATIONAL_2022)}
    assert ("employment" in deprivations) is deprived
    if deprived:
        assert deprivations["employment"].reasons[0].code == employment


@pytest.mark.parametrize(
    "members, deprived",
    [
        ((make_member(), make_child()), False),  # exactly half is not more than half
        ((make_member(), make_child("c1"), make_child("c2")), True),
        ((make_member(), make_member("o", 62)), False),
        ((make_member(), make_member("o", 62), make_child()), True),
        ((make_member(), make_member("w", 61), make_child()), False),  # 61-year-old man is of working age
        ((make_member(), make_member("f", 58, sex="female"), make_child()), True),
        ((make_member(), make_member("d", 40, working_capacity="none"), make_child()), True),
        ((make_member(), make_member("d", 40, working_capacity="partial"), make_child()), False),
        ((make_member(), make_member(), make_child("c", 16, education="lower_secondary", schooling="upper_secondary")), False),
    ],
)
def test_dependants_over_half_by_age_or_incapacity(members, deprived):
    assert ("dependants" in deprived_keys(make_household(*members))) is deprived


ALLOWANCE_STANDARD = with_params(NATIONAL_2022, "dependants", dependant_definition="allowance_recipients")


@pytest.mark.parametrize(
    "other, deprived",
    [
        (make_member("e", 60, receives_social_allowance=True), True),
        (make_member("e", 59, receives_social_allowance=True), False),
        (make_member("e", 75, receives_social_allowance=False), False),
        (make_member("d", 40, has_disability=True, receives_social_allowance=True), True),
        (make_member("d", 40, has_disability=True, receives_social_allowance=False), False),
        (make_member("d", 40, working_capacity="none"), False),
    ],
)
def test_dependants_as_allowance_recipients_when_the_standard_says_so(other, deprived):
    facts = make_household(make_member(), other, make_child())
    result = {d.key: d for d in evaluate_indicators(facts, ALLOWANCE_STANDARD)}
    assert ("dependants" in result) is deprived
    if deprived:
        assert result["dependants"].reasons[0].params == {
            "dependants": 2,
            "members": 3,
            "share": "0.5",
            "definition": "allowance_recipients",
        }


@pytest.mark.parametrize(
    "durable, deprived, parts",
    [
        (HOUSING_PARTS, False, None),
        (("walls", "roof"), False, None),
        (("walls",), True, ("columns", "roof")),
        ((), True, ("walls", "columns", "roof")),
    ],
)
def test_housing_is_deprived_from_two_non_durable_parts(durable, deprived, parts):
    facts = make_household(durable_parts=frozenset(durable))
    result = {d.key: d for d in evaluate_indicators(facts, NATIONAL_2022)}
    assert ("housing_quality" in result) is deprived
    if deprived:
        assert result["housing_quality"].reasons[0].params == {"parts": parts, "count": len(parts)}


@pytest.mark.parametrize(
    "members, area, deprived, shown",
    [
        (1, Decimal(8), False, None),
        (1, Decimal("7.9999"), True, Decimal("7.99")),
        (3, Decimal(24), False, None),
        (3, Decimal("23.99"), True, Decimal("7.99")),
        (3, Decimal(0), True, Decimal("0.00")),
    ],
)
def test_floor_area_of_exactly_eight_square_metres_per_person_is_enough(members, area, deprived, shown):
    facts = make_household(*adults(members), floor_area_m2=area)
    result = {d.key: d for d in evaluate_indicators(facts, NATIONAL_2022)}
    assert ("floor_area" in result) is deprived
    if deprived:
        assert result["floor_area"].reasons[0].params == {"per_person": shown, "minimum": Decimal(8)}


ACCEPTABLE_WATER = {"piped", "drilled_well", "protected_dug_well", "protected_spring", "rain_water", "bottled"}
ACCEPTABLE_LATRINES = {"septic", "semi_septic", "pour_flush", "ventilated_pit", "double_vault"}


@pytest.mark.parametrize("source", WATER_SOURCES)
def test_water_sources_outside_the_acceptable_list_are_deprived(source):
    result = {d.key: d for d in evaluate_indicators(make_household(water_source=source), NATIONAL_2022)}
    assert ("drinking_water" in result) is (source not in ACCEPTABLE_WATER)


@pytest.mark.parametrize("latrine", LATRINES)
def test_latrines_outside_the_acceptable_list_are_deprived(latrine):
    assert ("hygienic_latrine" in deprived_keys(make_household(latrine=latrine))) is (latrine not in ACCEPTABLE_LATRINES)


def test_a_household_where_nobody_uses_telecom_is_deprived():
    assert deprived_keys(make_household(uses_telecom=False)) == {"telecom_use"}


@pytest.mark.parametrize(
    "devices, loudspeaker, deprived",
    [((), False, True), ((), True, False), (("smartphone",), False, False), (("radio",), False, False)],
)
def test_information_devices_need_neither_device_nor_loudspeaker_to_be_deprived(devices, loudspeaker, deprived):
    facts = make_household(devices=frozenset(devices), within_loudspeaker_reach=loudspeaker)
    assert ("information_devices" in deprived_keys(facts)) is deprived


def test_a_household_with_no_member_of_a_given_age_is_not_deprived_on_that_age_s_indicators():
    facts = make_household(make_member("a", 45, education="none"), make_member("b", 50, education="none"))
    assert deprived_keys(facts).isdisjoint({"nutrition", "child_schooling", "adult_education"})


def test_an_indicator_lists_every_member_who_causes_it():
    facts = make_household(
        make_member("a", has_health_insurance=False), make_member("b"), make_member("c", has_health_insurance=False)
    )
    (dep,) = evaluate_indicators(facts, NATIONAL_2022)
    assert [r.member_ref for r in dep.reasons] == ["a", "c"]


# ------------------------------------------------------------------ standards side by side


def test_the_same_facts_are_classified_against_two_standards_in_one_call():
    higher = replace(
        NATIONAL_2022,
        code="city-demo",
        thresholds={"urban": AreaThresholds(2_500_000, 3_500_000), "rural": AreaThresholds(2_000_000)},
    )
    facts = make_household(income_12m={"wages": 2_200_000 * 12})
    results = classify_all(facts, [NATIONAL_2022, higher])
    assert [(r.standard_code, r.household_class) for r in results] == [
        ("national-2022", "average"),
        ("city-demo", "near_poor"),
    ]


@pytest.mark.parametrize(
    "on, expected",
    [
        (date(2021, 12, 31), []),
        (date(2022, 1, 1), ["national-2022", "city-danang"]),
        (date(2026, 12, 31), ["national-2022", "city-danang"]),
        (date(2027, 1, 1), ["national-2027", "city-danang"]),
        (date(2030, 12, 31), ["national-2027", "city-danang"]),
        (date(2031, 1, 1), ["city-danang"]),
    ],
)
def test_the_reference_date_picks_the_standards_in_force(on, expected):
    assert [s.code for s in active_standards(STANDARDS, on)] == expected
    facts = make_household(make_member(birth_date=date(1990, 1, 1)), reference_date=on)
    assert [r.standard_code for r in classify_all(facts, STANDARDS)] == expected


def test_the_2027_standard_uses_its_own_lines_and_drops_information_devices():
    facts = make_household(
        reference_date=date(2027, 1, 1),
        devices=frozenset(),
        within_loudspeaker_reach=False,
        income_12m={"wages": 2_800_000 * 12},
    )
    national, city = classify_all(facts, STANDARDS)
    assert (national.standard_code, national.income_line, national.household_class) == (
        "national-2027",
        2_800_000,
        "near_poor",
    )
    assert national.deprivations == ()
    assert [d.key for d in city.deprivations] == ["information_devices"]


def test_the_city_standard_without_numbers_gives_no_class_but_still_lists_deprivations():
    facts = make_household(income_12m={"wages": 1}, **THREE_DEPRIVATIONS)
    result = classify(facts, CITY)
    assert result.household_class is None
    assert (result.income_line, result.average_upper, result.cutoff) == (None, None, None)
    assert result.deprivation_count == 3
    (reason,) = result.reasons
    assert reason.code == "standard_incomplete"
    assert reason.params == {"missing": ("income_line", "deprivation_cutoff"), "area_type": "urban"}


def test_a_standard_with_a_line_but_no_cutoff_is_incomplete():
    partial = replace(CITY, thresholds={"urban": AreaThresholds(2_500_000), "rural": None})
    result = classify(make_household(), partial)
    assert result.household_class is None
    assert result.income_line == 2_500_000
    assert result.reasons[0].params["missing"] == ("deprivation_cutoff",)


def test_a_standard_without_thresholds_for_the_household_s_area_is_incomplete():
    urban_only = replace(NATIONAL_2022, thresholds={"urban": AreaThresholds(2_000_000, 3_000_000)})
    result = classify(make_household(area_type="rural"), urban_only)
    assert result.household_class is None
    assert result.reasons[0].params == {"missing": ("income_line",), "area_type": "rural"}


# ------------------------------------------------------------------ loading and validating data


def raw_standards() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_an_unknown_rule_name_is_rejected():
    raw = raw_standards()[0]
    raw["indicators"][0]["rule"] = "digital_services"
    with pytest.raises(ValueError, match="unknown rule"):
        standard_from_dict(raw)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["indicators"][0]["params"].pop("working_age_from"),
        lambda d: d["indicators"][1]["params"].update(dependant_definition="everyone"),
        lambda d: d["indicators"][4]["params"]["bands"][0].update(required_education="phd"),
        lambda d: d["indicators"][8]["params"].update(acceptable=["river"]),
        lambda d: d.pop("deprivation_cutoff"),
        lambda d: d["thresholds"].update(suburban=None),
        lambda d: d["thresholds"]["urban"].update(average_upper=1_000_000),
        lambda d: d.update(valid_to="2021-01-01"),
        lambda d: d["indicators"].append(d["indicators"][0]),
        lambda d: d["indicators"][0].pop("params"),
    ],
    ids=[
        "missing param",
        "unknown dependant definition",
        "unknown education level",
        "unknown water source",
        "missing cutoff key",
        "unknown area type",
        "band below the line",
        "ends before it starts",
        "duplicate indicator",
        "indicator without params",
    ],
)
def test_malformed_standard_data_is_rejected(change):
    raw = raw_standards()[0]
    change(raw)
    with pytest.raises(ValueError):
        standard_from_dict(raw)


def test_standards_json_carries_source_confidence_and_is_not_demo():
    for raw in raw_standards():
        assert raw["source"] and raw["confidence"] and raw["is_demo"] is False, raw["code"]
        for indicator in raw["indicators"]:
            assert indicator["dimension"] in {"employment", "health", "education", "housing", "water_sanitation", "information"}
    raw_2027 = next(r for r in raw_standards() if r["code"] == "national-2027")
    assert "NOT yet modelled" not in raw_2027["notes"]
    added = [i for i in raw_2027["indicators"] if i["key"] in ("digital_services", "household_waste")]
    assert [i["source"] for i in added] == ["Decree 351/2025/NĐ-CP, Annex"] * 2
    assert all(set(i["confidence"].values()) <= {"L", "M"} for i in added)


def test_the_national_2022_standard_has_twelve_indicators_with_registered_rules():
    assert len(NATIONAL_2022.indicators) == 12
    assert {i.rule for i in NATIONAL_2022.indicators} <= set(RULES) == set(RULE_PARAMS)
    assert [i.key for i in NATIONAL_2027.indicators] == [
        *(i.key for i in NATIONAL_2022.indicators[:-1]),
        "digital_services",
        "household_waste",
    ]


def test_parsed_specs_cannot_be_changed_afterwards():
    with pytest.raises(TypeError):
        NATIONAL_2022.indicators[4].params["bands"][0]["age_to"] = 99  # type: ignore[index]
    with pytest.raises(AttributeError):
        NATIONAL_2022.deprivation_cutoff = 1  # type: ignore[misc]


# ------------------------------------------------------------------ reason vocabulary


def everything_deprived() -> HouseholdFacts:
    return make_household(
        make_member("u", 30, employment="unemployed", has_health_insurance=False, education="primary"),
        make_member("w", 40, employment="wage_without_contract"),
        make_child("s", 5, nutrition="stunted", schooling="none"),
        make_child("v", 10, nutrition="underweight"),
        make_child("k", 12),
        durable_parts=frozenset(),
        floor_area_m2=Decimal(10),
        water_source="other",
        latrine="other",
        uses_telecom=False,
        devices=frozenset(),
        within_loudspeaker_reach=False,
        answers={"digital_services": "no_internet", "household_waste": "burned"},
    )


# A standard of the generic rule kinds only, over declared facts (as a city revision might add).
GENERIC = standard_from_dict(
    {
        "code": "generic-test",
        "name": "generic",
        "legal_basis": "test",
        "valid_from": "2022-01-01",
        "valid_to": None,
        "thresholds": {"urban": {"income_line": 2_000_000}, "rural": {"income_line": 1_500_000}},
        "deprivation_cutoff": 2,
        "indicators": [
            {
                "key": "any_uninsured",
                "dimension": "health",
                "name": "x",
                "rule": "members_meet",
                "params": {"fact": "has_health_insurance", "values": [False], "age_from": 6, "age_to": None, "share": None},
            },
            {
                "key": "many_unemployed",
                "dimension": "employment",
                "name": "x",
                "rule": "members_meet",
                "params": {"fact": "employment", "values": ["unemployed"], "age_from": 15, "age_to": 60, "share": "0.4"},
            },
            {
                "key": "no_telecom_yes_no",
                "dimension": "information",
                "name": "x",
                "rule": "household_yes_no",
                "params": {"fact": "uses_telecom", "deprived_when": False},
            },
        ],
    }
)


def all_reasons() -> list:
    """Reasons from households spread over every class, incomplete standard and band-less standard."""
    results = [classify(everything_deprived(), s) for s in (NATIONAL_2022, CITY, NATIONAL_2027, GENERIC)]
    results.append(classify(make_household(answers={}), NATIONAL_2027))
    for on in (REF, date(2027, 6, 1)):
        for total in (0, 2_500_000 * 12, 10**9):
            results.extend(classify_all(make_household(reference_date=on, income_12m={"wages": total}), STANDARDS))
    reasons = [r for result in results for r in result.reasons]
    return reasons + [r for result in results for d in result.deprivations for r in d.reasons]


def test_a_household_deprived_on_everything_shows_all_twelve_indicators():
    assert classify(everything_deprived(), NATIONAL_2022).deprivation_count == 12


def test_every_reason_code_produced_is_documented_and_its_template_formats():
    produced = {r.code for r in all_reasons()}
    assert produced - set(REASON_CODES) == set()
    for reason in all_reasons():
        REASON_CODES[reason.code].format(member_name=reason.member_name, **reason.params)


def test_every_documented_reason_code_is_actually_produced():
    assert set(REASON_CODES) == {r.code for r in all_reasons()}


# ------------------------------------------------------------------ purity


# The pure modules may import each other (the engine reads the fact declaration), nothing else of the project.
PURE_MODULES = {"policies.facts"}


@pytest.mark.parametrize("module", ["classification.py", "eligibility.py", "facts.py", "margins.py"])
def test_pure_rule_modules_import_nothing_from_django(module):
    source = (ROOT / "policies" / module).read_text(encoding="utf-8")
    imported = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative imports would reach into the project"
            imported.append(node.module)
    imported = [name for name in imported if name not in PURE_MODULES]
    top_level = {name.split(".")[0] for name in imported}
    assert top_level <= set(sys.stdlib_module_names) | {"__future__"}, top_level
    assert not top_level & {"django", "households", "reviews", "policies"}


def test_classes_are_ordered_poorest_first():
    assert CLASSES == ("poor", "near_poor", "average", "not_poor")
