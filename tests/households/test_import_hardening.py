"""Issue 12, item 3: imports under concurrency and hostile files.

Two imports into one ward at once, the same ID number twice in a household, a job whose worker died,
a header that is not the template's, files that are not workbooks or are built to exhaust the worker,
and implausible birth dates and phone numbers."""

import contextlib
import io
import threading
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from households import importing
from households.forms import HouseholdForm, MemberForm
from households.importing import ImportBusy, ImportRefused, households_import, template_workbook
from households.models import Household, ImportJob, Member
from tests.households.test_importing import HEADER, household_rows, ids

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def rows_for(territory, households=3, members=2):
    rows = []
    for h in range(households):
        rows += household_rows(f"HC-{h:03}", territory["village"].code, members, start=h * members)
    return rows


def added_member_rows(territory, households=3, members=2):
    """The same households again, each with one more member (a child with a new ID number)."""
    rows = []
    extra = ids(1000, year=1995)
    for h in range(households):
        group = household_rows(f"HC-{h:03}", territory["village"].code, members, start=h * members)
        child = list(group[-1])
        child[6], child[7], child[11] = f"Con mới {h}", "01/02/1995", extra[h]
        rows += [*group, child]
    return rows


def xlsx(rows, header=HEADER, extra_sheets=()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = importing.SHEET_NAME
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for name in extra_sheets:
        workbook.create_sheet(name).append(["x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_part(content: bytes, name: str, data: bytes) -> bytes:
    """``content`` (an .xlsx) with the part ``name`` replaced by ``data``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, data if info.filename == name else source.read(info.filename))
    return out.getvalue()


ENTITY_BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
)


def hostile_files(territory) -> dict[str, tuple[bytes | None, str]]:
    """name -> (content, a words the refusal must contain); None: the file does not exist."""
    good = xlsx(rows_for(territory))
    # openpyxl cuts a cell at Excel's 32,767 characters when it writes: write the sheet's XML by hand.
    huge = with_part(
        good,
        "xl/worksheets/sheet1.xml",
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"x" * (210 * 1024) + b"</t></is></c></row></sheetData></worksheet>",
    )
    return {
        "xls": (importing.OLE_MAGIC + b"\0" * 2000, "lưu tệp dưới dạng Excel Workbook (.xlsx)"),
        "csv renamed": (
            "Mã hộ (*),Mã thôn/tổ dân phố (*)\nHC-1,20236-001\n".encode(),
            "lưu tệp dưới dạng Excel Workbook (.xlsx)",
        ),
        "not a zip": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "Excel Workbook (.xlsx)"),
        "truncated": (good[: len(good) // 2], "Tệp bị thiếu hoặc hỏng"),
        "entity bomb": (with_part(good, "xl/worksheets/sheet1.xml", ENTITY_BOMB), "DOCTYPE"),
        "huge cell": (huge, "hơn 200 KB"),
        "missing": (None, "Không có tệp"),
    }


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- Two imports into one ward ------------------------------------------------------------------------


def test_the_same_id_number_twice_among_a_households_active_members_is_refused_by_the_database(territory):
    household = Household.objects.create(code="HC-X", village=territory["village"], address="x")
    number = ids(1)[0]
    person = {"full_name": "Lê Văn A", "date_of_birth": date(1980, 1, 1), "sex": "male", "id_number": number}
    first = Member.objects.create(household=household, relationship="head", **person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(household=household, relationship="child", **person)
    other = Household.objects.create(code="HC-Y", village=territory["village"], address="y")
    Member.objects.create(household=other, relationship="head", **person)  # another household: data quality's business
    Member.objects.create(household=household, relationship="child", **{**person, "id_number": ""})
    Member.objects.create(household=household, relationship="child", **{**person, "id_number": ""})  # no number: no rule
    Member.objects.filter(pk=first.pk).update(left_on=date(2026, 1, 1), left_reason="moved")
    Member.objects.create(household=household, relationship="head", **person)  # the one who left does not count


def _two_imports_at_once(territory, monkeypatch, content: bytes) -> list:
    """Run the import of ``content`` in two threads (two connections). Each waits, once it has checked
    the file against the database and is about to write, for the other to get there too (up to 5 s):
    without serialisation both write what each found missing."""
    barrier = threading.Barrier(2, timeout=5)
    real_write = importing._write

    def write_when_both_checked(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()  # broken: the other import was refused (or waits for this one), so write alone
        return real_write(*args, **kwargs)

    monkeypatch.setattr(importing, "_write", write_when_both_checked)
    outcomes = []

    def run():
        try:
            with translation.override("vi"):
                result = households_import(file=io.BytesIO(content), unit=territory["ward"])
            outcomes.append(("ok", result.members_created))
        except ImportBusy as exc:
            outcomes.append(("busy", exc.message))
        except Exception as exc:  # reported in the test's thread
            outcomes.append(("error", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once need PostgreSQL; see the SQLite test")
@pytest.mark.django_db(transaction=True)
def test_two_imports_into_one_ward_at_the_same_moment_write_each_person_once(territory, monkeypatch):
    households_import(file=io.BytesIO(xlsx(rows_for(territory))), unit=territory["ward"])
    assert Member.objects.count() == 6
    outcomes = _two_imports_at_once(territory, monkeypatch, xlsx(added_member_rows(territory)))
    assert sorted(kind for kind, _detail in outcomes) == ["busy", "ok"], outcomes
    busy = next(detail for kind, detail in outcomes if kind == "busy")
    assert busy.startswith("Một lần nhập khác đang chạy cho phường này")
    assert Member.objects.count() == 9  # each household's new child once
    duplicates = connection.cursor()
    duplicates.execute(
        "SELECT count(*) FROM (SELECT household_id, id_number FROM households_member WHERE left_on IS NULL "
        "AND id_number <> '' GROUP BY household_id, id_number HAVING count(*) > 1) d"
    )
    assert duplicates.fetchone()[0] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_job_started_while_another_import_runs_for_the_ward_fails_saying_so(territory, personas, client_for):
    other = connections.create_connection("default")  # the other import: holds the ward's lock
    try:
        with other.cursor() as cursor:
            key = (importing.ADVISORY_LOCK_SPACE << 32) | territory["ward"].pk
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        client = client_for(personas["ward_officer"])
        upload = io.BytesIO(xlsx(rows_for(territory)))
        upload.name = "ho.xlsx"
        response = client.post(reverse("households:import"), {"file": upload})
        job = ImportJob.objects.get()
        assert job.status == ImportJob.Status.FAILED and not job.upload
        body = client.get(response["Location"]).content.decode()
        assert "Một lần nhập khác đang chạy cho phường này" in body
        assert "không đọc hoặc kiểm tra được tệp" not in body
        assert not Household.objects.exists()
    finally:
        other.close()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite path; PostgreSQL has the threaded test")
def test_on_sqlite_an_import_that_finds_the_database_locked_by_another_gets_the_same_message(
    territory, personas, client_for, monkeypatch, tmp_path
):
    """SQLite runs one write transaction at a time (IMMEDIATE): a second import waits for the first;
    if it waits longer than the timeout it must say why, not "cannot read the file"."""
    from django.db import OperationalError

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(importing, "_check_and_write", locked)
    client = client_for(personas["ward_officer"])
    upload = io.BytesIO(xlsx(rows_for(territory)))
    upload.name = "ho.xlsx"
    response = client.post(reverse("households:import"), {"file": upload})
    body = client.get(response["Location"]).content.decode()
    assert "Một lần nhập khác đang chạy cho phường này" in body
    path = tmp_path / "ho.xlsx"
    path.write_bytes(xlsx(rows_for(territory)))
    with pytest.raises(CommandError, match="Một lần nhập khác đang chạy cho phường này"):
        call_command("import_households", str(path), unit="20236")


def test_the_same_file_imported_twice_in_turn_adds_nobody_the_second_time(territory):
    content = xlsx(added_member_rows(territory))
    households_import(file=io.BytesIO(content), unit=territory["ward"])
    again = households_import(file=io.BytesIO(content), unit=territory["ward"])
    assert again.ok and again.members_created == 0 and Member.objects.count() == 9


# --- A job whose worker died --------------------------------------------------------------------------


def test_a_running_job_whose_worker_stopped_reporting_is_failed_with_a_message_and_its_upload_deleted(
    territory, personas, client_for, settings, tmp_path
):
    settings.IMPORT_STALE_MINUTES = 15
    now = timezone.now()
    dead = ImportJob(user=personas["ward_officer"], ward=territory["ward"], status="running", file_name="chet.xlsx")
    dead.upload.save("upload.xlsx", ContentFile(b"PK personal data"), save=False)
    dead.heartbeat_at = now - timedelta(minutes=16)
    dead.save()
    alive = ImportJob.objects.create(
        user=personas["ward_officer"], ward=territory["ward"], status="running", heartbeat_at=now - timedelta(minutes=2)
    )
    upload_path = tmp_path / dead.upload.name
    assert upload_path.exists()
    client = client_for(personas["ward_officer"])
    client.get(reverse("households:import"))
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == ImportJob.Status.FAILED and dead.finished_at and not dead.upload
    assert not upload_path.exists()
    assert alive.status == ImportJob.Status.RUNNING
    body = client.get(reverse("households:import_job", args=[dead.pk])).content.decode()
    assert "Máy xử lý đã dừng giữa chừng" in body


def test_the_worker_reports_a_heartbeat_while_it_reads(territory, personas, client_for):
    client = client_for(personas["ward_officer"])
    upload = io.BytesIO(xlsx(rows_for(territory)))
    upload.name = "ho.xlsx"
    client.post(reverse("households:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and job.heartbeat_at is not None


# --- The header row, the template, several sheets -------------------------------------------------------


def test_reordered_columns_are_refused_as_a_whole_naming_the_expected_and_the_found_headers(territory):
    header = list(HEADER)
    header[2], header[5] = header[5], header[2]  # notes where the address should be
    rows = [[r[0], r[1], r[5], r[3], r[4], r[2], *r[6:]] for r in rows_for(territory)]
    with pytest.raises(ImportRefused) as refused:
        households_import(file=io.BytesIO(xlsx(rows, header=header)), unit=territory["ward"])
    message = refused.value.message
    assert "cột C phải là “Địa chỉ (*)” nhưng là “Ghi chú”" in message
    assert "cột F phải là “Ghi chú” nhưng là “Địa chỉ (*)”" in message
    assert not Household.objects.exists()


def test_a_file_without_the_header_row_is_refused(territory):
    rows = rows_for(territory)
    with pytest.raises(ImportRefused, match="Dòng 1 không phải dòng tiêu đề"):
        households_import(file=io.BytesIO(xlsx(rows[1:], header=rows[0])), unit=territory["ward"])


def test_the_template_has_its_example_at_row_2_and_says_which_sheet_is_read(territory):
    workbook = load_workbook(io.BytesIO(template_workbook(territory["ward"])))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[2]][:1] == ["HO-0001"]
    assert sheet.max_row == 2000  # the text-formatted rows are still there, after the example
    guide = " ".join(str(c.value) for row in workbook["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert "Chỉ trang đầu tiên (“Hộ và thành viên”) được đọc" in guide


def test_a_filled_in_template_imports(territory):
    workbook = load_workbook(io.BytesIO(template_workbook(territory["ward"])))
    sheet = workbook.worksheets[0]
    sheet["B2"] = territory["village"].code
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = households_import(file=buffer, unit=territory["ward"])
    assert result.ok, result.errors
    assert result.households_created == 1 and result.notices == []  # the guide sheet is expected


def test_a_workbook_with_other_sheets_is_told_only_the_first_was_read(territory, personas, client_for):
    content = xlsx(rows_for(territory), extra_sheets=["Hướng dẫn", "Danh sách cũ"])
    result = households_import(file=io.BytesIO(content), unit=territory["ward"])
    assert result.ok
    assert result.notices == ["Chỉ trang tính đầu tiên (“Hộ và thành viên”) được đọc; các trang khác (Danh sách cũ) bị bỏ qua."]
    client = client_for(personas["ward_officer"])
    upload = io.BytesIO(content)
    upload.name = "ho.xlsx"
    response = client.post(reverse("households:import"), {"file": upload})
    assert "các trang khác (Danh sách cũ) bị bỏ qua" in client.get(response["Location"]).content.decode()


# --- Limits: rows, mistakes, quoted cells ---------------------------------------------------------------


def test_a_sheet_with_more_rows_than_the_limit_is_refused_unimported(territory, settings):
    settings.IMPORT_MAX_ROWS = 10
    with pytest.raises(ImportRefused, match="Trang tính có hơn 10 dòng"):
        households_import(file=io.BytesIO(xlsx(rows_for(territory, households=6))), unit=territory["ward"])
    assert not Household.objects.exists()
    assert households_import(file=io.BytesIO(xlsx(rows_for(territory, households=5))), unit=territory["ward"]).ok


def test_only_the_first_mistakes_are_kept_and_the_rest_counted(territory, settings, personas, client_for):
    settings.IMPORT_MAX_ERRORS = 4
    rows = rows_for(territory, households=5)
    for row in rows:
        row[8] = "?"  # sex: one mistake per row
    result = households_import(file=io.BytesIO(xlsx(rows)), unit=territory["ward"])
    assert result.error_count == 10 and len(result.errors) == 4
    client = client_for(personas["ward_officer"])
    upload = io.BytesIO(xlsx(rows))
    upload.name = "ho.xlsx"
    response = client.post(reverse("households:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert job.error_count == 10
    body = client.get(response["Location"]).content.decode()
    assert "Tệp có cột lỗi chỉ đánh dấu 4 lỗi đầu tiên" in body


def test_messages_quote_at_most_about_100_characters_of_a_cell(territory):
    rows = rows_for(territory, households=1, members=1)
    rows[0][9] = "Dân tộc rất dài " * 500
    rows[0][1] = "THÔN-" * 200
    result = households_import(file=io.BytesIO(xlsx(rows)), unit=territory["ward"])
    assert not result.ok
    assert result.errors and all(len(e.message) < 220 for e in result.errors), [len(e.message) for e in result.errors]
    assert any("…" in e.message for e in result.errors)


# --- Hostile and wrong files: the command, the worker, the form ------------------------------------------


@pytest.mark.parametrize("kind", ["xls", "csv renamed", "not a zip", "truncated", "entity bomb", "huge cell", "missing"])
def test_the_command_refuses_a_wrong_or_hostile_file_in_vietnamese_without_a_traceback(territory, tmp_path, kind):
    content, words = hostile_files(territory)[kind]
    path = tmp_path / "ho.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        call_command("import_households", str(path), unit="20236")
    message = str(refused.value)
    assert message.startswith("Chưa ghi gì: ") and (words in message or words in lower_first(message)), message
    assert not Household.objects.exists()


@pytest.mark.parametrize("kind", ["xls", "csv renamed", "not a zip", "truncated", "entity bomb", "huge cell"])
def test_the_form_refuses_a_wrong_or_hostile_file_with_the_same_words(territory, personas, client_for, kind):
    content, words = hostile_files(territory)[kind]
    upload = io.BytesIO(content)
    upload.name = "ho.xlsx"
    response = client_for(personas["ward_officer"]).post(reverse("households:import"), {"file": upload})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert words in errors or words in lower_first(errors), errors
    assert not ImportJob.objects.exists()


def test_the_account_import_command_refuses_wrong_files_in_vietnamese(tmp_path, territory):
    out = tmp_path / "passwords.csv"
    cases = {
        "missing.csv": (None, "Không có tệp"),
        "book.xlsx": (xlsx([]), "Đây là tệp Excel"),
        "old.xls": (importing.OLE_MAGIC + b"\0" * 100, "Đây là tệp Excel"),
        "huge.csv": (b"username,full_name,role,unit_code,phone\na," + b"b" * 200_000 + b",village_head,20236-001,\n", "CSV"),
    }
    for name, (content, words) in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(CommandError) as refused:
            call_command("import_accounts", str(path), passwords_out=str(out))
        assert words in str(refused.value), (name, str(refused.value))
    assert not out.exists()


# --- Implausible values ---------------------------------------------------------------------------------


def test_birth_dates_before_1900_or_in_the_future_are_refused_by_the_import(territory):
    tomorrow = timezone.localdate() + timedelta(days=1)
    rows = rows_for(territory, households=1, members=3)
    rows[1][7], rows[1][11] = "31/12/1899", ""
    rows[2][7], rows[2][11] = tomorrow.strftime("%d/%m/%Y"), ""
    result = households_import(file=io.BytesIO(xlsx(rows)), unit=territory["ward"])
    messages = {(e.row, e.message) for e in result.errors}
    assert (3, "Kiểm tra lại năm sinh: trước năm 1900.") in messages
    assert (4, "Ngày sinh không được ở tương lai.") in messages


def test_birth_dates_before_1900_or_in_the_future_are_refused_by_the_household_form():
    with translation.override("vi"):
        for born, message in [
            (timezone.localdate() + timedelta(days=1), "Ngày sinh không được ở tương lai."),
            (date(2030, 3, 10), "Ngày sinh không được ở tương lai."),
            (date(1899, 12, 31), "Kiểm tra lại năm sinh: trước năm 1900."),
        ]:
            form = MemberForm(data={"full_name": "Lê Thị B", "date_of_birth": born.strftime("%d/%m/%Y")})
            assert form.errors.get("date_of_birth") == [message], (born, form.errors.get("date_of_birth"))
        ok = MemberForm(data={"full_name": "Lê Thị B", "date_of_birth": "05/09/1980"})
        assert "date_of_birth" not in ok.errors


def test_phone_numbers_must_be_digits_as_people_type_them(territory):
    villages = type(territory["village"]).objects.filter(pk=territory["village"].pk)
    for phone, ok in [
        ("0905 123 456", True),
        ("0236.3822.123", True),
        ("+84 905-123-456", True),
        ("", True),
        ("0905abc123", False),
        ("090512", False),
        ("0905123456/0905123457", False),
    ]:
        form = HouseholdForm(
            data={"code": "HP-1", "village": territory["village"].pk, "address": "x", "phone": phone}, villages=villages
        )
        assert ("phone" not in form.errors) is ok, (phone, form.errors.get("phone"))
    rows = rows_for(territory, households=1, members=1)
    rows[0][3] = "gọi anh Ba"
    result = households_import(file=io.BytesIO(xlsx(rows)), unit=territory["ward"])
    assert [(e.column, e.message) for e in result.errors] == [
        ("Điện thoại", "Nhập một số điện thoại: từ 8 đến 15 chữ số, có thể tách nhóm bằng dấu cách, dấu chấm hoặc gạch ngang.")
    ]
