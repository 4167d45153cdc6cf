from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.holidays import DATA_FILE, holidays_load


class Command(BaseCommand):
    help = (
        "Create the public holidays of reviews/data/public_holidays.csv that are not loaded yet (idempotent). "
        "The file ships only the fixed days of the Labour Code 2019 (45/2019/QH14), Article 112: 1 January, "
        "30 April, 1 May and 2 September, 2025–2030. Tết, Hùng Kings' day, the second National Day holiday, "
        "compensatory days off and declared working days are announced by the government each year: the "
        "portal's holiday page suggests them from the lunar calendar and the city officer confirms each."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA_FILE, help="CSV file (date,name,note); default: the shipped one")

    def handle(self, *args, **options):
        try:
            created = holidays_load(path=options["file"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"{options['file']}: {exc}") from exc
        years = sorted({d.year for d in created})
        detail = f" ({years[0]}–{years[-1]})" if years else " (all present)"
        self.stdout.write(self.style.SUCCESS(f"Public holidays created: {len(created)}{detail}"))
