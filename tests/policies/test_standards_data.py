from datetime import date

import pytest
from django.core.exceptions import ValidationError

from policies import classification as engine
from policies.models import PovertyStandard
from policies.services import standard_lock, standard_new_version, standard_update, standards_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def standards():
    standards_load()
    return {s.code: s for s in PovertyStandard.objects.prefetch_related("indicators")}


def test_the_shipped_standards_load_once_with_their_sources(standards):
    assert set(standards) == {"national-2022", "national-2027", "city-danang"}
    national = standards["national-2022"]
    assert (national.rural_income_line, national.urban_income_line, national.deprivation_cutoff) == (1_500_000, 2_000_000, 3)
    assert national.indicators.count() == 12
    assert "07/2021" in national.legal_basis
    assert national.confidence_of("income_line") == "H"
    assert standards_load() == []


def test_the_city_standard_has_no_lines_until_the_city_enters_them(standards):
    city = standards["city-danang"]
    assert city.urban_income_line is None and city.deprivation_cutoff is None
    assert city.to_spec().thresholds["urban"] is None


def test_switching_the_reference_date_to_2027_switches_the_national_standard_with_no_code_change(standards):
    national = PovertyStandard.objects.filter(scope="national")
    assert [s.code for s in national.active_on(date(2026, 12, 31))] == ["national-2022"]
    assert [s.code for s in national.active_on(date(2027, 1, 1))] == ["national-2027"]
    specs = [s.to_spec() for s in standards.values()]
    assert [s.code for s in engine.active_standards(specs, date(2027, 1, 1)) if "national" in s.code] == ["national-2027@v1"]


def test_a_new_version_keeps_the_old_one_untouched(standards, django_user_model):
    user = django_user_model.objects.create_user("city")
    city = standards["city-danang"]
    new = standard_new_version(
        standard=city,
        user=user,
        reason="Nghị quyết của HĐND thành phố",
        changes={"urban_income_line": 2_500_000, "rural_income_line": 2_000_000, "deprivation_cutoff": 3},
    )
    city.refresh_from_db()
    assert (new.version, new.urban_income_line, new.indicators.count()) == (2, 2_500_000, 12)
    assert city.urban_income_line is None and city.superseded_by == new
    assert new.history.first().history_change_reason == "Nghị quyết của HĐND thành phố"
    with pytest.raises(ValidationError):
        standard_new_version(standard=city, user=user, reason="again", changes={})


def test_a_version_used_by_a_closed_round_cannot_be_edited_in_place(standards, django_user_model):
    national = standards["national-2022"]
    standard_lock(standard=national)
    with pytest.raises(ValidationError):
        standard_update(standard=national, user=None, reason="x", changes={"urban_income_line": 1})


def test_a_new_version_with_an_income_line_above_its_band_is_refused(standards):
    with pytest.raises(ValidationError):
        standard_new_version(
            standard=standards["national-2022"], user=None, reason="typo", changes={"urban_income_line": 3_500_000}
        )


def test_an_unlocked_version_is_corrected_in_place_with_the_reason_in_its_history(standards, django_user_model):
    city = standards["city-danang"]
    standard_update(
        standard=city, user=None, reason="Số liệu của Sở", changes={"urban_income_line": 2_600_000, "deprivation_cutoff": 3}
    )
    city.refresh_from_db()
    assert city.version == 1 and city.urban_income_line == 2_600_000
    assert city.history.first().history_change_reason == "Số liệu của Sở"
