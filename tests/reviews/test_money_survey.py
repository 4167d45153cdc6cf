"""Money in the survey: what is typed is what is saved, an unanswered income is not 0, and a result
is provisional ("tạm tính") until every answer its standards need is in."""

from datetime import date

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import Case, CaseResult, Transition
from tests.reviews.conftest import POOR_SECTIONS, survey
from tests.reviews.test_survey_views import INCOME, post_section

pytestmark = pytest.mark.django_db

NO_OTHER_INCOME = {name: "Không có" for name in INCOME if name != "income_wages"}


@pytest.fixture(autouse=True)
def pinned_today(today_is):
    return today_is(date(2026, 11, 2))


def surveyed_but_income(case, head):
    """Every section saved except income (never opened)."""
    case.refresh_from_db()
    services.case_screen(case=case, user=head, items_met=[], read_version=case.version)
    for section in ("members", "housing", "water", "information"):
        case.refresh_from_db()
        services.case_save_section(
            case=case, user=head, section=section, values=dict(POOR_SECTIONS.get(section, {})), read_version=case.version
        )
    case.refresh_from_db()
    assert "income" not in case.sections_done
    return case


@pytest.mark.parametrize("typed", ["36.000.000", "36000000", "36 000 000", "36 triệu", "36tr"])
def test_a_survey_post_of_36_million_saves_36_million_dong(client, review, typed):
    head = review["personas"]["village_head"]
    case = surveyed_but_income(review["cases"]["a"], head)
    client.force_login(head)
    response = post_section(client, case, "income", {**NO_OTHER_INCOME, "income_wages": typed})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.income_wages == 36_000_000
    assert case.income_other == 0 and case.status == Case.Status.SURVEYED


def test_what_a_number_field_sends_for_36_million_is_refused_and_never_saved_as_36(client, review):
    head = review["personas"]["village_head"]
    case = surveyed_but_income(review["cases"]["a"], head)
    client.force_login(head)
    response = post_section(client, case, "income", {**NO_OTHER_INCOME, "income_wages": "36.000000"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "không rõ nghĩa" in body and "36.000.000" in body
    case.refresh_from_db()
    assert case.income_wages is None and "income" not in case.sections_done


def test_an_income_left_empty_gives_a_provisional_result_naming_the_missing_answer(client, review):
    head = review["personas"]["village_head"]
    case = surveyed_but_income(review["cases"]["a"], head)
    client.force_login(head)
    # Wages typed, the other sources left empty: saved, but the income is not answered.
    response = post_section(client, case, "income", {"income_wages": "12.000.000"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.income_wages == 12_000_000 and case.income_pension is None
    assert set(services.SURVEY_SECTIONS) <= set(case.sections_done)
    assert (case.status, case.result_class, case.movement) == (Case.Status.TO_SURVEY, "", "")
    result = CaseResult.objects.get(case=case, standard=review["round"].primary_standard)
    assert result.household_class == ""
    assert "income_12m" in result.explanation["missing_answers"]
    page = client.get(reverse("reviews:case_detail", args=[case.pk])).content.decode()
    assert "Tạm tính" in page and "Còn thiếu" in page
    assert "Thu nhập 12 tháng qua" in page or "Thu nhập trong 12 tháng qua" in page
    assert "chưa trả lời" in page  # no income per person is made up from empty boxes
    assert "result-class" not in page  # no class is shown as the household's


def test_a_skipped_income_section_never_classifies_the_household_as_poor(review):
    head = review["personas"]["village_head"]
    case = surveyed_but_income(review["cases"]["a"], head)
    assert case.result_class == ""
    rows = services.case_results_now(case)
    national = next(result for standard, result in rows if standard.code == "national-2022")
    assert national.household_class is None and national.provisional_class is None
    assert "income_12m" in national.missing_answers


def test_khong_co_is_an_explicit_zero_and_completes_the_answer(client, review):
    head = review["personas"]["village_head"]
    case = surveyed_but_income(review["cases"]["a"], head)
    client.force_login(head)
    none = {name: "0" for name in INCOME}
    none["income_wages"] = "Không có"
    assert post_section(client, case, "income", none).status_code == 302
    case.refresh_from_db()
    assert [getattr(case, f"income_{s}") for s in Case.INCOME_FIELDS] == [0] * len(Case.INCOME_FIELDS)
    assert case.status == Case.Status.SURVEYED and case.result_class == "poor"


def test_the_income_page_shows_empty_boxes_with_a_none_button_and_the_amount_as_read(client, review):
    head = review["personas"]["village_head"]
    case = surveyed_but_income(review["cases"]["a"], head)
    client.force_login(head)
    page = client.get(reverse("reviews:case_survey", args=[case.pk, "income"])).content.decode()
    assert 'type="number"' not in page
    assert 'name="income_wages"' in page and 'value="0"' not in page
    assert 'data-money-none="id_income_wages"' in page and "data-money-rest-none" in page
    services.case_save_section(
        case=case, user=head, section="income", values=dict(POOR_SECTIONS["income"]), read_version=case.version
    )
    page = client.get(reverse("reviews:case_survey", args=[case.pk, "income"])).content.decode()
    # 30 million a year for 3 people: 833.333 đ per person per month.
    assert 'value="30.000.000"' in page and "Hiểu là 30.000.000 đ" in page and "833.333 đ/người/tháng" in page


def test_a_small_amount_for_a_whole_year_is_saved_only_once_the_head_confirms_it(client, review):
    head = review["personas"]["village_head"]
    case = surveyed_but_income(review["cases"]["a"], head)
    client.force_login(head)
    response = post_section(client, case, "income", {**NO_OTHER_INCOME, "income_wages": "36.000"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "36.000 đ cho cả năm là rất ít" in body
    assert 'name="confirm_small_amounts"' in body
    case.refresh_from_db()
    assert case.income_wages is None
    # The live result does not wait for the confirmation.
    preview = client.post(
        reverse("reviews:case_preview", args=[case.pk, "income"]),
        {**NO_OTHER_INCOME, "income_wages": "36.000", "read_version": str(case.version)},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "rất ít" not in preview and "Hộ" in preview
    response = post_section(client, case, "income", {**NO_OTHER_INCOME, "income_wages": "36.000", "confirm_small_amounts": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.income_wages == 36_000


def test_an_ordinary_amount_asks_for_no_confirmation(client, review):
    head = review["personas"]["village_head"]
    case = surveyed_but_income(review["cases"]["a"], head)
    client.force_login(head)
    response = post_section(client, case, "income", {**NO_OTHER_INCOME, "income_wages": "100.000"})
    assert response.status_code == 302


def test_emptying_an_income_box_of_a_surveyed_case_makes_it_provisional_again(review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    assert case.status == Case.Status.SURVEYED and case.result_class == "poor"
    services.case_save_section(
        case=case,
        user=head,
        section="income",
        values={**POOR_SECTIONS["income"], "income_pension": None},
        read_version=case.version,
    )
    case.refresh_from_db()
    assert (case.status, case.result_class) == (Case.Status.TO_SURVEY, "")
    log = Transition.objects.filter(case=case, action="case_incomplete").get()
    assert log.data["missing"] == ["income_12m"]


def test_the_village_list_shows_provisional_versus_done(client, review):
    head = review["personas"]["village_head"]
    surveyed_but_income(review["cases"]["a"], head)
    survey(review["cases"]["b"], head)
    client.force_login(head)
    page = client.get(reverse("reviews:village_cases", args=[review["round"].pk, review["village"].code])).content.decode()
    a_row = page.split("HH-A", 1)[1].split("</li>", 1)[0]
    b_row = page.split("HH-B", 1)[1].split("</li>", 1)[0]
    assert 'data-case-state="provisional"' in a_row and "Tạm tính" in a_row and "Thu nhập" in a_row
    assert 'data-case-state="done"' in b_row and "Tạm tính" not in b_row and "Hộ nghèo" in b_row


def test_the_village_list_costs_the_same_queries_whatever_its_length(client, review, django_assert_max_num_queries):
    head = review["personas"]["village_head"]
    surveyed_but_income(review["cases"]["a"], head)
    survey(review["cases"]["b"], head)
    client.force_login(head)
    url = reverse("reviews:village_cases", args=[review["round"].pk, review["village"].code])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_migration_makes_the_default_zero_of_an_unsaved_income_section_unanswered(review):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    # What the data steps use of the migration's schema editor (a real one cannot open inside a test's transaction).
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    migration = importlib.import_module("reviews.migrations.0007_case_income_unanswered")
    head = review["personas"]["village_head"]
    done = survey(review["cases"]["a"], head)
    untouched = review["cases"]["b"]
    Case.objects.filter(pk=untouched.pk).update(**dict.fromkeys(Case.INCOME_FIELDS.values(), 0))  # the old default
    migration.unanswered_income_is_null(apps, editor)
    assert Case.objects.get(pk=untouched.pk).income_wages is None
    assert Case.objects.get(pk=done.pk).income_wages == 30_000_000
    assert Case.objects.get(pk=done.pk).income_other == 0  # an answered 0 stays 0
    migration.unanswered_income_is_zero(apps, editor)
    assert Case.objects.get(pk=untouched.pk).income_wages == 0
