"""Recompute the duplicate review's table from the registry (households.duplicates)."""

from django.core.management.base import BaseCommand

from households.duplicates import duplicates_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the possible duplicates (same ID number; same name and date of birth across households) "
        "from the members. The portal keeps the table up to date on every write; run this after data was "
        "written outside it (a repair by hand, a restore). Decisions are kept; idempotent."
    )

    def handle(self, *args, **options):
        report = duplicates_rebuild()
        self.stdout.write(
            f"Possible duplicates: {report.found} new, {report.reopened} matching again, {report.gone} no longer matching."
        )
