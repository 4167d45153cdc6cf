"""Standards pages: everyone with a role reads; city officers and administrators change, with a reason."""

import re
from datetime import date

import pytest
from django.urls import reverse

from policies.models import PovertyStandard
from policies.selectors import standard_revision
from policies.services import standard_lock, standards_load


@pytest.fixture
def standards(db):
    standards_load()
    return {s.code: s for s in PovertyStandard.objects.all()}


def change_data(standard, **overrides) -> dict:
    data = {
        "name": standard.name,
        "legal_basis": standard.legal_basis,
        "source": standard.source,
        "valid_from": standard.valid_from.isoformat(),
        "valid_to": standard.valid_to.isoformat() if standard.valid_to else "",
        "urban_income_line": standard.urban_income_line or "",
        "urban_average_upper": standard.urban_average_upper or "",
        "rural_income_line": standard.rural_income_line or "",
        "rural_average_upper": standard.rural_average_upper or "",
        "deprivation_cutoff": standard.deprivation_cutoff or "",
        "notes": standard.notes,
        "seen_revision": standard_revision(standard.pk),
        "reason": "Nghị quyết 99/2026/NQ-HĐND",
    }
    data.update(overrides)
    return data


def test_the_list_shows_every_version_with_its_status_and_lines(client_for, personas, standards, today_is):
    today_is(date(2026, 12, 3))  # the status of each version is as of today: Decree 351's lines start in 2027
    response = client_for(personas["city_officer"]).get(reverse("policies:standard_list"))
    html = response.content.decode()
    assert response.status_code == 200
    for standard in standards.values():
        assert standard.name in html
    assert "1.500.000 đồng" in html and "2.800.000 đồng" in html
    assert "Chưa có hiệu lực" in html  # national-2027, seen from before 2027


def test_the_detail_shows_lines_with_confidence_indicators_and_sources(client_for, personas, standards):
    national = standards["national-2022"]
    url = reverse("policies:standard_detail", args=[national.pk])
    html = client_for(personas["ward_officer"]).get(url).content.decode()
    assert "2.000.000 đồng" in html and "[H]" in html and "[M-H]" in html
    assert "Nghị định 07/2021/NĐ-CP, Phụ lục, chỉ số 8" in html  # the data's source, cited in Vietnamese
    html = client_for(personas["village_head"]).get(url).content.decode()
    assert "diện tích tối thiểu m²/người: <strong>8</strong>" in html
    assert "[H]" not in html and "Decree" not in html and "Phụ lục, chỉ số 8" not in html  # plain for village heads
    assert "Tạo phiên bản mới" not in html  # a village head reads, does not change


def test_the_2027_average_living_band_the_city_has_not_entered_reads_chua_co_never_zero(client_for, personas, standards):
    national = standards["national-2027"]
    assert national.urban_average_upper is None and national.rural_average_upper is None
    html = client_for(personas["city_officer"]).get(reverse("policies:standard_detail", args=[national.pk])).content.decode()
    rows = re.findall(r"<tr><td>(?:Thành thị|Nông thôn)[^<]*</td>.*?</tr>", html, flags=re.S)
    assert len(rows) == 2 and all("chưa có" in row and " 0 đồng" not in row for row in rows)


def test_a_city_officer_sets_the_city_lines_and_the_history_shows_who_and_why(client_for, personas, standards):
    city = standards["city-danang"]
    client = client_for(personas["city_officer"])
    url = reverse("policies:standard_edit", args=[city.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, change_data(city, urban_income_line="2.600.000", rural_income_line="2100000", deprivation_cutoff="3")
    )
    assert response.status_code == 302, response.content.decode()
    city.refresh_from_db()
    assert (city.version, city.urban_income_line, city.rural_income_line) == (1, 2_600_000, 2_100_000)
    html = client.get(reverse("policies:standard_detail", args=[city.pk])).content.decode()
    assert '<td class="history-reason">Nghị quyết 99/2026/NQ-HĐND</td>' in html
    assert city.history.first().history_user == personas["city_officer"]
    assert "2.600.000 đồng" in html


def test_a_new_version_starts_later_and_leaves_the_old_one_as_it_was(client_for, personas, standards):
    national = standards["national-2022"]
    standard_lock(standard=national)
    client = client_for(personas["city_officer"])
    url = reverse("policies:standard_new_version", args=[national.pk])
    response = client.post(url, change_data(national, valid_from="2026-07-01", rural_income_line="1600000"))
    assert response.status_code == 302, response.content.decode()
    national.refresh_from_db()
    new = national.superseded_by
    assert (new.version, new.valid_from, new.rural_income_line) == (2, date(2026, 7, 1), 1_600_000)
    assert (national.valid_from, national.valid_to, national.rural_income_line) == (
        date(2022, 1, 1),
        date(2026, 12, 31),
        1_500_000,
    )
    assert new.history.first().history_change_reason == "Nghị quyết 99/2026/NQ-HĐND"
    assert new.history.first().history_user == personas["city_officer"]


def test_a_new_version_must_start_after_the_current_one(client_for, personas, standards):
    national = standards["national-2022"]
    url = reverse("policies:standard_new_version", args=[national.pk])
    response = client_for(personas["city_officer"]).post(url, change_data(national))
    assert response.status_code == 200
    assert "Phiên bản mới phải có hiệu lực sau phiên bản hiện tại" in response.content.decode()
    assert PovertyStandard.objects.filter(code="national-2022").count() == 1


def test_a_change_without_a_reason_is_refused(client_for, personas, standards):
    city = standards["city-danang"]
    response = client_for(personas["city_officer"]).post(
        reverse("policies:standard_edit", args=[city.pk]), change_data(city, reason="", urban_income_line="2600000")
    )
    assert response.status_code == 200
    city.refresh_from_db()
    assert city.urban_income_line is None


def test_an_income_line_above_its_band_is_refused_with_the_engines_reason(client_for, personas, standards):
    national = standards["national-2022"]
    response = client_for(personas["city_officer"]).post(
        reverse("policies:standard_edit", args=[national.pk]), change_data(national, urban_income_line="3500000")
    )
    assert response.status_code == 200
    national.refresh_from_db()
    assert national.urban_income_line == 2_000_000


def test_a_locked_version_cannot_be_edited(client_for, personas, standards):
    national = standards["national-2022"]
    standard_lock(standard=national)
    client = client_for(personas["city_officer"])
    url = reverse("policies:standard_edit", args=[national.pk])
    response = client.post(url, change_data(national, urban_income_line="1900000"), follow=True)
    assert "tạo phiên bản mới" in response.content.decode().lower()
    national.refresh_from_db()
    assert national.urban_income_line == 2_000_000
    assert "Sửa phiên bản này" not in client.get(reverse("policies:standard_detail", args=[national.pk])).content.decode()


def test_the_later_of_two_concurrent_edits_is_refused(client_for, personas, territory, standards):
    from households.models import Assignment
    from tests.conftest import make_user

    city = standards["city-danang"]
    second_officer = make_user("city2", Assignment.Role.CITY_OFFICER, territory["city"])
    url = reverse("policies:standard_edit", args=[city.pk])
    # Both open the page and see the same revision.
    first = change_data(city, urban_income_line="2600000", reason="Số liệu của Sở")
    second = change_data(city, urban_income_line="2700000", reason="Số liệu khác")
    assert client_for(personas["city_officer"]).post(url, first).status_code == 302
    response = client_for(second_officer).post(url, second)
    assert response.status_code == 200
    assert "Người khác đã sửa phiên bản này sau khi bạn mở trang" in response.content.decode()
    city.refresh_from_db()
    assert city.urban_income_line == 2_600_000


def test_an_edit_of_a_version_replaced_meanwhile_by_a_new_version_is_refused(client_for, personas, standards):
    city = standards["city-danang"]
    client = client_for(personas["city_officer"])
    stale_edit = change_data(city, urban_income_line="2600000")
    new_version = change_data(city, valid_from="2026-01-01", urban_income_line="2700000")
    assert client.post(reverse("policies:standard_new_version", args=[city.pk]), new_version).status_code == 302
    response = client.post(reverse("policies:standard_edit", args=[city.pk]), stale_edit)
    assert "Người khác đã sửa phiên bản này sau khi bạn mở trang" in response.content.decode()


@pytest.mark.parametrize("persona", ["village_head", "ward_officer", "district_officer", "no_role"])
@pytest.mark.parametrize("name", ["policies:standard_edit", "policies:standard_new_version"])
def test_other_roles_may_not_change_standards(client_for, personas, standards, persona, name):
    city = standards["city-danang"]
    client = client_for(personas[persona])
    assert client.get(reverse(name, args=[city.pk])).status_code == 403
    assert client.post(reverse(name, args=[city.pk]), change_data(city, urban_income_line="1")).status_code == 403
    city.refresh_from_db()
    assert city.urban_income_line is None


@pytest.mark.parametrize("name", ["policies:standard_list", "policies:standard_detail", "policies:standard_edit"])
def test_anonymous_users_are_sent_to_log_in(client, standards, name):
    args = [] if name.endswith("list") else [standards["city-danang"].pk]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "method"), [("policies:standard_detail", "post"), ("policies:standard_edit", "delete")])
def test_wrong_methods_are_refused(client_for, personas, standards, name, method):
    url = reverse(name, args=[standards["city-danang"].pk])
    assert getattr(client_for(personas["city_officer"]), method)(url).status_code == 405


def test_an_unknown_standard_is_404(client_for, personas, standards):
    assert client_for(personas["city_officer"]).get(reverse("policies:standard_detail", args=[999999])).status_code == 404


def test_the_detail_page_costs_a_fixed_number_of_queries(client_for, personas, standards, django_assert_max_num_queries):
    client = client_for(personas["city_officer"])
    url = reverse("policies:standard_detail", args=[standards["national-2022"].pk])
    # session, user, scope; standard (+superseded_by, created_by), indicators, versions, history (+users);
    # used by a closed round; indicator history (+users); the version it replaced and its indicators.
    with django_assert_max_num_queries(10):
        client.get(url)
