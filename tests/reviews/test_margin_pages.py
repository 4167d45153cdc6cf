"""What would change the result, read in Vietnamese on the case, the calculator, the certificate's
back-office panel and the complaint (re-check) page."""

import re
from datetime import date

import pytest
from django.urls import reverse

from reviews.models import CaseResult, Complaint, OfficialStatus
from tests.policies.test_calculator import poor_household
from tests.reviews.conftest import survey

pytestmark = pytest.mark.django_db

# 3 members, 30.000.000 đồng a year in an urban ward; the 2022 urban line is 2.000.000 đồng a month:
# 2.000.000 × 12 × 3 − 30.000.000 + 1 = 42.000.001 đồng a year lifts it; 42.000.001 / 36 rounded up.
LIFT = "Thu nhập thêm 1.166.667 đồng/người/tháng (42.000.001 đồng cả hộ trong 12 tháng) thì vượt chuẩn 2.000.000 đồng/người/tháng, không còn là hộ nghèo"
ROUNDING = "Số tiền mỗi người mỗi tháng được làm tròn lên đến đồng"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def fewer_sentence(case) -> str:
    result = CaseResult.objects.get(case=case, standard=case.round.primary_standard)
    assert result.household_class == "poor"
    fewer = result.deprivation_count - result.explanation["cutoff"] + 1
    return f"Bớt {fewer} chỉ số thiếu hụt thì là hộ cận nghèo (ngưỡng 3 chỉ số)"


def test_the_case_page_says_how_much_more_income_and_how_many_fewer_deprivations_change_the_class(client_for, review):
    p = review["personas"]
    case = survey(review["cases"]["a"], p["village_head"])
    page = text(client_for(p["village_head"]).get(reverse("reviews:case_detail", args=[case.pk])))
    assert "Điều gì làm thay đổi kết quả" in page
    assert LIFT in page
    assert fewer_sentence(case) in page
    assert ROUNDING in page


def test_the_calculator_says_how_far_a_near_poor_household_is_from_poor(client_for, personas, standards):
    # One rural member, 1.000.000 đồng a year, in a sound house, using telecom, insured, working, with a
    # hygienic latrine: deprived on water alone, so near-poor, 2 short of the cut-off of 3.
    data = poor_household(
        durable_parts=["walls", "columns", "roof"],
        uses_telecom="on",
        devices=["tv"],
        latrine="septic",
        **{"members-0-has_health_insurance": "on", "members-0-employment": "self_employed"},
    )
    page = text(client_for(personas["village_head"]).post(reverse("policies:calculator"), data))
    card = re.search(r'<article[^>]*data-standard="national-2022".*?</article>', page).group(0)
    assert "Hộ cận nghèo" in card
    assert "Thiếu hụt thêm 2 chỉ số thì là hộ nghèo (ngưỡng 3 chỉ số)" in card
    # Rural line 1.500.000 đồng: 1.500.000 × 12 − 1.000.000 + 1 = 17.000.001 đồng; / 12 rounded up.
    assert "Thu nhập thêm 1.416.667 đồng/người/tháng (17.000.001 đồng cả hộ trong 12 tháng)" in card


def test_the_calculator_says_how_far_above_the_line_a_household_is(client_for, personas, standards):
    data = poor_household(income_wages=str(1_620_000 * 12))  # 120.000 đồng a month above the rural line
    page = text(client_for(personas["village_head"]).post(reverse("policies:calculator"), data))
    card = re.search(r'<article[^>]*data-standard="national-2022".*?</article>', page).group(0)
    assert (
        "Thu nhập cao hơn chuẩn 120.000 đồng/người/tháng (chuẩn 1.500.000 đồng; 1.440.000 đồng cả hộ trong 12 tháng), thấp hơn chừng ấy thì là hộ nghèo"
        in card
    )


def _status(case, review):
    return OfficialStatus.objects.create(
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


def test_the_certificate_page_shows_the_margins_off_the_printed_sheet(client_for, review):
    p = review["personas"]
    case = survey(review["cases"]["a"], p["village_head"])
    status = _status(case, review)
    page = text(client_for(p["ward_officer"]).get(reverse("reviews:certificate", args=[status.pk])))
    assert "GIẤY CHỨNG NHẬN HỘ NGHÈO" in page
    panel = re.search(r'<div class="[^"]*d-print-none[^"]*">.*?</div>', page, re.S).group(0)
    assert LIFT in panel and fewer_sentence(case) in panel


def test_a_result_stored_without_the_band_reason_still_gets_its_margins(client_for, review):
    """Results saved before this change hold only the numbers of result_as_data: enough."""
    p = review["personas"]
    case = survey(review["cases"]["a"], p["village_head"])
    stored = CaseResult.objects.get(case=case, standard=case.round.primary_standard)
    keep = ("household_class", "total_income_12m", "member_count", "income_line", "cutoff", "deprivation_count")
    stored.explanation = {k: stored.explanation[k] for k in keep}
    stored.save()
    status = _status(case, review)
    page = text(client_for(p["ward_officer"]).get(reverse("reviews:certificate", args=[status.pk])))
    assert LIFT in page


def test_the_complaint_page_shows_what_would_change_the_result(client_for, review):
    p = review["personas"]
    case = survey(review["cases"]["a"], p["village_head"])
    complaint = Complaint.objects.create(
        case=case,
        received_on=date(2026, 11, 5),
        complainant="Lê Thị B",
        content="Hộ có xe ô tô",
        recheck_due_on=date(2026, 11, 20),
        recorded_by=p["ward_officer"],
    )
    kwargs = {"round_id": review["round"].pk, "ward_code": review["ward"].code, "complaint_id": complaint.pk}
    page = text(client_for(p["ward_officer"]).get(reverse("reviews:complaint_resolve", kwargs=kwargs)))
    assert "Hộ có xe ô tô" in page
    assert LIFT in page and fewer_sentence(case) in page
