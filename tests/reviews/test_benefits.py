"""Beneficiary lists, budgets and their Excel exports, assembled from official statuses, members and policies."""

from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from households.models import AdminUnit, Household, Member
from policies.models import PovertyStandard, SupportPolicyVersion
from policies.services import support_policies_load, support_policy_new_version
from reviews import benefits
from reviews.models import Case, CaseResult, OfficialStatus, ReviewRound
from tests.conftest import make_household
from tests.households.test_workbooks import HOSTILE_NAMES, assert_text


def official(household, year, household_class, *, standard="national-2022", others=None):
    """An official status decided in ``year`` (effective 1 January of the next year), with the case's
    results under other standards (``others``: code -> class)."""
    national = PovertyStandard.objects.get(code=standard)
    round_, _created = ReviewRound.objects.get_or_create(
        kind=ReviewRound.Kind.PERIODIC,
        year=year,
        defaults=dict(
            name=f"Round {year}",
            starts_on=date(year, 9, 1),
            ends_on=date(year, 12, 14),
            effective_from=date(year + 1, 1, 1),
            primary_standard=national,
            status=ReviewRound.Status.CLOSED,
        ),
    )
    case = Case.objects.create(
        round=round_,
        household=household,
        village=household.village,
        inclusion="form01",
        status="surveyed",
        result_class=household_class,
    )
    for code, other_class in (others or {}).items():
        CaseResult.objects.create(
            case=case,
            standard=PovertyStandard.objects.get(code=code),
            household_class=other_class,
            income_per_person_month=0,
            deprivation_count=0,
        )
    return OfficialStatus.objects.create(
        household=household,
        round=round_,
        case=case,
        ward=household.village.parent,
        year=year,
        standard=national,
        household_class=household_class,
        decision_number=f"{year}/QĐ",
        decision_date=date(year, 12, 20),
        effective_from=date(year + 1, 1, 1),
    )


def set_amount(code, **values):
    version = SupportPolicyVersion.objects.filter(policy__code=code).order_by("-version").first()
    SupportPolicyVersion.objects.filter(pk=version.pk).update(**values)


@pytest.fixture
def world(territory, personas):
    from policies.services import standards_load

    standards_load()
    support_policies_load()
    set_amount("electricity-support", amount=50_000)
    set_amount("monthly-allowance", amount=500_000)
    t = territory
    households = {
        "a": make_household(t["village"], "HH-A", members=2),
        "b": make_household(t["village"], "HH-B", members=1),
        "c": make_household(t["other_village"], "HH-C", members=1),
        "r": make_household(t["rural_village"], "HH-R", members=1),
        "x": make_household(t["village"], "HH-X", members=1),
    }
    Member.objects.create(
        household=households["a"], full_name="Trần Thị Bà", date_of_birth=date(1950, 5, 1), sex="female", relationship="parent"
    )
    official(households["a"], 2025, "poor")
    official(households["b"], 2025, "near_poor")
    official(households["c"], 2025, "near_poor", others={"city-danang": "poor"})
    official(households["r"], 2025, "poor")
    official(households["x"], 2025, "not_poor")
    return {**t, "households": households, "personas": personas}


def list_url(unit, policy="electricity-support", year=2026, xlsx=False):
    name = "reviews:benefit_list_xlsx" if xlsx else "reviews:benefit_list"
    return reverse(name, kwargs={"unit_code": unit.code, "year": year, "policy_code": policy})


def budget_url(unit, year=2026, xlsx=False):
    name = "reviews:benefit_budget_xlsx" if xlsx else "reviews:benefit_budget"
    return reverse(name, kwargs={"unit_code": unit.code, "year": year})


def codes(rows):
    return sorted({row.household.code for row in rows})


# ------------------------------------------------------------------ assembly


def test_poor_households_of_the_ward_get_electricity_support_for_twelve_months(world):
    """HH-A is poor by the national standard, HH-C by the city standard only; the shipped support names both."""
    rows = list(benefits.beneficiary_rows(world["personas"]["ward_officer"], world["ward"], 2026, "electricity-support"))
    assert codes(rows) == ["HH-A", "HH-C"]
    assert {(r.member, r.months, r.estimate) for r in rows} == {(None, 12, Decimal(600_000))}


def test_a_household_poor_only_by_the_city_standard_gets_the_support_that_names_the_city_standard(world):
    SupportPolicyVersion.objects.filter(policy__code="electricity-support").update(
        target_groups=[{"kind": "poor", "standard": "city-danang"}]
    )
    rows = list(benefits.beneficiary_rows(world["personas"]["city_officer"], world["city"], 2026, "electricity-support"))
    assert codes(rows) == ["HH-C"]


def test_the_monthly_allowance_names_the_elderly_member_it_is_for(world):
    rows = list(benefits.beneficiary_rows(world["personas"]["ward_officer"], world["ward"], 2026, "monthly-allowance"))
    assert [r.member.full_name for r in rows] == ["Trần Thị Bà"]
    assert [reason.code for reason in rows[0].entitlement.reasons] == ["class_by_standard", "member_elderly"]


def test_nothing_is_entitled_before_the_status_takes_effect(world):
    assert list(benefits.beneficiary_rows(world["personas"]["city_officer"], world["city"], 2025)) == []


def test_a_new_version_from_a_later_date_changes_the_estimate_from_that_date_only(world):
    policy = SupportPolicyVersion.objects.get(policy__code="electricity-support", version=2).policy
    support_policy_new_version(
        policy=policy,
        user=world["personas"]["city_officer"],
        changes={"valid_from": date(2026, 7, 1), "amount": 100_000},
        reason="Nghị quyết sửa đổi (thử)",
    )
    rows = list(benefits.beneficiary_rows(world["personas"]["ward_officer"], world["ward"], 2026, "electricity-support"))
    assert sorted((r.household.code, r.version.version, r.months, r.estimate) for r in rows) == [
        ("HH-A", 2, 6, 300_000),
        ("HH-A", 3, 6, 600_000),
        ("HH-C", 2, 6, 300_000),
        ("HH-C", 3, 6, 600_000),
    ]
    earlier = list(benefits.beneficiary_rows(world["personas"]["ward_officer"], world["ward"], 2025, "electricity-support"))
    assert earlier == []


def test_budget_totals_by_ward_district_and_city(world):
    table = benefits.budget(world["personas"]["city_officer"], world["city"], 2026)
    levels = [(line.level, line.unit.code) for line in table.lines]
    assert levels == [("ward", "20236"), ("district", "492"), ("ward", "20293"), ("district", "497"), ("total", "48")]
    electricity = {line.unit.code: line.cells["electricity-support"] for line in table.lines}
    assert electricity["20236"].beneficiaries("household") == 2
    assert electricity["492"].estimate == Decimal(1_200_000)
    assert electricity["20293"].estimate == Decimal(600_000)
    assert electricity["48"].beneficiaries("household") == 3
    assert electricity["48"].estimate == Decimal(1_800_000)
    allowance = table.total.cells["monthly-allowance"]
    assert (allowance.beneficiaries("person"), allowance.estimate) == (1, Decimal(6_000_000))
    housing = table.total.cells["housing-support"]
    assert housing.beneficiaries("household") == 3
    assert housing.estimate is None  # amount not set: counts only


# ------------------------------------------------------------------ pages and scope


def test_the_ward_officer_sees_the_beneficiaries_of_their_ward_with_reasons(client_for, world):
    response = client_for(world["personas"]["ward_officer"]).get(list_url(world["ward"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "HH-A" in page and "HH-C" in page and "HH-R" not in page and "HH-B" not in page
    assert "Hộ nghèo theo chuẩn quốc gia (Nghị định 07/2021)" in page
    assert "600.000 đồng" in page


def test_the_ward_officer_gets_404_for_another_ward(client_for, world):
    client = client_for(world["personas"]["ward_officer"])
    assert client.get(list_url(world["commune"])).status_code == 404
    assert client.get(budget_url(world["commune"], xlsx=True)).status_code == 404


def test_village_heads_may_not_open_beneficiary_lists(client_for, world):
    assert client_for(world["personas"]["village_head"]).get(list_url(world["ward"])).status_code == 403


def test_a_policy_without_an_amount_shows_amount_not_set(client_for, world):
    response = client_for(world["personas"]["city_officer"]).get(list_url(world["city"], "housing-support"))
    assert "chưa có mức" in response.content.decode()


def test_the_budget_page_shows_district_subtotals_and_the_city_total(client_for, world):
    page = client_for(world["personas"]["city_officer"]).get(budget_url(world["city"])).content.decode()
    assert "Cộng: Quận Hải Châu" in page
    assert "1.800.000 đồng" in page


@pytest.mark.parametrize("count", [2, 20])
def test_the_beneficiary_list_costs_the_same_queries_for_2_or_20_households(client_for, territory, personas, count):
    from policies.services import standards_load

    standards_load()
    support_policies_load()
    for i in range(count):
        official(make_household(territory["village"], f"Q-{i}", members=2), 2025, "poor")
    client = client_for(personas["ward_officer"])
    url = list_url(territory["ward"], "health-insurance")
    client.get(url)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # session, user, assignment (scope), unit, policy, versions of the year, household ids in scope,
    # then per chunk of 500 households: statuses, case results, members.
    assert len(queries) == EXPECTED_QUERIES, "\n".join(q["sql"][:150] for q in queries)


EXPECTED_QUERIES = 10


# ------------------------------------------------------------------ Excel


def workbook(response):
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def test_the_beneficiary_list_downloads_as_excel_with_vietnamese_headers_totals_and_formats(client_for, world):
    response = client_for(world["personas"]["city_officer"]).get(list_url(world["city"], xlsx=True))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    ws = workbook(response).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "Mã hộ"
    assert "Ước tính (đồng)" in rows[1]
    data = rows[2:-1]
    assert sorted(r[0] for r in data) == ["HH-A", "HH-C", "HH-R"]
    assert rows[-1][0] == "Tổng cộng"
    assert rows[-1][-1] == "=SUBTOTAL(9,L3:L5)"
    assert ws["L3"].number_format == "#,##0"
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:L5"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4


def test_the_ward_officer_excel_holds_only_their_ward(client_for, world):
    ws = workbook(client_for(world["personas"]["ward_officer"]).get(list_url(world["ward"], xlsx=True))).active
    assert [r[0] for r in ws.iter_rows(min_row=3, values_only=True)] == ["HH-A", "HH-C", "Tổng cộng"]


def test_the_budget_downloads_with_district_subtotals_that_the_total_does_not_count_twice(client_for, world):
    ws = workbook(client_for(world["personas"]["city_officer"]).get(budget_url(world["city"], xlsx=True))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:2] == ("Quận/huyện", "Phường/xã")
    assert [r[:2] for r in rows[2:6]] == [
        ("Quận Hải Châu", "Phường Hải Châu I"),
        ("Quận Hải Châu", "Cộng"),
        ("Huyện Hòa Vang", "Xã Hòa Bắc"),
        ("Huyện Hòa Vang", "Cộng"),
    ]
    assert rows[3][2] == "=SUBTOTAL(9,C3:C3)"
    assert rows[-1][2] == "=SUBTOTAL(9,C3:C6)"


# ------------------------------------------------------------------ commands


def test_loading_the_shipped_policies_twice_creates_nothing_the_second_time(db):
    assert support_policies_load()
    assert support_policies_load() == []


def test_the_policy_demo_is_refused_unless_demo_data_is_allowed(db, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("seed_policy_demo")


def test_the_policy_demo_marks_the_amounts_it_sets_as_demo(db, settings):
    settings.DEMO_DATA_ALLOWED = True
    call_command("seed_policy_demo", stdout=StringIO())
    version = SupportPolicyVersion.objects.filter(policy__code="electricity-support").order_by("-version").first()
    assert version.is_demo and version.amount == 50_000
    assert not SupportPolicyVersion.objects.get(policy__code="land-use-fee-reduction", version=2).is_demo


def test_a_ward_budget_has_its_ward_line_and_total_without_a_district_subtotal(world):
    table = benefits.budget(world["personas"]["ward_officer"], world["ward"], 2026)
    assert [(line.level, line.unit.code) for line in table.lines] == [("ward", "20236"), ("total", "20236")]


def test_the_beneficiary_list_names_versions_in_vietnamese(client_for, world):
    page = client_for(world["personas"]["ward_officer"]).get(list_url(world["ward"])).content.decode()
    assert "Phiên bản 2" in page


def test_households_recognised_under_a_standard_no_policy_names_are_pointed_out(client_for, world):
    """The 2026 round recognises households under the 2027–2030 standard; the shipped policies (2022–2025
    resolutions) name only the 2022 national and the city standard, so the city must add versions."""
    h = world["households"]
    official(h["a"], 2026, "poor", standard="national-2027")
    official(h["c"], 2026, "near_poor", standard="national-2027")
    official(h["x"], 2026, "not_poor", standard="national-2027")
    [unnamed] = benefits.standards_no_policy_names(world["personas"]["city_officer"], world["city"], 2027)
    assert unnamed.standard.code == "national-2027" and unnamed.households == 2
    assert benefits.standards_no_policy_names(world["personas"]["city_officer"], world["city"], 2026) == []
    client = client_for(world["personas"]["city_officer"])
    page = client.get(budget_url(world["city"], year=2027)).content.decode()
    assert "2 hộ được công nhận hộ nghèo, hộ cận nghèo từ năm 2027 theo" in page
    assert "Chuẩn nghèo đa chiều quốc gia giai đoạn 2027–2030" in page
    assert "alert-warning" not in client.get(budget_url(world["city"], year=2026)).content.decode()
    # A ward officer of another ward does not learn about these households.
    assert benefits.standards_no_policy_names(world["personas"]["commune_officer"], world["commune"], 2027) == []


# ------------------------------------------------------------------ no formula from the data (issue 12, item 2)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_beneficiary_named_like_a_formula_is_text_in_the_beneficiary_list(client_for, world, name):
    Member.objects.filter(full_name="Trần Thị Bà").update(full_name=name)
    Household.objects.filter(pk=world["households"]["a"].pk).update(address=name)
    response = client_for(world["personas"]["ward_officer"]).get(list_url(world["ward"], policy="monthly-allowance", xlsx=True))
    ws = workbook(response).active
    assert ws["A3"].value == "HH-A"
    assert_text(ws["E3"], name)  # address
    assert_text(ws["F3"], name)  # beneficiary
    assert (ws["J3"].value, ws["J3"].data_type) == (12, "n")
    assert (ws["F4"].value, ws["F4"].data_type) == ("=SUBTOTAL(3,F3:F3)", "f")
    assert (ws["L4"].value, ws["L4"].data_type) == ("=SUBTOTAL(9,L3:L3)", "f")


def test_a_ward_named_like_a_formula_is_text_in_the_budget_whose_subtotals_stay_formulas(client_for, world):
    AdminUnit.objects.filter(pk=world["ward"].pk).update(name='=HYPERLINK("http://x","Xem")')
    ws = workbook(client_for(world["personas"]["city_officer"]).get(budget_url(world["city"], xlsx=True))).active
    assert_text(ws["B3"], '=HYPERLINK("http://x","Xem")')
    assert (ws["C4"].value, ws["C4"].data_type) == ("=SUBTOTAL(9,C3:C3)", "f")
