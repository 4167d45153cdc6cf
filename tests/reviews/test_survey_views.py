"""The village head's journey through the pages: screen, survey section by section, live result, submit."""

from datetime import date

import pytest
from django.urls import reverse

from reviews.models import Case, CaseMember, OfficialStatus, VillageList
from tests.conftest import make_household
from tests.reviews.conftest import survey

pytestmark = pytest.mark.django_db

HOUSING = {"durable_walls": "", "durable_columns": "", "durable_roof": "on", "floor_area_m2": "20"}
WATER = {"water_source": "unprotected_well", "latrine": "simple_pit"}
INFORMATION = {"uses_telecom": "on", "devices": ["tv"], "within_loudspeaker_reach": "on"}
INCOME = {
    "income_wages": "30000000",
    "income_agriculture": "0",
    "income_business": "0",
    "income_pension": "0",
    "income_social_allowance": "0",
    "income_remittances": "0",
    "income_other": "0",
}


def members_post(case):
    rows = list(case.members.order_by("id"))
    data = {
        "m-TOTAL_FORMS": str(len(rows) + 1),
        "m-INITIAL_FORMS": str(len(rows)),
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "1000",
        "read_version": str(case.version),
    }
    for i, m in enumerate(rows):
        data.update(
            {
                f"m-{i}-id": str(m.pk),
                f"m-{i}-full_name": m.full_name,
                f"m-{i}-date_of_birth": m.date_of_birth.isoformat(),
                f"m-{i}-sex": m.sex,
                f"m-{i}-has_health_insurance": "on",
                f"m-{i}-schooling": "none",
                f"m-{i}-education": "upper_secondary",
                f"m-{i}-employment": "self_employed",
                f"m-{i}-working_capacity": "full",
                f"m-{i}-nutrition": "normal",
            }
        )
    return data


def post_section(client, case, section, data):
    case.refresh_from_db()
    payload = {**data, "read_version": str(case.version)}
    return client.post(reverse("reviews:case_survey", args=[case.pk, section]), payload)


def test_the_village_head_sees_the_households_of_the_round_in_vietnamese(client, review):
    client.force_login(review["personas"]["village_head"])
    response = client.get(reverse("reviews:village_cases", args=[review["round"].pk, review["village"].code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "HH-A" in body and "HH-B" in body and "HH-C" not in body
    assert "Chờ nhận diện" in body or "Cần nhận diện nhanh" in body or "nhận diện" in body


def test_a_village_head_surveys_a_household_through_every_section_and_sees_it_poor_with_reasons(client, review):
    head = review["personas"]["village_head"]
    client.force_login(head)
    case = review["cases"]["a"]
    response = client.post(reverse("reviews:case_screen", args=[case.pk]), {"read_version": case.version})
    assert response.status_code == 302 and response["Location"].endswith("/form/")  # the whole form on one page
    case.refresh_from_db()
    response = client.post(reverse("reviews:case_survey", args=[case.pk, "members"]), members_post(case))
    assert response.status_code == 302, (response.context["form"].errors, response.context["form"].non_form_errors())
    response = post_section(client, case, "housing", {**HOUSING, "floor_area_m2": "0"})
    assert response.status_code == 200
    assert "1 đến 10.000 m²" in response.content.decode() or "10,000" in response.content.decode()
    assert Case.objects.get(pk=case.pk).floor_area_m2 is None
    assert post_section(client, case, "housing", HOUSING).status_code == 302
    assert post_section(client, case, "water", WATER).status_code == 302
    assert post_section(client, case, "information", INFORMATION).status_code == 302
    response = post_section(client, case, "income", INCOME)
    assert response.status_code == 302 and response["Location"] == reverse("reviews:case_detail", args=[case.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Hộ nghèo" in page
    assert "Chất lượng nhà ở" in page
    # The standard's version in the portal's own words: Django's catalogue says "version" differently.
    assert "(phiên bản 1)" in page and "(version" not in page and "(Phiên bản 1)" not in page
    case.refresh_from_db()
    assert (case.status, case.result_class) == ("surveyed", "poor")


def test_the_live_result_updates_from_unsaved_values_and_saves_nothing(client, review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    client.force_login(head)
    rich = {**INCOME, "income_wages": "900000000", "read_version": str(case.version)}
    response = client.post(reverse("reviews:case_preview", args=[case.pk, "income"]), rich, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "chưa lưu" in body
    assert "Hộ nghèo" not in body
    case.refresh_from_db()
    assert case.income_wages == 30_000_000 and case.result_class == "poor"


def test_bad_numbers_get_vietnamese_errors_and_nothing_is_saved(client, review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    client.force_login(head)
    response = post_section(client, case, "income", {**INCOME, "income_wages": "ba triệu", "income_other": "-5"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "số nguyên" in body.lower() or "đồng" in body
    assert Case.objects.get(pk=case.pk).income_wages == 30_000_000


def test_a_stale_page_is_refused_with_who_saved_first(client, review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    client.force_login(head)
    stale_version = case.version
    assert post_section(client, case, "housing", HOUSING).status_code == 302
    response = client.post(
        reverse("reviews:case_survey", args=[case.pk, "housing"]),
        {**HOUSING, "floor_area_m2": "55", "read_version": stale_version},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "head1" in body
    assert Case.objects.get(pk=case.pk).floor_area_m2 == 20


def test_a_submitted_list_cannot_be_edited_through_the_pages(client, review):
    head = review["personas"]["village_head"]
    for key in ("a", "b"):
        survey(review["cases"][key], head)
    client.force_login(head)
    response = client.post(reverse("reviews:village_submit", args=[review["round"].pk, review["village"].code]))
    assert response.status_code == 302
    assert VillageList.objects.get(round=review["round"], village=review["village"]).status == "submitted"
    case = Case.objects.get(pk=review["cases"]["a"].pk)
    assert post_section(client, case, "housing", HOUSING).status_code == 403


def test_submitting_with_unsurveyed_households_shows_why(client, review):
    client.force_login(review["personas"]["village_head"])
    response = client.post(reverse("reviews:village_submit", args=[review["round"].pk, review["village"].code]), follow=True)
    assert (
        "2" in response.content.decode()
        and VillageList.objects.get(round=review["round"], village=review["village"]).status == "open"
    )


def test_a_village_head_cannot_open_another_villages_case(client, review):
    client.force_login(review["personas"]["other_village_head"])
    assert client.get(reverse("reviews:case_detail", args=[review["cases"]["a"].pk])).status_code == 404
    assert client.get(reverse("reviews:case_survey", args=[review["cases"]["a"].pk, "income"])).status_code == 404


def test_wrong_method_is_refused(client, review):
    client.force_login(review["personas"]["village_head"])
    assert client.get(reverse("reviews:village_submit", args=[review["round"].pk, review["village"].code])).status_code == 405
    assert client.get(reverse("reviews:case_preview", args=[review["cases"]["a"].pk, "income"])).status_code == 405


def test_the_village_page_costs_the_same_queries_for_2_or_20_households(client, review, django_assert_max_num_queries):
    from reviews import services

    client.force_login(review["personas"]["village_head"])
    url = reverse("reviews:village_cases", args=[review["round"].pk, review["village"].code])
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    for i in range(18):
        household = make_household(review["village"], f"HH-X{i}", members=3)
        services.case_add(
            round_=review["round"], household=household, inclusion="form01", user=review["personas"]["ward_officer"]
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("/cases/") >= 20


def test_the_certificate_shows_the_head_and_members_to_the_ward_but_not_to_the_district(client, review):
    p = review["personas"]
    case = survey(review["cases"]["a"], p["village_head"])
    status = OfficialStatus.objects.create(
        household=case.household,
        round=case.round,
        case=case,
        ward=review["ward"],
        year=2026,
        standard=case.round.primary_standard,
        household_class="poor",
        decision_number="15/QĐ-UBND",
        decision_date=date(2026, 11, 20),
        effective_from=date(2027, 1, 1),
    )
    client.force_login(p["ward_officer"])
    body = client.get(reverse("reviews:certificate", args=[status.pk])).content.decode()
    assert "GIẤY CHỨNG NHẬN HỘ NGHÈO" in body and "15/QĐ-UBND" in body
    assert case.household.members.first().full_name in body
    client.force_login(p["district_officer"])
    assert client.get(reverse("reviews:certificate", args=[status.pk])).status_code == 403
    assert CaseMember.objects.filter(case=case).count() == 3


def test_a_village_head_proposes_a_household_only_where_the_round_widens_the_scope(client, review):
    household = make_household(review["village"], "HH-P", members=2)
    client.force_login(review["personas"]["village_head"])
    url = reverse("reviews:case_propose", args=[review["round"].pk, review["village"].code])
    response = client.post(url, {"household_code": "HH-P"}, follow=True)
    assert "không cho phép đề xuất thêm hộ" in response.content.decode()
    assert not Case.objects.filter(household=household).exists()
    review["round"].widen_scope = True
    review["round"].save()
    response = client.post(url, {"household_code": "HH-P"})
    case = Case.objects.get(household=household)
    assert case.inclusion == "proposed" and response["Location"] == reverse("reviews:case_detail", args=[case.pk])
    assert client.post(url, {"household_code": "HH-C"}, follow=True).status_code == 200  # another village: not found
    assert not Case.objects.filter(household__code="HH-C", inclusion="proposed").exists()
