"""Properties of the classification engine that must hold for any household."""

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.classification import (
    AREA_TYPES,
    DEVICES,
    EDUCATION,
    EMPLOYMENT,
    HOUSING_PARTS,
    INCOME_SOURCES,
    LATRINES,
    NUTRITION,
    SCHOOLING,
    SEXES,
    WATER_SOURCES,
    WORKING_CAPACITY,
    HouseholdFacts,
    MemberFacts,
    age_on,
    classify,
)
from policies.facts import FACTS
from tests.policies.test_classification import ALLOWANCE_STANDARD, CITY, NATIONAL_2022, NATIONAL_2027

# Richer is higher. "Average" sits below "not poor" because it is a band of income above the line.
RANK = {"poor": 0, "near_poor": 1, "average": 2, "not_poor": 3}
REF_DATES = (date(2026, 6, 30), date(2027, 2, 28))
COMPLETE_STANDARDS = (NATIONAL_2022, NATIONAL_2027, ALLOWANCE_STANDARD)

members = st.builds(
    MemberFacts,
    ref=st.uuids().map(str),
    full_name=st.text(min_size=1, max_size=10),
    birth_date=st.dates(min_value=date(1925, 1, 1), max_value=REF_DATES[0]),
    sex=st.sampled_from(SEXES),
    has_health_insurance=st.booleans(),
    schooling=st.sampled_from(SCHOOLING),
    education=st.sampled_from(EDUCATION),
    has_vocational_training=st.booleans(),
    employment=st.sampled_from(EMPLOYMENT),
    working_capacity=st.sampled_from(WORKING_CAPACITY),
    has_disability=st.booleans(),
    receives_social_allowance=st.booleans(),
    nutrition=st.sampled_from(NUTRITION),
)


# Per-person monthly amounts on the lines and band edges of the standards under test.
ANCHORS = sorted({v for s in COMPLETE_STANDARDS for t in s.thresholds.values() for v in (t.income_line, t.average_upper) if v})


@st.composite
def incomes(draw, members: int) -> dict[str, int]:
    """Income by source, drawn around the lines and band edges so that every class is reached."""
    monthly = draw(st.one_of(st.sampled_from(ANCHORS), st.integers(min_value=0, max_value=4_000_000)))
    # A few đồng of jitter lands totals exactly on and next to the edges.
    total = max(0, monthly * 12 * members + draw(st.integers(min_value=-12, max_value=12)))
    allowance = draw(st.one_of(st.just(0), st.integers(min_value=0, max_value=total)))
    source = draw(st.sampled_from([s for s in INCOME_SOURCES if s != "social_allowance"]))
    return {source: total - allowance, "social_allowance": allowance}


def _household(people: tuple[MemberFacts, ...]):
    return st.builds(
        HouseholdFacts,
        reference_date=st.sampled_from(REF_DATES),
        area_type=st.sampled_from(AREA_TYPES),
        members=st.just(people),
        # Mostly sound dwellings, so households with few deprivations (near-poor) are common.
        durable_parts=st.one_of(st.just(frozenset(HOUSING_PARTS)), st.frozensets(st.sampled_from(HOUSING_PARTS))),
        floor_area_m2=st.decimals(min_value=0, max_value=200, places=2),
        water_source=st.one_of(st.just("piped"), st.sampled_from(WATER_SOURCES)),
        latrine=st.one_of(st.just("septic"), st.sampled_from(LATRINES)),
        uses_telecom=st.booleans(),
        devices=st.frozensets(st.sampled_from(DEVICES)),
        within_loudspeaker_reach=st.booleans(),
        income_12m=incomes(len(people)),
        in_agriculture=st.booleans(),
        # Answers to the declared facts the engine keeps in its answers document (the 2027 indicators).
        answers=st.fixed_dictionaries(
            {key: st.sampled_from(FACTS[key].value_keys) for key in ("digital_services", "household_waste")}
        ),
    )


households = st.lists(members, min_size=1, max_size=6).map(tuple).flatmap(_household)
standards = st.sampled_from(COMPLETE_STANDARDS)

# Each makes one more indicator deprived (or keeps it deprived) without touching income or members.
MAKE_DEPRIVED = {
    "no telecom": lambda f: replace(f, uses_telecom=False),
    "unsafe water": lambda f: replace(f, water_source="surface_water"),
    "no latrine": lambda f: replace(f, latrine="none"),
    "flimsy house": lambda f: replace(f, durable_parts=frozenset()),
    "no floor area": lambda f: replace(f, floor_area_m2=Decimal(0)),
    "cut off": lambda f: replace(f, devices=frozenset(), within_loudspeaker_reach=False),
}


def rank(facts: HouseholdFacts, standard) -> int:
    return RANK[classify(facts, standard).household_class]


def reason_bag(result) -> Counter:
    def key(r):
        return (r.code, r.member_ref, tuple(sorted(r.params.items(), key=lambda kv: kv[0])))

    return Counter([key(r) for r in result.reasons] + [(d.key, key(r)) for d in result.deprivations for r in d.reasons])


@given(households, standards, st.sampled_from(INCOME_SOURCES), st.integers(min_value=0, max_value=10**8))
def test_more_income_never_makes_a_household_poorer(facts, standard, source, extra):
    richer = replace(facts, income_12m={**facts.income_12m, source: facts.income_12m.get(source, 0) + extra})
    assert rank(richer, standard) >= rank(facts, standard)


@given(households, standards, st.sampled_from(sorted(MAKE_DEPRIVED)))
def test_one_more_deprivation_never_makes_a_household_richer(facts, standard, change):
    worse = MAKE_DEPRIVED[change](facts)
    before, after = classify(facts, standard), classify(worse, standard)
    assert after.deprivation_count >= before.deprivation_count
    assert RANK[after.household_class] <= RANK[before.household_class]


@given(households, st.sampled_from(COMPLETE_STANDARDS + (CITY,)), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_member_order(facts, standard, random):
    shuffled_members = list(facts.members)
    random.shuffle(shuffled_members)
    shuffled = replace(facts, members=tuple(shuffled_members))
    a, b = classify(facts, standard), classify(shuffled, standard)
    assert replace(a, deprivations=(), reasons=()) == replace(b, deprivations=(), reasons=())
    assert [d.key for d in a.deprivations] == [d.key for d in b.deprivations]
    assert reason_bag(a) == reason_bag(b)


@given(households, standards)
def test_the_class_matches_the_rule_computed_with_exact_fractions(facts, standard):
    result = classify(facts, standard)
    n = len(facts.members)
    thresholds = standard.thresholds[facts.area_type]
    income = Fraction(sum(facts.income_12m.values()), 12 * n)
    band_income = Fraction(sum(v for k, v in facts.income_12m.items() if k != "social_allowance"), 12 * n)
    if income <= thresholds.income_line:
        expected = "poor" if result.deprivation_count >= standard.deprivation_cutoff else "near_poor"
    elif thresholds.average_upper is not None and band_income <= thresholds.average_upper:
        expected = "average"
    else:
        expected = "not_poor"
    assert result.household_class == expected
    assert abs(result.income_per_person_month - Decimal(income.numerator) / income.denominator) <= Decimal("0.005")


@settings(max_examples=50)
@given(households)
def test_the_city_standard_without_numbers_never_gives_a_class(facts):
    result = classify(facts, CITY)
    assert result.household_class is None
    assert [r.code for r in result.reasons] == ["standard_incomplete"]


@given(members, st.integers(min_value=0, max_value=366))
def test_ages_never_decrease_as_the_reference_date_moves_on(member, days):
    on = REF_DATES[0]
    assert age_on(member.birth_date, on + timedelta(days=days)) >= age_on(member.birth_date, on)
