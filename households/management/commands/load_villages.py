from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from households.territory import villages_import


class Command(BaseCommand):
    help = "Import villages / residential groups from CSV with columns parent_code,name (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8") as fh:
                created, present = villages_import(text=fh.read())
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{created} created, {present} already present"))
