"""Move every village of the old (2023) wards/communes onto the new (2025) ones (households.reorganisation).

    manage.py reorganise --mapping households/data/reorganisation_2023_2025_demo.csv --user thanhpho --dry-run
    manage.py reorganise --mapping FILE --user thanhpho --reason "NQ 1659/NQ-UBTVQH15"
    manage.py reorganise --write-demo-mapping households/data/reorganisation_2023_2025_demo.csv

Loads the new unit list first if the registry does not have it yet. Idempotent; one transaction.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from households.reorganisation import demo_mapping, reorganise
from households.territory import STRUCTURE_FILES


def _read(path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = "Move the villages of the old wards/communes onto the new ones by a mapping file. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--mapping", help="CSV: kind,old_code,old_name,new_code,new_name,source")
        parser.add_argument("--units", default=str(STRUCTURE_FILES["2025"]), help="The new unit list (GSO CSV).")
        parser.add_argument("--user", help="Username of the city officer or administrator acting.")
        parser.add_argument("--reason", default="", help="Why (default: the 2025 arrangement resolution).")
        parser.add_argument("--dry-run", action="store_true", help="Do everything, report it, and roll it back.")
        parser.add_argument(
            "--write-demo-mapping", metavar="FILE", help="Write the demo mapping of the shipped 2023 and 2025 files."
        )

    def handle(self, *args, **options):
        if options["write_demo_mapping"]:
            text = demo_mapping(_read(STRUCTURE_FILES["2023"]), _read(STRUCTURE_FILES["2025"]))
            Path(options["write_demo_mapping"]).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(options["write_demo_mapping"]))
            return
        if not options["mapping"] or not options["user"]:
            raise CommandError(_("Give --mapping and --user."))
        user = self._user(options["user"])
        reason = options["reason"] or _("Arrangement of ward/commune-level units from 1 July 2025 (Resolution 1659/NQ-UBTVQH15)")
        try:
            report = reorganise(
                mapping_text=_read(options["mapping"]),
                units_text=_read(options["units"]),
                user=user,
                reason=reason,
                dry_run=options["dry_run"],
            )
        except PermissionDenied as exc:
            raise CommandError(_("%(user)s may not change the territory.") % {"user": user.get_username()}) from exc
        except ValidationError as exc:
            raise CommandError("\n".join([_("Refused; nothing was changed."), *exc.messages])) from exc
        if report.demo:
            self.stdout.write(self.style.WARNING(_("This is the DEMO mapping, not the city's official one.")))
        if report.loaded is not None:
            self.stdout.write(_("New unit list loaded: %(summary)s.") % {"summary": report.loaded.summary()})
        if report.unknown_rows:
            self.stdout.write(
                _("%(count)d mapping rows name no unit of the registry (ignored).") % {"count": report.unknown_rows}
            )
        if report.left:
            self.stdout.write(
                _("Left in place (no households, not in the mapping): %(codes)s") % {"codes": ", ".join(report.left)}
            )
        if report.nothing_to_do:
            self.stdout.write(self.style.SUCCESS(_("Nothing to do: every village is already under its new ward/commune.")))
            return
        if options["verbosity"] > 1:
            for move in report.moves:
                renamed = f" → “{move.renamed_to}”" if move.renamed_to else ""
                self.stdout.write(f"  {move.village} {move.name}{renamed}: {move.from_ward} → {move.to_ward}")
        message = _(
            "%(villages)d villages moved with %(households)d households; %(kept)d old units became new ones in place."
        ) % {"villages": len(report.moves), "households": report.households, "kept": len(report.kept_in_place)}
        if report.dry_run:
            message += " " + _("(Dry run: nothing was changed.)")
        self.stdout.write(self.style.SUCCESS(message))

    def _user(self, username):
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No active user “%(user)s”.") % {"user": username}) from None
