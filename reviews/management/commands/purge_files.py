from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from households.import_jobs import import_files_purge, legacy_error_files_purge
from households.retention import retention_cutoff
from reviews.exports import export_files_purge


class Command(BaseCommand):
    # Lives in reviews because it purges both apps' files (reviews imports households, never the reverse).
    help = (
        "Delete stored files that hold personal data once their job finished more than --days ago: imported "
        "workbooks, workbooks of mistakes and Excel exports. The jobs stay and their pages say the file was "
        "removed. Run it daily (cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.FILE_RETENTION_DAYS,
            help="keep files of jobs finished within this many days (default: FILE_RETENTION_DAYS, %(default)s)",
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        before = retention_cutoff(days=days)
        imports = import_files_purge(before=before)
        legacy = legacy_error_files_purge(before=before)
        exports = export_files_purge(before=before)
        self.stdout.write(
            f"Removed the files of {imports} imports and {exports} exports finished before {before:%Y-%m-%d %H:%M} "
            f"({legacy} older workbooks of mistakes)."
        )
