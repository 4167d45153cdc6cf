"""What would change a result (policies.margins): exact at the edges, and checked against ``classify``."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies.classification import EXCLUDED_FROM_AVERAGE_BAND, IndicatorSpec, classify
from policies.margins import MARGIN_CODES, Margin, margins_from_data, margins_of
from reviews.facts import result_as_data
from tests.policies.test_classification import (
    CITY,
    NATIONAL_2022,
    THREE_DEPRIVATIONS,
    TWO_DEPRIVATIONS,
    adults,
    make_household,
)
from tests.policies.test_classification_properties import COMPLETE_STANDARDS, households

URBAN_LINE = NATIONAL_2022.thresholds["urban"].income_line
URBAN_UPPER = NATIONAL_2022.thresholds["urban"].average_upper


def household(members: int, total: int, **facts):
    return make_household(*adults(members), income_12m={"wages": total}, **facts)


def by_code(margins) -> dict[str, Margin]:
    return {m.code: m for m in margins}


def test_exactly_at_the_line_one_dong_over_twelve_months_lifts_it():
    result = classify(household(3, URBAN_LINE * 12 * 3), NATIONAL_2022)
    assert result.household_class == "near_poor"
    m = by_code(margins_of(result))["income_to_leave_line"]
    assert m.params == {"per_person_month": 1, "household_12m": 1, "line": URBAN_LINE, "from_class": "near_poor"}


def test_one_dong_above_the_line_is_one_dong_above_and_a_fall_of_one_dong_makes_it_near_poor():
    result = classify(household(3, URBAN_LINE * 12 * 3 + 1), NATIONAL_2022)
    assert result.household_class == "average"
    m = by_code(margins_of(result))["income_above_line"]
    assert m.params == {"per_person_month": 1, "household_12m": 1, "line": URBAN_LINE, "to_class": "near_poor"}


def test_the_per_person_amount_is_rounded_up_and_the_household_amount_is_exact():
    # 120.000 đồng per person per month under the line, less 5 đồng over the year: 119.999,86... rounds up.
    total = (URBAN_LINE - 120_000) * 12 * 3 + 5
    m = by_code(margins_of(classify(household(3, total), NATIONAL_2022)))["income_to_leave_line"]
    assert m.params["household_12m"] == 120_000 * 36 - 5 + 1
    assert m.params["per_person_month"] == 120_000


def test_an_above_line_household_names_the_class_a_fall_would_give():
    poor_if_falls = classify(household(2, (URBAN_LINE + 120_000) * 24, **THREE_DEPRIVATIONS), NATIONAL_2022)
    m = by_code(margins_of(poor_if_falls))["income_above_line"]
    assert m.params["per_person_month"] == 120_000 and m.params["household_12m"] == 120_000 * 24
    assert m.params["to_class"] == "poor"


@pytest.mark.parametrize(
    "deprivations, cls, code, count",
    [
        ({}, "near_poor", "deprivations_to_poor", 3),
        (TWO_DEPRIVATIONS, "near_poor", "deprivations_to_poor", 1),
        (THREE_DEPRIVATIONS, "poor", "deprivations_to_near_poor", 1),
        ({**THREE_DEPRIVATIONS, "durable_parts": frozenset()}, "poor", "deprivations_to_near_poor", 2),
    ],
)
def test_deprivations_to_the_other_class_at_the_cutoff_edges(deprivations, cls, code, count):
    result = classify(household(2, 0, **deprivations), NATIONAL_2022)
    assert result.household_class == cls
    assert by_code(margins_of(result))[code].params == {"count": count, "cutoff": NATIONAL_2022.deprivation_cutoff}


def test_the_average_band_edge_and_one_dong_over():
    at_edge = classify(household(2, URBAN_UPPER * 24), NATIONAL_2022)
    assert at_edge.household_class == "average"
    assert by_code(margins_of(at_edge))["income_to_leave_average_band"].params == {
        "per_person_month": 1,
        "household_12m": 1,
        "upper": URBAN_UPPER,
    }
    over = classify(household(2, URBAN_UPPER * 24 + 1), NATIONAL_2022)
    assert over.household_class == "not_poor"
    assert by_code(margins_of(over))["income_above_average_band"].params["household_12m"] == 1


def test_social_allowances_are_left_out_of_the_band_margin():
    facts = make_household(*adults(2), income_12m={"wages": URBAN_UPPER * 24, "social_allowance": 50_000})
    result = classify(facts, NATIONAL_2022)
    assert result.household_class == "average"
    assert by_code(margins_of(result))["income_to_leave_average_band"].params["household_12m"] == 1
    assert by_code(margins_of(result))["income_above_line"].params["household_12m"] == (URBAN_UPPER - URBAN_LINE) * 24 + 50_000


def test_an_incomplete_standard_has_no_margin():
    result = classify(household(2, 0, **THREE_DEPRIVATIONS), CITY)
    assert result.household_class is None
    assert margins_of(result) == ()
    assert margins_from_data(result_as_data(result)) == ()


def test_stored_data_gives_the_same_margins_and_old_or_partial_data_gives_none():
    for total in (0, URBAN_LINE * 24, URBAN_UPPER * 24, URBAN_UPPER * 24 + 7):
        result = classify(make_household(*adults(2), income_12m={"wages": total, "social_allowance": 3}), NATIONAL_2022)
        assert margins_from_data(result_as_data(result)) == margins_of(result)
    assert margins_from_data({}) == ()
    assert margins_from_data({"household_class": "poor", "deprivation_count": 3}) == ()


def test_every_code_is_documented():
    produced = set()
    for total, facts in ((0, {}), (0, THREE_DEPRIVATIONS), (URBAN_LINE * 24 + 1, {}), (URBAN_UPPER * 24 + 1, {})):
        produced |= {m.code for m in margins_of(classify(household(2, total, **facts), NATIONAL_2022))}
    assert produced == set(MARGIN_CODES)


# ------------------------------------------------------------------ properties against classify


def _add_income(facts, amount: int):
    return replace(facts, income_12m={**facts.income_12m, "wages": facts.income_12m.get("wages", 0) + amount})


def _cut_income(facts, amount: int):
    """The household's income less ``amount`` (taken from allowances last)."""
    left = {}
    for source in sorted(facts.income_12m, key=lambda s: s in EXCLUDED_FROM_AVERAGE_BAND):
        take = min(amount, facts.income_12m[source])
        left[source] = facts.income_12m[source] - take
        amount -= take
    assert amount == 0
    return replace(facts, income_12m=left)


BELOW = {"poor", "near_poor"}


@given(households, st.sampled_from(COMPLETE_STANDARDS))
def test_the_income_margin_really_flips_the_class_and_one_dong_less_does_not(facts, standard):
    result = classify(facts, standard)
    margins = by_code(margins_of(result))
    n = len(facts.members)
    if result.household_class in BELOW:
        m = margins["income_to_leave_line"].params
        assert classify(_add_income(facts, m["household_12m"]), standard).household_class not in BELOW
        assert classify(_add_income(facts, m["household_12m"] - 1), standard).household_class == result.household_class
        assert classify(_add_income(facts, m["per_person_month"] * 12 * n), standard).household_class not in BELOW
        assert classify(_add_income(facts, (m["per_person_month"] - 1) * 12 * n), standard).household_class in BELOW
    else:
        m = margins["income_above_line"].params
        fallen = classify(_cut_income(facts, m["household_12m"]), standard)
        assert fallen.household_class == m["to_class"]
        assert classify(_cut_income(facts, m["household_12m"] - 1), standard).household_class not in BELOW
        if m["per_person_month"] * 12 * n <= sum(facts.income_12m.values()):
            assert classify(_cut_income(facts, m["per_person_month"] * 12 * n), standard).household_class in BELOW
        assert classify(_cut_income(facts, (m["per_person_month"] - 1) * 12 * n), standard).household_class not in BELOW
        band = margins.get("income_to_leave_average_band") or margins.get("income_above_average_band")
        if band is not None:
            b = band.params["household_12m"]
            if result.household_class == "average":
                assert classify(_add_income(facts, b), standard).household_class == "not_poor"
                assert classify(_add_income(facts, b - 1), standard).household_class == "average"
            else:
                assert classify(_cut_income(facts, b), standard).household_class == "average"
                assert classify(_cut_income(facts, b - 1), standard).household_class == "not_poor"


def _with_copies(standard, result, copies: int):
    """The standard with ``copies`` more indicators the household is deprived on (copies of one it is)."""
    source = next(i for i in standard.indicators if i.key == result.deprivations[0].key)
    extra = tuple(
        IndicatorSpec(f"{source.key}-copy{k}", source.dimension, source.name, source.rule, dict(source.params))
        for k in range(copies)
    )
    return replace(standard, indicators=standard.indicators + extra)


def _without(standard, result, dropped: int):
    """The standard without the first ``dropped`` indicators the household is deprived on."""
    gone = {d.key for d in result.deprivations[:dropped]}
    return replace(standard, indicators=tuple(i for i in standard.indicators if i.key not in gone))


@given(households, st.sampled_from(COMPLETE_STANDARDS))
def test_the_deprivation_margin_really_flips_the_class_and_one_less_does_not(facts, standard):
    result = classify(facts, standard)
    margins = by_code(margins_of(result))
    if result.household_class == "near_poor" and result.deprivations:
        more = margins["deprivations_to_poor"].params["count"]
        assert more >= 1
        assert classify(facts, _with_copies(standard, result, more)).household_class == "poor"
        assert classify(facts, _with_copies(standard, result, more - 1)).household_class == "near_poor"
    elif result.household_class == "poor":
        fewer = margins["deprivations_to_near_poor"].params["count"]
        assert fewer >= 1
        assert classify(facts, _without(standard, result, fewer)).household_class == "near_poor"
        assert classify(facts, _without(standard, result, fewer - 1)).household_class == "poor"
    elif result.household_class == "near_poor":
        # Not deprived on anything: no deprivation to copy, so the flip cannot be simulated here; the
        # margin is the whole cut-off (hypothesis found this case; it is not in the class of the others).
        assert margins["deprivations_to_poor"].params == {"count": result.cutoff, "cutoff": result.cutoff}
        assert "deprivations_to_near_poor" not in margins
    else:
        assert not {"deprivations_to_poor", "deprivations_to_near_poor"} & set(margins)
