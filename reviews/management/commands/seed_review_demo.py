from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from households.models import AdminUnit, Assignment
from reviews.demo import (
    seed_current_round,
    seed_previous_round,
    seed_requests,
    seed_resident_counts,
    seed_survey_progress,
)


class Command(BaseCommand):
    help = (
        "Demo review data: a closed 2025 round with official lists, Form 01 requests, and the open 2026 round, "
        "surveyed for the most part outside the demo users' ward."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled here (set DEMO_DATA_ALLOWED=1 on a non-production machine).")
        call_command("load_standards", stdout=self.stdout)
        ward = Assignment.objects.filter(role=Assignment.Role.WARD_OFFICER).select_related("unit", "user").first()
        if ward is None:
            raise CommandError("Run seed_demo first.")
        listed = seed_previous_round(seed=options["seed"], focus_ward_code=ward.unit.code)
        villages = list(AdminUnit.objects.filter(parent=ward.unit).values_list("code", flat=True)[:3])
        requests = seed_requests(seed=options["seed"], village_codes=villages, ward_officer_username=ward.user.username)
        round_ = seed_current_round()
        residents = seed_resident_counts(year=round_.year)
        surveyed = seed_survey_progress(round_, seed=options["seed"], keep_ward_code=ward.unit.code)
        self.stdout.write(
            self.style.SUCCESS(
                f"2025 lists: {listed} households; requests: {requests}; demo resident counts: {residents}; open round: {round_.name} with {round_.cases.count()} households in scope, {surveyed} surveyed outside {ward.unit.name}"
            )
        )
