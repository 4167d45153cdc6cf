"""Excel imports run by the task worker: a job row per upload, offered to its importer only.

The import itself is ``importing.households_import`` (every row checked first, all or nothing); this
module stores the upload, runs it in the worker, records the result and deletes the files that hold
personal data: the upload as soon as the job finishes, the workbook of mistakes after retention.
"""

from __future__ import annotations

import contextlib
import os
import zipfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from households import importing
from households.models import AdminUnit, ImportJob
from households.retention import storage_delete

UPLOAD_NAME = "upload.xlsx"
ERRORS_NAME = "loi-nhap-ho-gia-dinh.xlsx"
# Folder of the error workbooks written inside the request before imports moved to the worker.
LEGACY_ERRORS_DIR = "import-errors"
UNREADABLE = (OSError, ValueError, KeyError, zipfile.BadZipFile)


def import_job_request(*, user, ward: AdminUnit, upload: UploadedFile) -> ImportJob:
    """Store the upload and hand it to the worker (``ward`` is the importer's own ward)."""
    from households.tasks import run_import

    job = ImportJob(user=user, ward=ward, file_name=os.path.basename(upload.name or "")[:255])
    job.upload.save(UPLOAD_NAME, upload, save=False)
    job.save()
    result = run_import.enqueue(str(job.pk))
    ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def import_job_run(job_id: str) -> str:
    """Check and import the stored upload, record the counts or the mistakes, then delete the upload."""
    import_jobs_fail_stale()  # the jobs of a worker that died before this one started
    job = ImportJob.objects.select_related("ward", "user").get(pk=job_id)
    # A task delivered twice must not import twice.
    if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now()
    ):
        return job.status

    def progress(done: int, total: int) -> None:
        # A file that does not record its size (or records a wrong one) shows a count without a bar.
        # Also the heartbeat; best effort: a busy database (SQLite while another import writes) must
        # not end the import.
        with contextlib.suppress(DatabaseError):
            ImportJob.objects.filter(pk=job.pk).update(
                rows_done=done, rows_total=total if total >= done else 0, heartbeat_at=timezone.now()
            )

    try:
        with translation.override(settings.LANGUAGE_CODE):
            with job.upload.open("rb") as handle:
                result = importing.households_import(file=handle, unit=job.ward, user=job.user, progress=progress)
            if not result.ok:
                with job.upload.open("rb") as handle:
                    content = importing.error_workbook(handle, result.errors)
                job.error_file.save(ERRORS_NAME, ContentFile(content), save=False)
    except importing.ImportRefused as exc:
        # The file as a whole (its kind, header, size) or another import of the ward: the page says why.
        storage_delete(job.error_file.name)
        _finish(job, status=ImportJob.Status.FAILED, failure=repr(exc)[:2000], message=exc.message)
        return job.status
    except Exception as exc:
        storage_delete(job.error_file.name)
        _finish(job, status=ImportJob.Status.FAILED, failure=repr(exc)[:2000])
        if isinstance(exc, UNREADABLE):
            return job.status  # a damaged workbook: the page says so, nothing for the administrator
        raise
    _finish(
        job,
        status=ImportJob.Status.DONE,
        rows_total=result.rows,
        rows_done=result.rows,
        households_created=result.households_created,
        households_updated=result.households_updated,
        members_created=result.members_created,
        members_updated=result.members_updated,
        error_count=result.error_count,
        message="\n".join(result.notices),
        errors=[{"row": e.row, "column": e.column, "message": e.message} for e in result.errors[: ImportJob.ERRORS_KEPT]],
        error_file=job.error_file.name or "",
    )
    return job.status


def _finish(job: ImportJob, **fields) -> None:
    # The upload holds every ID number of the file: it goes whatever the outcome.
    storage_delete(job.upload.name)
    ImportJob.objects.filter(pk=job.pk).update(upload="", finished_at=timezone.now(), **fields)
    job.status = fields["status"]


def import_jobs_fail_stale() -> int:
    """Mark failed the running jobs whose worker stopped reporting IMPORT_STALE_MINUTES ago (killed,
    out of memory), and delete their uploads (personal data). Run when the worker starts a job and when
    an importer's pages are read. Returns the number of jobs marked."""
    cutoff = timezone.now() - timedelta(minutes=settings.IMPORT_STALE_MINUTES)
    stale = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    count = 0
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "The worker stopped while checking this file (it was restarted or ran out of memory), so nothing was "
            "saved and the uploaded file was deleted. Import the file again; if this happens again, tell the "
            "administrator."
        )
    for job in stale.iterator():
        # Only if it is still running and still silent (the worker may have just finished it).
        marked = (
            ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING)
            .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True))
            .update(
                status=ImportJob.Status.FAILED,
                failure=f"no heartbeat for {settings.IMPORT_STALE_MINUTES} minutes (worker died?)",
                message=message,
                upload="",
                finished_at=timezone.now(),
            )
        )
        if marked:
            storage_delete(job.upload.name)
            count += 1
    return count


def import_files_purge(*, before: datetime) -> int:
    """Delete the stored files of imports finished before ``before`` (and of jobs the worker never
    finished by then); the rows stay, so the page still shows the counts and says the file is gone.
    Returns the number of jobs purged."""
    now = timezone.now()
    jobs = ImportJob.objects.filter(files_removed_at__isnull=True).filter(
        Q(finished_at__lt=before) | Q(finished_at__isnull=True, created_at__lt=before)
    )
    count = 0
    for job in jobs.iterator():
        storage_delete(job.upload.name)
        storage_delete(job.error_file.name)
        fields = {"upload": "", "error_file": "", "files_removed_at": now}
        if job.finished_at is None:
            fields |= {"status": ImportJob.Status.FAILED, "failure": "not finished before retention", "finished_at": now}
        ImportJob.objects.filter(pk=job.pk).update(**fields)
        count += 1
    return count


def legacy_error_files_purge(*, before: datetime) -> int:
    """Workbooks of mistakes from before imports had jobs (``import-errors/<user>/<token>.xlsx``), last
    written before ``before``. Returns the number of files deleted."""
    removed = 0
    try:
        folders, _files = default_storage.listdir(LEGACY_ERRORS_DIR)
    except FileNotFoundError:
        return 0
    for folder in folders:
        _subfolders, names = default_storage.listdir(f"{LEGACY_ERRORS_DIR}/{folder}")
        for name in names:
            path = f"{LEGACY_ERRORS_DIR}/{folder}/{name}"
            if default_storage.get_modified_time(path) < before:
                storage_delete(path)
                removed += 1
    return removed
