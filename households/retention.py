"""How long stored files that hold personal data (imports, their mistakes, exports) are kept."""

from __future__ import annotations

import contextlib
import os
import posixpath
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone


def retention_cutoff(*, days: int | None = None, now: datetime | None = None) -> datetime:
    """Files of jobs that finished before this moment are past retention (``FILE_RETENTION_DAYS``)."""
    return (now or timezone.now()) - timedelta(days=settings.FILE_RETENTION_DAYS if days is None else days)


def storage_delete(name: str) -> None:
    """Delete a stored file, and its folder once empty (each job has its own). A file already gone
    (removed by hand, a second purge) is not an error."""
    if not name:
        return
    default_storage.delete(name)
    # Storages without folders (object stores) have no path(); a folder still in use stays.
    with contextlib.suppress(NotImplementedError, OSError):
        os.rmdir(default_storage.path(posixpath.dirname(name)))


def past_retention(finished_at: datetime | None, removed_at: datetime | None) -> bool:
    """A job's file is gone or due to go: removed by the purge, or finished longer ago than retention
    (the purge runs daily, so a download between the two must not serve a file it is about to delete)."""
    return removed_at is not None or (finished_at is not None and finished_at < retention_cutoff())
