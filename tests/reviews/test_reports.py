"""Excel reports read back with openpyxl: headers, totals, formats, scope; long lists via the worker."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from households.models import AdminUnit, Household, Member, ResidentCount
from reviews import dashboards, reports
from reviews.models import CaseResult, ExportJob
from tests.conftest import make_household
from tests.households.test_workbooks import HOSTILE_NAMES, assert_text
from tests.reviews.conftest import survey


@pytest.fixture
def surveyed(review):
    head = review["personas"]["village_head"]
    for key in ("a", "b"):
        survey(review["cases"][key], head)
    survey(review["cases"]["r"], review["personas"]["commune_officer"])
    Member.objects.filter(household=review["households"]["a"], relationship="head").update(id_number="048090001212")
    ResidentCount.objects.create(unit=review["ward"], year=2026, households=400)
    ResidentCount.objects.create(unit=review["commune"], year=2026, households=100)
    return review


def _download(client, user, w, unit, report):
    client.force_login(user)
    response = client.get(reverse("reviews:report", args=[w["round"].pk, unit.code, report]))
    return response


def _sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _header_row(ws, first_header):
    for row in ws.iter_rows(min_row=1, max_row=30):
        if row[0].value == first_header:
            return row[0].row
    raise AssertionError(f"no header {first_header!r} in {[r[0].value for r in ws.iter_rows(max_row=30)]}")


def _table(ws, h):
    """The rows under the header ``h`` down to the totals row (notes and signatures follow a blank row)."""
    rows = []
    for row in ws.iter_rows(min_row=h + 1, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return rows


def test_summary_has_title_unit_round_legal_basis_and_vietnamese_headers(client, surveyed):
    w = surveyed
    ws = _sheet(_download(client, w["personas"]["city_officer"], w, w["city"], "summary"))
    texts = [c.value for row in ws.iter_rows(max_row=12) for c in row if c.value]
    assert "TỔNG HỢP KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO" in texts
    assert any(str(t).startswith("Thành phố Đà Nẵng · Rà soát") for t in texts)
    assert any(str(t).startswith("Căn cứ") for t in texts)
    h = _header_row(ws, "Đơn vị hành chính")
    headers = [c.value for c in ws[h]]
    assert "Hộ dân cư" in headers
    assert ws.freeze_panes == f"A{h + 1}"
    assert ws.auto_filter.ref.startswith(f"A{h}:")
    assert ws.print_title_rows == f"${h}:${h}"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4


def test_summary_totals_are_formulas_equal_to_the_dashboard(client, surveyed):
    w = surveyed
    ws = _sheet(_download(client, w["personas"]["city_officer"], w, w["city"], "summary"))
    h = _header_row(ws, "Đơn vị hành chính")
    rows = _table(ws, h)
    body, total = rows[:-1], rows[-1]
    assert sorted(r[0] for r in body) == ["Huyện Hòa Vang", "Quận Hải Châu"]
    assert total[0] == "Tổng cộng"
    d = dashboards.unit_dashboard(w["round"], w["city"])
    national = w["standards"]["national-2022"].pk
    poor_col = 2  # after unit and resident households: national standard first
    assert total[poor_col] == f"=SUM(C{h + 1}:C{h + 2})"
    assert sum(r[poor_col] for r in body) == d.total.figures(national).poor
    assert sum(r[1] for r in body) == d.total.residents == 500
    cell = ws.cell(row=h + 1, column=poor_col + 2)  # poor rate
    assert cell.number_format == "0.0%"
    assert ws.cell(row=h + 1, column=2).number_format == "#,##0"
    total_row = h + 3
    assert ws.cell(row=total_row, column=poor_col + 2).value == (
        f'=IF(AND(ISNUMBER(B{total_row}),B{total_row}>0),C{total_row}/B{total_row},"—")'
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True


def test_missing_denominator_is_a_dash_not_a_number(client, surveyed):
    w = surveyed
    ResidentCount.objects.filter(unit=w["commune"]).delete()
    ws = _sheet(_download(client, w["personas"]["city_officer"], w, w["city"], "summary"))
    h = _header_row(ws, "Đơn vị hành chính")
    rows = _table(ws, h)
    hoa_vang = next(r for r in rows if r[0] == "Huyện Hòa Vang")
    assert hoa_vang[1] == "—" and hoa_vang[3] == "—"
    assert rows[-1][1] == "—"


def test_deprivation_analysis_counts_and_share_formulas(client, surveyed):
    w = surveyed
    ws = _sheet(_download(client, w["personas"]["district_officer"], w, w["district"], "deprivation"))
    h = _header_row(ws, "Chỉ số")
    rows = _table(ws, h)
    shares, poor, near = dashboards.deprivation(w["round"], w["district"], w["round"].primary_standard)
    assert [r[0] for r in rows[:-1]] == [s.name for s in shares]
    assert [r[1] for r in rows[:-1]] == [s.poor for s in shares]
    assert rows[-1][1] == poor and rows[-1][3] == near
    total_row = h + 1 + len(shares)
    assert rows[0][2] == f'=IF(B${total_row}>0,B${h + 1}/B${total_row},"—")'
    assert ws.cell(row=h + 1, column=3).number_format == "0.0%"


def test_poor_list_for_ward_officer_shows_full_id_and_vnd_income(client, surveyed):
    w = surveyed
    ws = _sheet(_download(client, w["personas"]["ward_officer"], w, w["ward"], "poor"))
    h = _header_row(ws, "STT")
    headers = [c.value for c in ws[h]]
    assert headers[:4] == ["STT", "Mã hộ", "Chủ hộ", "Số định danh cá nhân/CCCD"]
    rows = _table(ws, h)
    codes = [r[1] for r in rows[:-1]]
    assert set(codes) <= {"HH-A", "HH-B"} and codes
    assert "HH-R" not in codes
    row_a = next(r for r in rows if r[1] == "HH-A")
    assert row_a[3] == "048090001212"
    assert ws.cell(row=h + 1, column=9).number_format == "#,##0"
    assert rows[-1][0] == f"=COUNT(A{h + 1}:A{h + len(codes)})"
    assert rows[-1][7] == f"=SUM(H{h + 1}:H{h + len(codes)})"


def test_poor_list_masks_ids_for_other_roles_and_keeps_to_the_unit(client, surveyed):
    w = surveyed
    ws = _sheet(_download(client, w["personas"]["city_officer"], w, w["city"], "poor"))
    h = _header_row(ws, "STT")
    rows = _table(ws, h)[:-1]
    row_a = next(r for r in rows if r[1] == "HH-A")
    assert row_a[3] == "0480******12"


def test_other_ward_households_are_absent_from_a_ward_list(client, surveyed):
    w = surveyed
    ws = _sheet(_download(client, w["personas"]["commune_officer"], w, w["commune"], "poor"))
    h = _header_row(ws, "STT")
    codes = [r[1] for r in ws.iter_rows(min_row=h + 1, values_only=True)][:-1]
    assert "HH-A" not in codes and "HH-B" not in codes


@pytest.mark.parametrize(
    ("persona", "unit", "status"),
    [
        ("village_head", "village", 403),
        ("other_district_officer", "district", 404),
        ("commune_officer", "ward", 404),
        ("no_role", "city", 403),
    ],
)
def test_reports_outside_scope_or_role_are_refused(client, surveyed, persona, unit, status):
    w = surveyed
    assert _download(client, w["personas"][persona], w, w[unit], "poor").status_code == status


def test_unknown_report_is_404(client, surveyed):
    assert _download(client, surveyed["personas"]["city_officer"], surveyed, surveyed["city"], "nope").status_code == 404


@pytest.mark.parametrize("households", [2, 20])
def test_list_export_query_count_does_not_grow_with_households(client, surveyed, django_assert_max_num_queries, households):
    from reviews.models import Case, CaseResult

    w = surveyed
    base = CaseResult.objects.filter(case=w["cases"]["a"])
    for i in range(households):
        h = make_household(w["village"], f"HH-N{i}", members=2)
        case = Case.objects.create(
            round=w["round"], household=h, village=w["village"], inclusion="form01", status="surveyed", result_class="poor"
        )
        CaseResult.objects.bulk_create(
            CaseResult(
                case=case,
                standard_id=r.standard_id,
                household_class=r.household_class,
                income_per_person_month=r.income_per_person_month,
                deprivation_count=r.deprivation_count,
                deprived_keys=r.deprived_keys,
            )
            for r in base
        )
    client.force_login(w["personas"]["ward_officer"])
    url = reverse("reviews:report", args=[w["round"].pk, w["ward"].code, "poor"])
    # session, user, assignment, unit, round, count, standards, indicators, rows, round standards (preamble),
    # and the record of whose full ID numbers the ward officer downloaded (ids, record, its households,
    # savepoint and release), and the city's name for the date line ("Đà Nẵng, ngày …").
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200


def test_long_list_runs_in_the_worker_and_only_its_owner_gets_the_file(client, surveyed, settings, personas):
    w = surveyed
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client.force_login(w["personas"]["ward_officer"])
    response = client.get(reverse("reviews:report", args=[w["round"].pk, w["ward"].code, "poor"]))
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reviews:export_detail", args=[job.pk])
    assert job.status == ExportJob.Status.DONE
    assert job.file.name.startswith("exports/")
    assert job.rows_done == job.rows_total >= 2
    progress = client.get(reverse("reviews:export_progress", args=[job.pk]))
    body = progress.content.decode()
    assert 'data-status="done"' in body and "100 %" in body
    assert "hx-trigger" not in body, "a finished job stops polling"
    download = client.get(reverse("reviews:export_download", args=[job.pk]))
    assert download.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert any(row[1] == "HH-A" for row in ws.iter_rows(values_only=True))
    client.force_login(personas["city_officer"])
    for name in ("export_detail", "export_progress", "export_download"):
        assert client.get(reverse(name.join(["reviews:", ""]), args=[job.pk])).status_code == 404


def test_running_job_reports_its_progress_and_keeps_polling(client, surveyed):
    w = surveyed
    job = ExportJob.objects.create(
        user=w["personas"]["city_officer"],
        round=w["round"],
        unit=w["city"],
        report="poor",
        rows_total=200,
        rows_done=50,
        status="running",
    )
    client.force_login(w["personas"]["city_officer"])
    body = client.get(reverse("reviews:export_progress", args=[job.pk])).content.decode()
    assert 'aria-valuenow="25"' in body and "hx-trigger" in body
    assert client.get(reverse("reviews:export_download", args=[job.pk])).status_code == 404


def test_write_workbook_streams_rows_and_reports_progress(surveyed):
    w = surveyed
    seen = []
    report = reports.Report(
        key="poor",
        title="t",
        columns=[reports.Column("n", 5, "int", "sum"), reports.Column("v", 5, "vnd")],
        rows=((i, i * 1000) for i in range(5)),
    )
    out = io.BytesIO()
    assert reports.write_workbook(report, out, round_=w["round"], unit=w["city"], progress=seen.append, progress_every=2) == 5
    assert seen == [2, 4, 5]


# ------------------------------------------------------------------ no formula from the data (issue 12, item 2)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_head_of_household_named_like_a_formula_is_text_in_the_poor_and_near_poor_lists(client, surveyed, name):
    w = surveyed
    for key in ("a", "b"):
        Member.objects.filter(household=w["households"][key], relationship="head").update(full_name=name)
        Household.objects.filter(pk=w["households"][key].pk).update(address=name)
    national = w["standards"]["national-2022"]
    CaseResult.objects.filter(case=w["cases"]["b"], standard=national).update(household_class="near_poor")
    for kind, code in (("poor", "HH-A"), ("near_poor", "HH-B")):
        response = _download(client, w["personas"]["ward_officer"], w, w["ward"], kind)
        ws = load_workbook(io.BytesIO(response.content)).active
        h = _header_row(ws, "STT")
        assert ws.cell(row=h + 1, column=2).value == code
        assert_text(ws.cell(row=h + 1, column=3), name)  # head of household
        assert_text(ws.cell(row=h + 1, column=5), name)  # address
        assert ws.cell(row=h + 1, column=8).data_type == "n"  # members
        totals = ws[h + 2]
        assert (totals[0].value, totals[0].data_type) == (f"=COUNT(A{h + 1}:A{h + 1})", "f")
        assert (totals[7].value, totals[7].data_type) == (f"=SUM(H{h + 1}:H{h + 1})", "f")


def test_a_unit_named_like_a_formula_is_text_in_the_summary_whose_totals_stay_formulas(client, surveyed):
    w = surveyed
    AdminUnit.objects.filter(pk=w["district"].pk).update(name="=1+1")
    AdminUnit.objects.filter(pk=w["city"].pk).update(name="@SUM(A1)")
    ws = _sheet(_download(client, w["personas"]["city_officer"], w, w["city"], "summary"))
    subtitle = next(c for row in ws.iter_rows(max_row=10) for c in row if str(c.value or "").startswith("@SUM(A1) · "))
    assert_text(subtitle, subtitle.value)  # the line under the title: unit, round, date
    h = _header_row(ws, "Đơn vị hành chính")
    district = next(row for row in ws.iter_rows(min_row=h + 1) if row[0].value == "=1+1")
    assert_text(district[0], "=1+1")
    totals = ws[h + 3]
    assert (totals[2].value, totals[2].data_type) == (f"=SUM(C{h + 1}:C{h + 2})", "f")


# ----------------------------------------------------------------------------- printed like the forms


def _texts(ws, rows):
    return [str(c.value) for row in rows for c in row if c.value is not None]


@pytest.mark.parametrize("report", reports.REPORTS)
def test_every_report_has_the_national_header_the_unit_the_date_and_the_signature_block(client, surveyed, report):
    w = surveyed
    ws = _sheet(_download(client, w["personas"]["ward_officer"], w, w["ward"], report))
    h = _header_row(ws, "Chỉ số" if report == "deprivation" else "Đơn vị hành chính" if report == "summary" else "STT")
    top = _texts(ws, ws.iter_rows(max_row=h - 1))
    assert top[:2] == ["ỦY BAN NHÂN DÂN PHƯỜNG HẢI CHÂU I", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert "Độc lập – Tự do – Hạnh phúc" in top
    assert any(re.fullmatch(r"Đà Nẵng, ngày \d\d tháng \d\d năm 20\d\d", t) for t in top)
    # Title and the issuing blocks are merged across columns, so no text depends on column A's width.
    merged = {str(r) for r in ws.merged_cells.ranges}
    last = get_column_letter(ws.max_column)
    assert any(r.startswith("A") and r.endswith(last + r.split(":")[0][1:]) for r in merged), merged
    bottom = _texts(ws, ws.iter_rows(min_row=h + 1))
    assert "NGƯỜI LẬP BIỂU" in bottom and "THỦ TRƯỞNG ĐƠN VỊ" in bottom
    assert "(Ký, ghi rõ họ tên)" in bottom and "(Ký, ghi rõ họ tên và đóng dấu)" in bottom
    assert any(t.startswith("Không phải biểu mẫu chính thức") for t in bottom), "no invented form number"
    assert ws.print_title_rows == f"${h}:${h}"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True and ws.page_setup.fitToWidth == 1
    assert str(ws.page_setup.paperSize) == "9"


def test_each_list_column_holds_what_its_header_says(client, surveyed):
    w = surveyed
    ws = _sheet(_download(client, w["personas"]["ward_officer"], w, w["ward"], "poor"))
    h = _header_row(ws, "STT")
    headers = [c.value for c in ws[h]]
    rows = _table(ws, h)[:-1]
    column = {name: i for i, name in enumerate(headers)}
    names = dict(w["round"].primary_standard.indicators.values_list("key", "name"))
    for row in rows:
        result = CaseResult.objects.get(case__household__code=row[column["Mã hộ"]], standard=w["round"].primary_standard)
        assert row[column["Số chỉ số thiếu hụt"]] == len(result.deprived_keys) == result.deprivation_count
        assert row[column["Các chỉ số thiếu hụt"]] == "; ".join(names[k] for k in result.deprived_keys)
        assert isinstance(row[column["Thành viên"]], int)
        assert row[column["Thôn / tổ dân phố"]] == "Tổ dân phố 1" and row[column["Xã / phường"]] == "Phường Hải Châu I"
    deprivations = ws.cell(row=h + 1, column=column["Số chỉ số thiếu hụt"] + 1)
    assert deprivations.data_type == "n" and deprivations.number_format == "#,##0"
    address = ws.cell(row=h + 1, column=column["Địa chỉ"] + 1)
    assert address.alignment.wrap_text, "addresses wrap within their column"


@pytest.mark.parametrize(
    ("report", "name"),
    [
        ("poor", "danh-sach-ho-ngheo-phuong-hai-chau-i-2026.xlsx"),
        ("near_poor", "danh-sach-ho-can-ngheo-phuong-hai-chau-i-2026.xlsx"),
        ("summary", "tong-hop-ket-qua-ra-soat-phuong-hai-chau-i-2026.xlsx"),
        ("deprivation", "phan-tich-chi-so-thieu-hut-phuong-hai-chau-i-2026.xlsx"),
    ],
)
def test_the_file_name_is_a_vietnamese_slug_without_internal_ids(client, surveyed, report, name):
    w = surveyed
    response = _download(client, w["personas"]["ward_officer"], w, w["ward"], report)
    assert response["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    assert w["ward"].code not in response["Content-Disposition"]
