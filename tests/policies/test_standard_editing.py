"""The city officer edits a standard's indicators as data: on the standards pages and from a file
loaded by a command. The engine's own parser checks every version before it is saved; a version
used by a closed round stays as it was; the history says who changed what and why."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from policies.models import PovertyStandard
from policies.selectors import standard_revision
from policies.services import FIXTURE, standard_lock, standards_load

REASON = "Quyết định 12/2027/QĐ-UBND"
EXTRA = {
    "key": "floor_area_city",
    "name": "Diện tích nhà ở bình quân (chuẩn thành phố)",
    "dimension": "housing",
    "rule": "floor_area",
    "params": {"min_m2_per_person": 10},
    "source": "Quyết định 12/2027/QĐ-UBND, Điều 2",
}


@pytest.fixture
def standards(db):
    standards_load()
    return {s.code: s for s in PovertyStandard.objects.all()}


def header(standard, **overrides) -> dict:
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
        "reason": REASON,
    }
    data.update(overrides)
    return data


def indicator_rows(standard, *, params=None, delete=(), add=None) -> dict:
    """The page's indicator blocks as the browser sends them: the current rows (some re-parameterised
    or ticked for deletion) and the empty block at the end, filled when ``add`` is given."""
    params = params or {}
    rows = list(standard.indicators.order_by("position"))
    data = {"indicators-INITIAL_FORMS": len(rows), "indicators-MIN_NUM_FORMS": 0, "indicators-MAX_NUM_FORMS": 60}
    for n, indicator in enumerate(rows):
        data.update(
            {
                f"indicators-{n}-position": indicator.position,
                f"indicators-{n}-key": indicator.key,
                f"indicators-{n}-name": indicator.name,
                f"indicators-{n}-dimension": indicator.dimension,
                f"indicators-{n}-rule": indicator.rule,
                f"indicators-{n}-params": params.get(indicator.key, json.dumps(indicator.params)),
                f"indicators-{n}-source": indicator.source,
            }
        )
        if indicator.key in delete:
            data[f"indicators-{n}-DELETE"] = "on"
    n = len(rows)
    for name in ("position", "key", "name", "dimension", "rule", "params", "source"):
        data[f"indicators-{n}-{name}"] = ""
    if add is not None:
        for name, value in add.items():
            data[f"indicators-{n}-{name}"] = json.dumps(value) if name == "params" else value
    data["indicators-TOTAL_FORMS"] = n + 1
    return data


def keys(standard) -> list[str]:
    return list(standard.indicators.order_by("position").values_list("key", flat=True))


# ----------------------------------------------------------------------------- the pages


def test_the_new_version_page_lists_the_indicators_and_the_engines_rules(client_for, personas, standards):
    city = standards["city-danang"]
    html = client_for(personas["city_officer"]).get(reverse("policies:standard_new_version", args=[city.pk])).content.decode()
    assert 'name="indicators-0-params"' in html and "min_m2_per_person" in html
    assert '<option value="floor_area"' in html  # rule kinds come from the engine's registry
    assert "Chỉ số mới" in html


def test_a_city_officer_adds_an_indicator_in_a_new_version(client_for, personas, standards):
    city = standards["city-danang"]
    before = keys(city)
    client = client_for(personas["city_officer"])
    data = header(city, valid_from="2027-01-01") | indicator_rows(city, add=EXTRA)
    response = client.post(reverse("policies:standard_new_version", args=[city.pk]), data)
    assert response.status_code == 302, response.content.decode()
    city.refresh_from_db()
    new = city.superseded_by
    assert new.version == 2 and keys(new) == [*before, "floor_area_city"]
    added = new.indicators.get(key="floor_area_city")
    assert (added.rule, added.params, added.source) == ("floor_area", {"min_m2_per_person": 10}, EXTRA["source"])
    assert [i.key for i in new.to_spec().indicators][-1] == "floor_area_city"
    assert keys(city) == before  # the old version is left as it was
    html = client.get(reverse("policies:standard_detail", args=[new.pk])).content.decode()
    assert "Thay đổi chỉ số so với phiên bản 1" in html
    assert "thêm: Diện tích nhà ở bình quân (chuẩn thành phố)" in html
    assert '<td class="history-reason">Quyết định 12/2027/QĐ-UBND</td>' in html
    assert new.history.first().history_user == personas["city_officer"]


def test_a_new_version_removes_one_indicator_and_reparameterises_another(client_for, personas, standards):
    national = standards["national-2022"]
    data = header(national, valid_from="2026-07-01") | indicator_rows(
        national, delete={"information_devices"}, params={"floor_area": '{"min_m2_per_person": 9}'}
    )
    response = client_for(personas["city_officer"]).post(reverse("policies:standard_new_version", args=[national.pk]), data)
    assert response.status_code == 302, response.content.decode()
    new = PovertyStandard.objects.get(code="national-2022", version=2)
    assert "information_devices" not in keys(new)
    assert new.indicators.get(key="floor_area").params == {"min_m2_per_person": 9}
    assert national.indicators.get(key="floor_area").params == {"min_m2_per_person": 8}
    html = client_for(personas["village_head"]).get(reverse("policies:standard_detail", args=[new.pk])).content.decode()
    assert "bỏ: " in html and "information_devices" in html
    assert "thay đổi: " in html and "(tham số)" in html


def test_a_correction_of_the_indicators_is_kept_in_their_history_with_who_and_why(client_for, personas, standards):
    city = standards["city-danang"]
    client = client_for(personas["city_officer"])
    data = header(city, reason="Sửa tham số theo Sở LĐ-TB&XH") | indicator_rows(
        city, delete={"information_devices"}, params={"floor_area": '{"min_m2_per_person": 10}'}, add=EXTRA
    )
    response = client.post(reverse("policies:standard_edit", args=[city.pk]), data)
    assert response.status_code == 302, response.content.decode()
    city.refresh_from_db()
    assert city.version == 1
    assert "information_devices" not in keys(city) and keys(city)[-1] == "floor_area_city"
    assert city.indicators.get(key="floor_area").params == {"min_m2_per_person": 10}
    html = client.get(reverse("policies:standard_detail", args=[city.pk])).content.decode()
    assert "Lịch sử các chỉ số" in html
    assert html.count('<td class="indicator-history-reason">Sửa tham số theo Sở LĐ-TB&amp;XH</td>') == 3
    assert "city1" in html
    changed = city.indicators.get(key="floor_area").history.first()
    assert (changed.history_user, changed.history_change_reason) == (personas["city_officer"], "Sửa tham số theo Sở LĐ-TB&XH")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("{}", "min_m2_per_person"),  # the engine's own detail: the parameter the rule needs
        ('{"min_m2_per_person": 10', "Tham số không phải JSON hợp lệ"),
        ("[10]", "Tham số phải là một đối tượng JSON"),
    ],
)
def test_parameters_the_engine_refuses_are_shown_and_nothing_is_saved(client_for, personas, standards, params, message):
    city = standards["city-danang"]
    revision = standard_revision(city.pk)
    data = header(city, valid_from="2027-01-01") | indicator_rows(city, add=EXTRA)
    data[f"indicators-{city.indicators.count()}-params"] = params
    response = client_for(personas["city_officer"]).post(reverse("policies:standard_new_version", args=[city.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if message == "min_m2_per_person":
        assert "Bộ máy phân loại không chấp nhận chỉ số “floor_area_city”" in html
    assert PovertyStandard.objects.filter(code="city-danang").count() == 1
    assert "floor_area_city" not in keys(city) and standard_revision(city.pk) == revision


def test_a_rule_the_engine_does_not_know_is_refused(client_for, personas, standards):
    city = standards["city-danang"]
    data = header(city) | indicator_rows(city, add=EXTRA | {"rule": "household_owns_a_boat"})
    response = client_for(personas["city_officer"]).post(reverse("policies:standard_edit", args=[city.pk]), data)
    assert response.status_code == 200
    assert "floor_area_city" not in keys(city)


def test_a_duplicate_key_is_refused_by_the_engine(client_for, personas, standards):
    city = standards["city-danang"]
    data = header(city) | indicator_rows(city, add=EXTRA | {"key": "floor_area"})
    response = client_for(personas["city_officer"]).post(reverse("policies:standard_edit", args=[city.pk]), data)
    assert response.status_code == 200
    assert "duplicate indicator keys" in response.content.decode()
    assert city.indicators.filter(key="floor_area").count() == 1


def test_a_version_used_by_a_closed_round_refuses_indicator_changes(client_for, personas, standards):
    national = standards["national-2022"]
    standard_lock(standard=national)
    client = client_for(personas["city_officer"])
    data = header(national) | indicator_rows(national, delete={"information_devices"})
    response = client.post(reverse("policies:standard_edit", args=[national.pk]), data, follow=True)
    assert "Một đợt rà soát đã kết thúc đã dùng phiên bản này" in response.content.decode()
    assert "information_devices" in keys(national)
    html = client.get(reverse("policies:standard_detail", args=[national.pk])).content.decode()
    assert "Sửa phiên bản này" not in html and "Tạo phiên bản mới" in html


def test_a_closed_round_locks_its_standards_even_without_the_lock_mark(personas, standards):
    from policies.services import standard_is_locked
    from reviews import services
    from reviews.models import ReviewRound

    national = standards["national-2022"]
    round_ = services.round_open(user=personas["city_officer"], year=2026, standards=[national], primary_standard=national)
    assert not standard_is_locked(national)
    ReviewRound.objects.filter(pk=round_.pk).update(closed_at=timezone.now())
    assert national.locked_at is None and standard_is_locked(national)


@pytest.mark.parametrize("persona", ["village_head", "ward_officer", "district_officer"])
def test_other_roles_may_not_change_indicators(client_for, personas, standards, persona):
    city = standards["city-danang"]
    data = header(city, valid_from="2027-01-01") | indicator_rows(city, add=EXTRA)
    client = client_for(personas[persona])
    assert client.post(reverse("policies:standard_new_version", args=[city.pk]), data).status_code == 403
    assert client.post(reverse("policies:standard_edit", args=[city.pk]), data).status_code == 403
    assert PovertyStandard.objects.filter(code="city-danang").count() == 1 and "floor_area_city" not in keys(city)


def test_the_later_of_two_concurrent_indicator_edits_is_refused(client_for, personas, territory, standards):
    from households.models import Assignment
    from tests.conftest import make_user

    city = standards["city-danang"]
    second_officer = make_user("city2", Assignment.Role.CITY_OFFICER, territory["city"])
    url = reverse("policies:standard_edit", args=[city.pk])
    first = header(city) | indicator_rows(city, params={"floor_area": '{"min_m2_per_person": 10}'})
    second = header(city) | indicator_rows(city, add=EXTRA)  # opened before the first was saved
    assert client_for(personas["city_officer"]).post(url, first).status_code == 302
    response = client_for(second_officer).post(url, second)
    assert response.status_code == 200
    assert "Người khác đã sửa phiên bản này sau khi bạn mở trang" in response.content.decode()
    assert "floor_area_city" not in keys(city)
    assert city.indicators.get(key="floor_area").params == {"min_m2_per_person": 10}


def test_the_admin_shows_indicators_read_only(client_for, personas, standards):
    city = standards["city-danang"]
    html = client_for(personas["admin"]).get(reverse("admin:policies_povertystandard_change", args=[city.pk])).content.decode()
    assert "min_m2_per_person" in html
    assert 'name="indicators-0-params"' not in html


# ----------------------------------------------------------------------------- the command


def fixture_item(code: str) -> dict:
    return next(item for item in json.loads(FIXTURE.read_text(encoding="utf-8")) if item["code"] == code)


def write(tmp_path, data) -> str:
    path = tmp_path / "standard.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_command_adds_an_indicator_to_a_loaded_standard_as_a_new_version(tmp_path, capsys, personas, standards):
    item = fixture_item("city-danang") | {"valid_from": "2027-01-01"}
    item["indicators"] = [*item["indicators"], EXTRA]
    call_command("load_standard_file", write(tmp_path, item), reason=REASON, user="city1")
    out = capsys.readouterr().out
    assert "city-danang: đã tạo phiên bản 2" in out
    new = PovertyStandard.objects.get(code="city-danang", version=2)
    assert keys(new)[-1] == "floor_area_city" and new.valid_from == date(2027, 1, 1)
    assert PovertyStandard.objects.get(code="city-danang", version=1).superseded_by == new
    record = new.history.first()
    assert (record.history_user, record.history_change_reason) == (personas["city_officer"], REASON)


def test_the_command_checks_only_with_dry_run(tmp_path, capsys, standards):
    item = fixture_item("city-danang") | {"valid_from": "2027-01-01"}
    call_command("load_standard_file", write(tmp_path, item), reason=REASON, dry_run=True)
    assert "không lưu gì" in capsys.readouterr().out
    assert PovertyStandard.objects.filter(code="city-danang").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"indicators": [EXTRA | {"rule": "household_owns_a_boat"}]}, "unknown rule"),
        ({"indicators": [EXTRA | {"params": {}}]}, "min_m2_per_person"),
        ({"valid_from": "2021-06-01"}, "Phiên bản mới phải có hiệu lực sau phiên bản hiện tại"),
    ],
)
def test_the_command_refuses_an_invalid_file_and_saves_nothing(tmp_path, standards, change, message):
    item = fixture_item("city-danang") | {"valid_from": "2027-01-01"} | change
    with pytest.raises(CommandError) as refused:
        valid_first = fixture_item("national-2027") | {"valid_from": "2027-07-01"}
        call_command("load_standard_file", write(tmp_path, [valid_first, item]), reason=REASON)
    assert message in str(refused.value) and "Chuẩn city-danang" in str(refused.value)
    assert PovertyStandard.objects.filter(code__in=["city-danang", "national-2027"]).count() == 2  # nothing written


def test_the_command_refuses_a_file_that_is_not_json(tmp_path, standards):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON"):
        call_command("load_standard_file", str(path), reason=REASON)


def test_the_command_corrects_an_unlocked_version_and_refuses_a_locked_one(tmp_path, standards):
    item = fixture_item("national-2022") | {"version": 1}
    item["indicators"] = [i for i in item["indicators"] if i["key"] != "information_devices"]
    national = standards["national-2022"]
    standard_lock(standard=national)
    with pytest.raises(CommandError, match="một đợt rà soát đã kết thúc đã dùng phiên bản này"):
        call_command("load_standard_file", write(tmp_path, item), reason=REASON)
    assert "information_devices" in keys(national)

    city = fixture_item("city-danang") | {"version": 1, "deprivation_cutoff": 4}
    call_command("load_standard_file", write(tmp_path, city), reason=REASON)
    corrected = PovertyStandard.objects.get(code="city-danang")
    assert (corrected.version, corrected.deprivation_cutoff) == (1, 4)
    assert corrected.history.first().history_change_reason == REASON


def test_the_command_needs_a_reason(tmp_path, standards):
    with pytest.raises(CommandError):
        call_command("load_standard_file", write(tmp_path, fixture_item("city-danang")), reason="  ")
