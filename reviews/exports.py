"""Long Excel exports: a job row per request, written by the task worker, offered to its owner only."""

from __future__ import annotations

import tempfile
from datetime import datetime

from django.conf import settings
from django.core.files import File
from django.utils import timezone, translation

from households.models import AdminUnit
from households.retention import storage_delete
from reviews import reports
from reviews.models import ExportJob, ReviewRound


def export_request(*, user, round_: ReviewRound, unit: AdminUnit, report: str, rows_total: int) -> ExportJob:
    """Record the job and hand it to the worker (the unit was fetched through the user's scope)."""
    from reviews.tasks import run_export

    job = ExportJob.objects.create(user=user, round=round_, unit=unit, report=report, rows_total=rows_total)
    result = run_export.enqueue(str(job.pk))
    ExportJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def export_run(job_id: str) -> str:
    """Build the workbook into a temporary file, then store it under MEDIA_ROOT/exports/<job>/."""
    job = ExportJob.objects.select_related("round", "round__primary_standard", "unit", "unit__parent", "user").get(pk=job_id)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

    try:
        with translation.override(settings.LANGUAGE_CODE), tempfile.TemporaryFile() as tmp:
            report = reports.build_report(job.report, job.round, job.unit, job.user)
            written = reports.write_workbook(report, tmp, round_=job.round, unit=job.unit, progress=progress)
            tmp.seek(0)
            job.file.save(report.filename(job.unit, job.round), File(tmp), save=False)
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, file=job.file.name, rows_done=written, rows_total=written, finished_at=timezone.now()
    )
    return job.file.name


def export_files_purge(*, before: datetime) -> int:
    """Delete the files of exports finished before ``before``; the job stays and its page says the file
    was removed. Returns the number of files deleted."""
    now = timezone.now()
    count = 0
    for job in ExportJob.objects.filter(file_removed_at__isnull=True, finished_at__lt=before).exclude(file="").iterator():
        storage_delete(job.file.name)
        ExportJob.objects.filter(pk=job.pk).update(file="", file_removed_at=now)
        count += 1
    return count
