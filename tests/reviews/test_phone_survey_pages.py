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
