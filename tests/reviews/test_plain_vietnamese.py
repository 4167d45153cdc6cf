"""Plain Vietnamese for village heads (issue 14 item 8): every page a village head sees reads in
Vietnamese only, without the confidence tags and source notes of the standards' data; areas are
"m²/người", money whole đồng. Officers still see the sources, in Vietnamese."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from policies.facts import SECTION_KEYS
from policies.templatetags.policies_tags import vnd
from reviews.models import CaseResult, Complaint
from tests.reviews.conftest import POOR_SECTIONS, survey
from tests.reviews.test_survey_views import members_post

pytestmark = pytest.mark.django_db

# English a page must not show a village head: UI words, tags and notes of the data. Word-bounded and
# case-sensitive, so that Vietnamese words ("Nông", "Nam") and names never match.
ENGLISH = [
    r"\[not",
    r"\bnot (?:set|confirmed)\b",
    r"\[(?:H|M-H|M|L-M|L)\]",
    r"\b[Vv]ersion\b",
    r"\b[Cc]onfidence\b",
    r"\b[Ss]ource\b",
    r"\bDecree\b",
    r"\bAnnex\b",
    r"\bindicator\b",
    r"\bSave\b",
    r"\bDelete\b",
    r"\bEdit\b",
    r"\bCancel\b",
    r"\bBack\b",
    r"\bNext\b",
    r"\bYes\b",
    r"\bNo\b ",
    r"\bError\b",
    r"\brequired\b",
    r"\bNone\b",
    r"\bTrue\b",
    r"\bFalse\b",
    r"\bN/A\b",
    r"\bTODO\b",
    r"\bthe\b",
    r"\band\b",
    r"\bof\b",
    r"\{#|#\}|\{%|%\}|\{\{|\}\}",  # template syntax that leaked into the page
]
ENGLISH_RE = re.compile("|".join(f"(?:{word})" for word in ENGLISH))


def visible_text(response) -> str:
    """The page as a reader sees it: scripts, styles, comments and tags dropped, entities read."""
    body = response.content.decode()
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>|<!--.*?-->", " ", body)
    body = re.sub(r"(?s)<[^>]+>", " ", body)
    return " ".join(html.unescape(body).split())


def english_in(text: str) -> list[str]:
    return sorted({match.group(0) for match in ENGLISH_RE.finditer(text)})


def surveyed(review, income_wages=30_000_000):
    head = review["personas"]["village_head"]
    sections = {**POOR_SECTIONS, "income": {**POOR_SECTIONS["income"], "income_wages": income_wages}}
    return survey(review["cases"]["a"], head, sections)


def village_head_pages(review, case):
    household = case.household.code
    pages = {
        "home": reverse("home"),
        "household list": reverse("households:list"),
        "household": reverse("households:detail", args=[household]),
        "household edit": reverse("households:edit", args=[household]),
        "household reviews": reverse("reviews:household_reviews", args=[household]),
        "village list": reverse("reviews:village_cases", args=[review["round"].pk, review["village"].code]),
        "case": reverse("reviews:case_detail", args=[case.pk]),
        "quick screen": reverse("reviews:case_screen", args=[case.pk]),
        "standard": reverse("policies:standard_detail", args=[review["standards"]["national-2022"].pk]),
    }
    for section in SECTION_KEYS:
        pages[f"survey: {section}"] = reverse("reviews:case_survey", args=[case.pk, section])
    return pages


def test_every_page_a_village_head_sees_is_in_vietnamese_without_tags_or_source_notes(client, review):
    case = surveyed(review)
    Complaint.objects.create(
        case=case,
        received_on=date(2026, 10, 1),
        complainant="Lê Thị B",
        content="Thu nhập khai thấp",
        recheck_due_on=date(2026, 10, 10),
        recorded_by=review["personas"]["ward_officer"],
    )
    client.force_login(review["personas"]["village_head"])
    found = {}
    for name, url in village_head_pages(review, case).items():
        response = client.get(url)
        assert response.status_code == 200, name
        words = english_in(visible_text(response))
        if words:
            found[name] = words
    assert "Lê Thị B" in visible_text(client.get(reverse("reviews:case_detail", args=[case.pk])))
    assert not found, found


@pytest.mark.parametrize("section", SECTION_KEYS)
def test_the_live_result_panel_of_every_section_is_plain_vietnamese(client, review, section):
    case = surveyed(review)
    client.force_login(review["personas"]["village_head"])
    if section == "members":
        data = members_post(case)
    else:
        data = {"read_version": case.version, **{k: v for k, v in POOR_SECTIONS[section].items() if v is not False}}
    response = client.post(reverse("reviews:case_preview", args=[case.pk, section]), data)
    assert response.status_code == 200
    text = visible_text(response)
    assert english_in(text) == []
    assert "Giá trị áp dụng" in text  # the panel itself, with its deprivations


def test_the_floor_area_per_person_reads_square_metres_per_person_never_dong(client, review):
    case = surveyed(review)
    client.force_login(review["personas"]["village_head"])
    text = visible_text(client.get(reverse("reviews:case_detail", args=[case.pk])))
    # 20 m² for 3 members: 6,66 m² per person (rounded down), under the minimum of 8 m².
    assert "6,66 m²/người" in text
    assert "đồng m²" not in text and "6,66 đồng" not in text


def test_money_is_shown_in_whole_dong_and_stored_exactly(client, review):
    # 160 million a year for 3 members: 4.444.444,44 đồng per person per month.
    case = surveyed(review, income_wages=160_000_000)
    national = CaseResult.objects.get(case=case, standard=review["standards"]["national-2022"])
    assert national.income_per_person_month == Decimal("4444444.44")
    client.force_login(review["personas"]["village_head"])
    text = visible_text(client.get(reverse("reviews:case_detail", args=[case.pk])))
    assert "4.444.444 đồng" in text
    assert "4.444.444,44" not in text and not re.search(r"\d,\d\d đồng", text)


def test_the_money_filter_rounds_half_up_and_never_shows_an_amount_above_a_line_as_the_line():
    with translation.override("vi"):
        assert vnd(Decimal("4444444.44")) == "4.444.444 đồng"
        assert vnd(Decimal("833333.50")) == "833.334 đồng"
        assert vnd(1_500_000) == "1.500.000 đồng"
        # Above the line by 40 xu: not "2.000.000 đồng, above the line of 2.000.000 đồng".
        assert vnd(Decimal("2000000.40"), 2_000_000) == "2.000.001 đồng"
        assert vnd(Decimal("1999999.60"), 2_000_000) == "2.000.000 đồng"


def test_officers_still_see_the_sources_and_confidence_in_vietnamese(client, review):
    case = surveyed(review)
    client.force_login(review["personas"]["ward_officer"])
    text = visible_text(client.get(reverse("reviews:case_detail", args=[case.pk])))
    assert "[H]" in text and "[M-H]" in text
    assert "Nghị định 07/2021/NĐ-CP, Phụ lục, chỉ số 8" in text
    assert "Decree" not in text and "indicator" not in text
