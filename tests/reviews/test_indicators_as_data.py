"""Issue 13: indicators as data, the 2027 standard's new indicators in a 2026 round, unfinished surveys."""

import json

import pytest

from policies import explain
from policies.models import PovertyStandard
from policies.services import standards_load
from reviews import dashboards, reports, services
from reviews.forms_survey import SECTION_FORMS
from reviews.models import Case, CaseResult
from tests.reviews.conftest import POOR_SECTIONS, survey

# An indicator no code names: its key, rule parameters and name are data; its fact is declared.
DATA_ONLY_STANDARD = {
    "code": "city-test-2027",
    "name": "Chuẩn thử nghiệm",
    "legal_basis": "Thử nghiệm",
    "source": "test",
    "valid_from": "2022-01-01",
    "valid_to": None,
    "thresholds": {"urban": {"income_line": 2_000_000}, "rural": {"income_line": 1_500_000}},
    "deprivation_cutoff": 3,
    "confidence": {},
    "is_demo": False,
    "notes": "",
    "quick_screen_items": [],
    "indicators": [
        {
            "key": "waste_burned_or_dumped",
            "dimension": "water_sanitation",
            "name": "Đốt hoặc vứt rác bừa bãi",
            "rule": "household_answer_in",
            "params": {"fact": "household_waste", "values": ["burned", "discarded"], "deprived_when": "in"},
        },
        {
            "key": "hygienic_latrine",
            "dimension": "water_sanitation",
            "name": "Nhà tiêu hợp vệ sinh",
            "rule": "hygienic_latrine",
            "params": {"acceptable": ["septic"]},
        },
    ],
}


@pytest.fixture
def data_only_round(review, tmp_path):
    path = tmp_path / "standards.json"
    path.write_text(json.dumps([DATA_ONLY_STANDARD], ensure_ascii=False), encoding="utf-8")
    assert standards_load(path=path) == ["city-test-2027"]
    standard = PovertyStandard.objects.get(code="city-test-2027")
    round_ = review["round"]
    round_.standards.add(standard)
    round_.primary_standard = standard
    round_.save()
    return {**review, "standard": standard}


WATER_BURNED = {**POOR_SECTIONS, "water": {**POOR_SECTIONS["water"], "answers": {"household_waste": "burned"}}}


def test_an_indicator_added_as_data_is_asked_counted_explained_tallied_and_reported(data_only_round):
    w = data_only_round
    case = w["cases"]["a"]
    asked = services.facts_asked(w["round"])
    form = SECTION_FORMS["water"](instance=case, asked=asked, initial={"read_version": case.version})
    assert "household_waste" in form.fields  # asked by the survey, in the section the declaration names
    assert [v for v, _ in form.fields["household_waste"].choices][:2] == ["collected", "treated_on_site"]

    survey(case, w["personas"]["village_head"], sections=WATER_BURNED)
    result = CaseResult.objects.get(case=case, standard=w["standard"])
    assert "waste_burned_or_dumped" in result.deprived_keys
    explained = [r for d in result.explanation["deprivations"] if d["key"] == "waste_burned_or_dumped" for r in d["reasons"]]
    assert explained and explained[0]["params"] == {"question": "household_waste", "answer": "burned"}
    shares, poor, near = dashboards.deprivation(w["round"], w["district"], w["standard"])
    assert {s.name: s.poor + s.near_poor for s in shares}["Đốt hoặc vứt rác bừa bãi"] == 1
    report = reports.deprivation_report(w["round"], w["district"])
    assert any(row[0] == "Đốt hoặc vứt rác bừa bãi" and row[1] + row[3] == 1 for row in list(report.rows)[:-1])


def test_the_survey_saves_an_answer_with_no_column_in_the_answers_document_and_refuses_an_unknown_value(data_only_round):
    w = data_only_round
    case = survey(w["cases"]["a"], w["personas"]["village_head"], sections=WATER_BURNED)
    assert case.answers == {"household_waste": "burned"}
    with pytest.raises(Exception, match="household_waste"):
        services.case_save_section(
            case=case,
            user=w["personas"]["village_head"],
            section="water",
            values={"answers": {"household_waste": "into_the_sea"}},
            read_version=case.version,
        )


def test_a_household_surveyed_in_the_2026_round_is_classified_under_national_2027_with_the_new_indicators(review):
    w = review
    national_2027 = w["standards"]["national-2027"]
    w["round"].standards.add(national_2027)
    case = w["cases"]["a"]
    asked = services.facts_asked(w["round"])
    assert {"digital_services", "household_waste"} <= asked
    sections = {
        **POOR_SECTIONS,
        "water": {**POOR_SECTIONS["water"], "answers": {"household_waste": "discarded"}},
        "information": {
            **POOR_SECTIONS["information"],
            "answers": {"household_waste": "discarded", "digital_services": "no_internet"},
        },
    }
    survey(case, w["personas"]["village_head"], sections=sections)
    result = CaseResult.objects.get(case=case, standard=national_2027)
    assert {"digital_services", "household_waste"} <= set(result.deprived_keys)
    assert "information_devices" not in result.deprived_keys
    rows = services.case_results_now(case)
    by_code = {s.code: r for s, r in rows}
    sentences = [s for d in explain.explain_result(by_code["national-2027"])["deprivations"] for s in d["reasons"]]
    assert any("internet" in s for s in sentences) and any("rác" in s for s in sentences)
    # The 2027 average-living band is not set: no 0 is shown, the reason says it is not set.
    assert by_code["national-2027"].average_upper is None


def test_an_unfinished_survey_is_not_classified_on_defaults_and_names_the_missing_answers(data_only_round):
    w = data_only_round
    case = w["cases"]["a"]
    case.refresh_from_db()
    user = w["personas"]["village_head"]
    services.case_screen(case=case, user=user, items_met=[], read_version=case.version)
    case.refresh_from_db()
    services.case_save_section(case=case, user=user, section="members", values={}, read_version=case.version)
    case.refresh_from_db()
    result = CaseResult.objects.get(case=case, standard=w["standard"])
    assert result.household_class == "" and case.result_class == ""
    assert result.explanation["missing_answers"] == ["latrine", "household_waste", "income_12m"]
    assert case.status == Case.Status.TO_SURVEY
