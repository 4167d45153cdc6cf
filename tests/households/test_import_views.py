"""The ward officer's Excel import: upload, the job run by the worker (the immediate backend in tests),
its page with progress and result, the workbook of mistakes. Personas: the importer (ward officer of
20236), another ward officer (commune 20293), a village head, an administrator."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from households.importing import ERROR_HEADER
from households.models import Household, ImportJob, Member
from tests.households.test_importing import household_rows, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def upload(rows, name="ho.xlsx"):
    buffer = workbook_bytes(rows)
    buffer.name = name
    return buffer


def post_file(client, rows):
    return client.post(reverse("households:import"), {"file": upload(rows)})


def stored_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_an_upload_becomes_a_job_whose_page_shows_the_counts(client_for, personas, territory, tmp_path):
    client = client_for(personas["ward_officer"])
    response = post_file(client, household_rows("HN-1", "20236-001", 3))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("households:import_job", args=[job.pk])
    assert (job.status, job.user, job.ward, job.file_name) == ("done", personas["ward_officer"], territory["ward"], "ho.xlsx")
    assert (job.households_created, job.members_created, job.rows_total, job.error_count) == (1, 3, 3, 0)
    assert Household.objects.get(code="HN-1").members.count() == 3
    body = client.get(response["Location"]).content.decode()
    assert "Đã nhập 3 dòng: 1 hộ mới, 0 hộ được cập nhật, 3 thành viên mới, 0 thành viên được cập nhật." in body
    assert 'data-status="done"' in body and "hx-trigger" not in body, "a finished job stops polling"


def test_the_uploaded_file_is_deleted_when_the_job_finishes(client_for, personas, territory, tmp_path):
    client = client_for(personas["ward_officer"])
    post_file(client, household_rows("HN-1", "20236-001", 2))
    bad = household_rows("HN-2", "20236-001", 2)
    bad[1][8] = "?"
    post_file(client, bad)
    ok, failed = ImportJob.objects.order_by("created_at")
    assert not ok.upload and not failed.upload
    # Only the workbook of mistakes stays (until the purge); no upload of either job.
    assert stored_files(tmp_path) == [failed.error_file.name]


def test_one_bad_row_writes_nothing_and_the_page_names_row_and_column_and_offers_the_workbook(client_for, personas, territory):
    rows = household_rows("HN-1", "20236-001", 2)
    rows[1][8] = "?"
    client = client_for(personas["ward_officer"])
    response = post_file(client, rows)
    job = ImportJob.objects.get()
    assert not Household.objects.exists() and not Member.objects.exists()
    assert (job.status, job.error_count) == ("done", 1)
    assert job.errors == [{"row": 3, "column": "Giới tính Nam/Nữ (*)", "message": "Ghi “Nam” hoặc “Nữ”."}]
    body = client.get(response["Location"]).content.decode()
    assert "Chưa lưu gì: tệp có 1 lỗi." in body
    assert "<td>3</td><td>Giới tính Nam/Nữ (*)</td>" in body
    errors_url = reverse("households:import_job_errors", args=[job.pk])
    assert errors_url in body
    download = client.get(errors_url)
    table = list(load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert table[0][-1] == ERROR_HEADER
    assert table[1][-1] in ("", None) and "Nam" in table[2][-1]


def test_importing_the_same_file_again_changes_nothing(client_for, personas, territory):
    client = client_for(personas["ward_officer"])
    rows = household_rows("HN-1", "20236-001", 3)
    post_file(client, rows)
    history = (Household.history.count(), Member.history.count())
    response = post_file(client, rows)
    again = ImportJob.objects.order_by("-created_at").first()
    assert again.ok
    assert (again.households_created, again.households_updated, again.members_created, again.members_updated) == (0, 0, 0, 0)
    assert (Household.history.count(), Member.history.count()) == history
    assert "0 hộ mới, 0 hộ được cập nhật, 0 thành viên mới" in client.get(response["Location"]).content.decode()


def test_a_ward_officer_cannot_import_into_another_ward(client_for, personas, territory):
    client = client_for(personas["commune_officer"])
    post_file(client, household_rows("HN-1", "20236-001", 1))
    job = ImportJob.objects.get()
    assert job.error_count and "không phải là thôn/tổ dân phố thuộc địa bàn" in job.errors[0]["message"]
    assert not Household.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused_on_the_form_and_no_job_starts(client_for, personas, territory):
    bad = io.BytesIO(b"not a zip")
    bad.name = "ho.xlsx"
    response = client_for(personas["ward_officer"]).post(reverse("households:import"), {"file": bad})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused_on_the_form(client_for, personas, territory, settings):
    settings.IMPORT_MAX_MB = 1
    client = client_for(personas["ward_officer"])
    big = io.BytesIO(b"PK" + b"0" * (1024 * 1024))
    big.name = "ho.xlsx"
    response = client.post(reverse("households:import"), {"file": big})
    assert "lớn hơn 1 MB" in str(response.context["form"].errors["file"])
    import zipfile

    bomb = io.BytesIO()  # small on the wire, 30 MB unpacked
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (30 * 1024 * 1024))
    bomb.seek(0)
    bomb.name = "ho.xlsx"
    response = client.post(reverse("households:import"), {"file": bomb})
    assert "lớn hơn 1 MB" in str(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_a_damaged_workbook_fails_in_the_worker_with_a_clear_message_and_nothing_kept(client_for, personas, territory, tmp_path):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")  # looks like a workbook to the form; has no sheet
    buffer.seek(0)
    buffer.name = "hong.xlsx"
    client = client_for(personas["ward_officer"])
    response = client.post(reverse("households:import"), {"file": buffer})
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.finished_at and not job.upload
    assert stored_files(tmp_path) == []
    body = client.get(response["Location"]).content.decode()
    assert "Chưa lưu gì." in body and "Excel" in body
    assert client.get(reverse("households:import_job_errors", args=[job.pk])).status_code == 404


def test_a_running_job_reports_its_progress_and_keeps_polling(client_for, personas, territory):
    job = ImportJob.objects.create(
        user=personas["ward_officer"], ward=territory["ward"], status="running", rows_total=4000, rows_done=1000
    )
    body = client_for(personas["ward_officer"]).get(reverse("households:import_job_progress", args=[job.pk])).content
    body = body.decode()
    assert 'aria-valuenow="25"' in body and "hx-trigger" in body
    assert "Đã kiểm tra 1000 trên 4000 dòng" in body


@pytest.mark.parametrize(
    ("persona", "status"),
    [("ward_officer", 200), ("commune_officer", 404), ("admin", 404), ("village_head", 403), ("district_officer", 403)],
)
def test_only_the_importer_sees_the_job_and_its_workbook(client_for, personas, territory, persona, status):
    job = ImportJob.objects.create(
        user=personas["ward_officer"],
        ward=territory["ward"],
        status="done",
        error_count=1,
        errors=[{"row": 2, "column": "", "message": "x"}],
    )
    job.error_file.save("loi.xlsx", ContentFile(b"PK"))
    client = client_for(personas[persona])
    for name in ("import_job", "import_job_progress", "import_job_errors"):
        assert client.get(reverse(f"households:{name}", args=[job.pk])).status_code == status, name


def test_the_import_page_lists_the_officers_own_recent_imports(client_for, personas, territory, django_assert_num_queries):
    mine = ImportJob.objects.create(
        user=personas["ward_officer"], ward=territory["ward"], status="done", file_name="cua-toi.xlsx", households_created=7
    )
    ImportJob.objects.create(user=personas["commune_officer"], ward=territory["commune"], file_name="cua-nguoi-khac.xlsx")
    client = client_for(personas["ward_officer"])
    # session, user, assignment (scope), stale running jobs (none), the recent imports.
    with django_assert_num_queries(5):
        body = client.get(reverse("households:import")).content.decode()
    assert "cua-toi.xlsx" in body and reverse("households:import_job", args=[mine.pk]) in body
    assert "7 hộ mới" in body
    assert "cua-nguoi-khac.xlsx" not in body


def test_a_file_that_does_not_record_its_size_shows_a_count_without_a_total(client_for, personas, territory):
    job = ImportJob.objects.create(user=personas["ward_officer"], ward=territory["ward"], status="running", rows_done=3000)
    body = client_for(personas["ward_officer"]).get(reverse("households:import_job_progress", args=[job.pk])).content
    assert "Đã kiểm tra 3000 dòng" in body.decode() and "hx-trigger" in body.decode()
