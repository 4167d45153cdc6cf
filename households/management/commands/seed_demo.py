import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from households.demo import (
    DEMO_WARD,
    STAGE_WARDS,
    demo_name,
    ensure_villages,
    head_username,
    iter_demo_users,
    seed_households,
)
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
        self._demo_users(structure, seed=options["seed"])
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s."))

    @transaction.atomic
    def _demo_users(self, structure: str, *, seed: int) -> None:
        # One hash for every new demo login: hashing is slow on purpose, and a hundred heads get a login.
        hashed = make_password(DEMO_PASSWORD)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, unit_code, is_superuser in iter_demo_users(structure):
            full_name = "" if is_superuser else demo_name(seed, username)
            unit = self._login(username, role, unit_code, is_superuser, hashed, full_name)
            label = f"{Assignment.Role(role).label} – {unit.name}" if unit else "Administrator"
            self.stdout.write(f"  {username:24} {label}")
        # A head for every village of the demo ward and of the stage wards (reviews.demo.seed_stages).
        wards = [DEMO_WARD[structure], *(code for _stage, code, _slug in STAGE_WARDS[structure])]
        heads = {}
        for code, ward_code in (
            AdminUnit.objects.current()
            .villages()
            .filter(parent__code__in=wards)
            .order_by("code")
            .values_list("code", "parent__code")
        ):
            username = head_username(structure, code)
            self._login(username, Assignment.Role.VILLAGE_HEAD, code, False, hashed, demo_name(seed, username))
            heads[ward_code] = heads.get(ward_code, 0) + 1
        names = dict(AdminUnit.objects.filter(code__in=wards).values_list("code", "name"))
        patterns = [("totruong.<n>", wards[0])] + [
            (f"totruong.{slug}.<n>", code) for _stage, code, slug in STAGE_WARDS[structure]
        ]
        for pattern, code in patterns:
            text = _("%(role)s – village number n of %(ward)s (n = 1…%(count)d)") % {
                "role": Assignment.Role.VILLAGE_HEAD.label,
                "ward": names[code],
                "count": heads.get(code, 0),
            }
            self.stdout.write(f"  {pattern:24} {text}")

    def _login(self, username, role, unit_code, is_superuser, hashed, full_name):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_superuser": is_superuser, "is_staff": is_superuser, "password": hashed}
        )
        if not user.first_name and full_name:
            user.first_name = full_name
            user.save(update_fields=["first_name"])
        if not role:
            return None
        unit = AdminUnit.objects.get(code=unit_code)
        Assignment.objects.update_or_create(user=user, defaults={"role": role, "unit": unit})
        return unit
