"""The survey page's phone aids, server side (issue 14): the error summary after a failed save, the result bar
(and its refresh with the live result), the local draft's key. The browser journey is tests/e2e/test_phone_survey.py."""

import re

import pytest
from django.urls import reverse

from tests.reviews.conftest import survey
from tests.reviews.test_survey_views import HOUSING, INCOME, members_post, post_section

pytestmark = pytest.mark.django_db


def screened(client, review):
    head = review["personas"]["village_head"]
    client.force_login(head)
    case = review["cases"]["a"]
    client.post(reverse("reviews:case_screen", args=[case.pk]), {"read_version": case.version})
    case.refresh_from_db()
    return case


def test_a_failed_save_opens_on_a_summary_linking_each_error_to_its_field(client, review):
    case = screened(client, review)
    client.post(reverse("reviews:case_survey", args=[case.pk, "members"]), members_post(case))
    response = post_section(client, case, "housing", {**HOUSING, "durable_walls": "on", "floor_area_m2": "0"})
    body = response.content.decode()
    summary = re.search(r'<div class="alert alert-danger error-summary" id="error-summary".*?</div>', body, re.S)
    assert summary, "no error summary"
    assert "Chưa lưu: hãy sửa 1 chỗ dưới đây." in summary.group(0)
    assert 'href="#id_floor_area_m2"' in summary.group(0) and "10.000 m²" in summary.group(0)
    # What was typed stays in the form, and the draft script knows the page holds it already.
    assert re.search(r'<input[^>]*name="durable_walls"[^>]*checked', body)
    assert "data-draft-bound" in body
    # A page that saved nothing wrong has no summary.
    assert 'id="error-summary"' not in client.get(reverse("reviews:case_survey", args=[case.pk, "housing"])).content.decode()


def test_a_member_card_error_names_the_member_in_the_summary(client, review):
    case = screened(client, review)
    data = members_post(case)
    data["m-0-date_of_birth"] = "2999-01-01"
    body = client.post(reverse("reviews:case_survey", args=[case.pk, "members"]), data).content.decode()
    summary = re.search(r'id="error-summary".*?</div>', body, re.S).group(0)
    name = case.members.order_by("id").first().full_name
    assert f"{name} · " in summary and 'href="#id_m-0-date_of_birth"' in summary


def test_the_result_bar_shows_the_official_standards_result_and_follows_the_live_result(client, review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    client.force_login(head)
    page = client.get(reverse("reviews:case_survey", args=[case.pk, "income"])).content.decode()
    bar = re.search(r'<div id="result-bar".*?</div>', page, re.S).group(0)
    # 30 million a year for 3 people: 833.333 đồng a person a month, poor by the national standard.
    assert "Hộ nghèo" in bar and "833.333 đồng/người/tháng" in bar and "hx-swap-oob" not in bar
    assert f'data-draft-key="{head.pk}:{case.pk}:income"' in page and f'data-draft-version="{case.version}"' in page
    rich = {**INCOME, "income_wages": "900000000", "read_version": str(case.version)}
    preview = client.post(reverse("reviews:case_preview", args=[case.pk, "income"]), rich, HTTP_HX_REQUEST="true")
    live_bar = re.search(r'<div id="result-bar".*?</div>', preview.content.decode(), re.S).group(0)
    assert 'hx-swap-oob="true"' in live_bar and "Hộ nghèo" not in live_bar and "25.000.000" in live_bar


def test_an_unanswered_income_reads_provisional_in_the_bar(client, review):
    case = screened(client, review)
    client.post(reverse("reviews:case_survey", args=[case.pk, "members"]), members_post(case))
    page = client.get(reverse("reviews:case_survey", args=[case.pk, "income"])).content.decode()
    bar = re.search(r'<div id="result-bar".*?</div>', page, re.S).group(0)
    assert "Tạm tính" in bar and "chưa có thu nhập" in bar


def whole_form(case, **changes):
    """The one-page form's POST: the members as they are and every section answered (poor: 30 million)."""
    from tests.reviews.test_survey_views import HOUSING, INFORMATION, WATER

    data = {**members_post(case), **HOUSING, **WATER, "household_waste": "collected", **INFORMATION, **INCOME}
    data["digital_services"] = "uses_digital_services"
    data.update(changes)
    return data


def test_the_whole_form_saves_members_and_every_section_at_once(client, review):
    from reviews.models import Transition

    review["round"].standards.add(review["standards"]["national-2027"])  # asks two answers kept outside columns
    case = screened(client, review)
    page = client.get(reverse("reviews:case_form", args=[case.pk])).content.decode()
    for section in ("members", "housing", "water", "information", "income"):
        assert f'id="section-{section}"' in page
    response = client.post(reverse("reviews:case_form", args=[case.pk]), whole_form(case))
    assert response.status_code == 302 and response["Location"] == reverse("reviews:case_detail", args=[case.pk])
    case.refresh_from_db()
    assert case.status == "surveyed" and case.result_class == "poor" and case.income_wages == 30_000_000
    assert set(case.sections_done) == {"members", "housing", "water", "information", "income"}
    # The answers kept outside columns (two sections have one each) are all there, none overwritten.
    assert (case.answers["household_waste"], case.answers["digital_services"]) == ("collected", "uses_digital_services")
    saved = Transition.objects.filter(case=case, action="case_survey").values_list("data__section", flat=True)
    assert sorted(saved) == ["housing", "income", "information", "members", "water"]


def test_a_bad_answer_anywhere_on_the_whole_form_saves_nothing_and_keeps_the_typing(client, review):
    case = screened(client, review)
    before = case.version
    response = client.post(
        reverse("reviews:case_form", args=[case.pk]), whole_form(case, floor_area_m2="0", income_wages="36.000.000")
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'href="#id_floor_area_m2"' in body
    assert 'value="36.000.000"' in body
    case.refresh_from_db()
    assert case.version == before and case.income_wages is None and case.floor_area_m2 is None


def test_a_stale_whole_form_is_refused_whole(client, review):
    case = screened(client, review)
    data = whole_form(case)
    data["read_version"] = str(case.version - 1)
    body = client.post(reverse("reviews:case_form", args=[case.pk]), data).content.decode()
    assert 'id="error-summary"' in body
    case.refresh_from_db()
    assert case.income_wages is None and case.sections_done == []


def test_the_whole_forms_live_result_reads_every_section(client, review):
    case = screened(client, review)
    response = client.post(reverse("reviews:case_form_preview", args=[case.pk]), whole_form(case), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Hộ nghèo" in body and "Tạm tính" not in body
    case.refresh_from_db()
    assert case.income_wages is None
