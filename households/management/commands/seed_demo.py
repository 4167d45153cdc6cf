import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from households.demo import DEMO_USER_NAMES, ensure_villages, iter_demo_users, seed_households
from households.duplicates import duplicates_rebuild
from households.models import AdminUnit, Assignment
from households.territory import STRUCTURE_FILES

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - demo data only; refused unless DEMO_DATA_ALLOWED


class Command(BaseCommand):
    help = "Load real Đà Nẵng units and generate demo villages, households, members and one login per role."

    def add_arguments(self, parser):
        parser.add_argument("--structure", choices=sorted(STRUCTURE_FILES), default="2025")
        parser.add_argument("--households", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--villages-per-ward", type=int, nargs=2, metavar=("MIN", "MAX"), default=None)

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled here (set DEMO_DATA_ALLOWED=1 on a non-production machine).")
        if options["households"] < 0:
            raise CommandError("--households must be zero or more.")
        started = time.monotonic()
        structure = options["structure"]
        call_command("load_units", str(STRUCTURE_FILES[structure]), stdout=self.stdout)
        per_ward = tuple(options["villages_per_ward"] or ((45, 55) if structure == "2023" else (25, 35)))
        villages = ensure_villages(seed=options["seed"], per_ward=per_ward)
        self.stdout.write(f"Villages: {villages} created, {AdminUnit.objects.villages().current().count()} in all")

        def progress(done, total):
            if total >= 50_000:
                self.stdout.write(f"  {done:,}/{total:,} households ({time.monotonic() - started:.0f} s)")

        report = seed_households(total=options["households"], seed=options["seed"], progress=progress)
        self.stdout.write(f"Households: {report.households_created:,} created; members: {report.members_created:,} created")
        found = duplicates_rebuild()  # the members went in by COPY / bulk insert, past the services
        self.stdout.write(f"Possible duplicates: {found.found:,} new pairs")
        self._demo_users(structure)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s."))

    @transaction.atomic
    def _demo_users(self, structure: str) -> None:
        User = get_user_model()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, unit_code, is_superuser in iter_demo_users(structure):
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_superuser": is_superuser, "is_staff": is_superuser}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            if not user.first_name:
                user.first_name = DEMO_USER_NAMES.get(username, "")
            user.save()
            if role:
                unit = AdminUnit.objects.get(code=unit_code)
                Assignment.objects.update_or_create(user=user, defaults={"role": role, "unit": unit})
                label = f"{Assignment.Role(role).label} – {unit.name}"
            else:
                label = "Administrator"
            self.stdout.write(f"  {username:16} {label}")
