from django.core.management.base import BaseCommand, CommandError

from reviews import tallies
from reviews.models import ReviewRound


class Command(BaseCommand):
    help = (
        "Recount the dashboards' per-village tallies of review rounds from their cases and results "
        "(after data was written outside the portal's services, e.g. a repair by hand). "
        "With --check, only report the differences."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, action="append", dest="rounds", help="round id (default: every round)")
        parser.add_argument("--check", action="store_true", help="report differences, change nothing; exit 1 if any")

    def handle(self, *args, rounds=None, check=False, **options):
        ids = rounds or list(ReviewRound.objects.order_by("pk").values_list("pk", flat=True))
        unknown = set(ids) - set(ReviewRound.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if unknown:
            raise CommandError(f"No such round: {sorted(unknown)}")
        wrong = 0
        for round_id in ids:
            if check:
                diff = tallies.differences(round_id)
                wrong += len(diff)
                self.stdout.write(f"round {round_id}: {len(diff)} tallies differ from a fresh count")
            else:
                self.stdout.write(f"round {round_id}: {tallies.rebuild(round_id)} tally rows")
        if wrong:
            raise CommandError(f"{wrong} tallies differ: run rebuild_tallies without --check.")
