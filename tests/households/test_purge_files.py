"""`manage.py purge_files`: stored files holding personal data (workbooks of mistakes, uploads a
worker never finished, Excel exports) go once their job is older than FILE_RETENTION_DAYS; the pages
then say the file was removed instead of failing."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from households.models import ImportJob
from policies.models import PovertyStandard
from policies.services import standards_load
from reviews import services
from reviews.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FILE_RETENTION_DAYS = 7


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def days_ago(n):
    return timezone.now() - timedelta(days=n)


def import_job(personas, territory, *, finished_days_ago, **extra):
    job = ImportJob.objects.create(
        user=personas["ward_officer"],
        ward=territory["ward"],
        status="done",
        error_count=1,
        errors=[{"row": 2, "column": "Mã hộ (*)", "message": "Ô này là bắt buộc."}],
        **extra,
    )
    job.error_file.save("loi.xlsx", ContentFile(b"PK errors"))
    ImportJob.objects.filter(pk=job.pk).update(finished_at=days_ago(finished_days_ago))
    job.refresh_from_db()
    return job


@pytest.fixture
def round_(personas):
    standards_load()
    national = PovertyStandard.objects.get(code="national-2022")
    return services.round_open(user=personas["city_officer"], year=2026, standards=[national], primary_standard=national)


def export_job(personas, territory, round_, *, finished_days_ago):
    job = ExportJob.objects.create(
        user=personas["city_officer"], round=round_, unit=territory["city"], report="poor", status="done"
    )
    job.file.save("poor.xlsx", ContentFile(b"PK export"))
    ExportJob.objects.filter(pk=job.pk).update(finished_at=days_ago(finished_days_ago))
    job.refresh_from_db()
    return job


def purge(*args):
    out = io.StringIO()
    call_command("purge_files", *args, stdout=out)
    return out.getvalue()


def test_purge_removes_files_of_jobs_past_retention_and_keeps_recent_ones(personas, territory, round_, tmp_path):
    old_import = import_job(personas, territory, finished_days_ago=8)
    new_import = import_job(personas, territory, finished_days_ago=6)
    old_export = export_job(personas, territory, round_, finished_days_ago=8)
    new_export = export_job(personas, territory, round_, finished_days_ago=1)
    old_names = [old_import.error_file.name, old_export.file.name]

    assert "1 imports and 1 exports" in purge()

    for name in old_names:
        assert not default_storage.exists(name)
        assert not (tmp_path / name).parent.exists(), "the job's folder goes too"
    assert default_storage.exists(new_import.error_file.name) and default_storage.exists(new_export.file.name)
    old_import.refresh_from_db()
    old_export.refresh_from_db()
    new_import.refresh_from_db()
    assert old_import.files_removed_at and not old_import.error_file
    assert old_import.error_count == 1 and old_import.errors, "the result stays readable"
    assert old_export.file_removed_at and not old_export.file
    assert new_import.files_removed_at is None
    assert "0 imports and 0 exports" in purge(), "a second run has nothing left to do"


def test_days_defaults_to_the_setting_and_can_be_given(personas, territory, settings):
    job = import_job(personas, territory, finished_days_ago=3)
    settings.FILE_RETENTION_DAYS = 5
    purge()
    assert not ImportJob.objects.get(pk=job.pk).files_removed_at
    purge("--days", "2")
    assert ImportJob.objects.get(pk=job.pk).files_removed_at


def test_an_upload_the_worker_never_finished_is_removed_and_the_job_marked_failed(personas, territory):
    job = ImportJob.objects.create(user=personas["ward_officer"], ward=territory["ward"], status="queued")
    job.upload.save("upload.xlsx", ContentFile(b"PK upload"))
    ImportJob.objects.filter(pk=job.pk).update(created_at=days_ago(8))
    name = job.upload.name
    purge()
    job.refresh_from_db()
    assert not default_storage.exists(name)
    assert (job.status, bool(job.finished_at), bool(job.files_removed_at)) == ("failed", True, True)


def test_workbooks_of_mistakes_from_before_import_jobs_are_purged_by_age(tmp_path):
    old = default_storage.save("import-errors/3/old.xlsx", ContentFile(b"PK"))
    new = default_storage.save("import-errors/3/new.xlsx", ContentFile(b"PK"))
    # Both times from the portal's clock (a file's mtime is the machine's: with the clock moved, as CI does,
    # a file written "now" would otherwise look a year old).
    now = time.time()
    os.utime(tmp_path / new, (now, now))
    os.utime(tmp_path / old, (now - 8 * 86400, now - 8 * 86400))
    assert "(1 older workbooks of mistakes)" in purge()
    assert not default_storage.exists(old) and default_storage.exists(new)


def test_an_expired_workbook_of_mistakes_answers_with_a_clear_message(client_for, personas, territory):
    job = import_job(personas, territory, finished_days_ago=8)
    purge()
    client = client_for(personas["ward_officer"])
    response = client.get(reverse("households:import_job_errors", args=[job.pk]))
    assert response.status_code == 410
    assert "Tệp này chứa dữ liệu cá nhân nên đã được xóa sau 7 ngày" in response.content.decode()
    page = client.get(reverse("households:import_job", args=[job.pk])).content.decode()
    assert "Tệp kèm cột ghi lỗi đã được xóa" in page
    assert reverse("households:import_job_errors", args=[job.pk]) not in page
    assert "Mã hộ (*)" in page, "the list of mistakes is still shown"


def test_a_job_past_retention_is_not_served_even_before_the_purge_runs(client_for, personas, territory, round_):
    job = import_job(personas, territory, finished_days_ago=8)
    export = export_job(personas, territory, round_, finished_days_ago=8)
    assert client_for(personas["ward_officer"]).get(reverse("households:import_job_errors", args=[job.pk])).status_code == 410
    assert client_for(personas["city_officer"]).get(reverse("reviews:export_download", args=[export.pk])).status_code == 410


def test_an_expired_export_answers_with_a_clear_message_and_its_page_says_so(client_for, personas, territory, round_):
    job = export_job(personas, territory, round_, finished_days_ago=8)
    purge()
    client = client_for(personas["city_officer"])
    response = client.get(reverse("reviews:export_download", args=[job.pk]))
    assert response.status_code == 410
    assert "đã được xóa sau 7 ngày" in response.content.decode()
    progress = client.get(reverse("reviews:export_progress", args=[job.pk])).content.decode()
    assert "Tệp đã được xóa" in progress and reverse("reviews:export_download", args=[job.pk]) not in progress


def test_a_file_missing_from_storage_is_reported_as_removed_not_a_crash(client_for, personas, territory):
    job = import_job(personas, territory, finished_days_ago=1)
    default_storage.delete(job.error_file.name)
    response = client_for(personas["ward_officer"]).get(reverse("households:import_job_errors", args=[job.pk]))
    assert response.status_code == 410


def test_a_negative_number_of_days_is_refused():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--days"):
        purge("--days", "-1")
