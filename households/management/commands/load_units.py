from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from households.territory import units_load


class Command(BaseCommand):
    help = "Load an official GSO list of administrative units (code,name,type,level,parent_code). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, e.g. households/data/danang_units_2025.csv")
        parser.add_argument("--valid-from", type=date.fromisoformat, default=None, help="YYYY-MM-DD for new units")

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            report = units_load(text=text, valid_from=options["valid_from"])
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
