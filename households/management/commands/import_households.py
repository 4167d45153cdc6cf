"""``manage.py import_households FILE.xlsx --unit CODE``: the web import's checks, limits and
Vietnamese messages, without the worker. A wrong or hostile file (missing, .xls, CSV, truncated, XML
entities, too many rows…) or another import running for the ward ends with one sentence, never a
traceback; nothing is written."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from households.access import scope_of
from households.importing import ImportRefused, households_import
from households.models import AdminUnit


class Command(BaseCommand):
    help = "Import households and members from an Excel file (the portal's template) into one unit's area."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the .xlsx file")
        parser.add_argument("--unit", required=True, help="code of the ward/commune (or any unit) the rows must lie in")
        parser.add_argument("--user", help="username recorded in the history; the unit must lie in their area")

    def handle(self, *args, file, unit, user=None, **options):
        try:
            target = AdminUnit.objects.get(code=unit)
        except AdminUnit.DoesNotExist:
            raise CommandError(f"No unit with code {unit!r}.") from None
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"No user {user!r}.")
            if not scope_of(importer).covers(target):
                raise CommandError(f"Unit {unit} is outside {user}'s area.")
        with translation.override("vi"):
            try:
                result = households_import(file=file, unit=target, user=importer)
            except ImportRefused as exc:
                raise CommandError(_("Nothing was written: %(reason)s") % {"reason": exc.message}) from None
            for notice in result.notices:
                self.stderr.write(notice)
            if not result.ok:
                for error in result.errors:
                    self.stderr.write(
                        _("row %(row)s, %(column)s: %(message)s")
                        % {"row": error.row, "column": error.column or "-", "message": error.message}
                    )
                if result.error_count > len(result.errors):
                    self.stderr.write(
                        _("… and %(n)s more mistakes (only the first %(kept)s are listed).")
                        % {"n": result.error_count - len(result.errors), "kept": len(result.errors)}
                    )
                raise CommandError(_("%(n)s errors; nothing was written.") % {"n": result.error_count})
            self.stdout.write(
                _(
                    "Imported %(rows)s rows: %(hc)s new households, %(hu)s households updated, "
                    "%(mc)s new members, %(mu)s members updated."
                )
                % {
                    "rows": result.rows,
                    "hc": result.households_created,
                    "hu": result.households_updated,
                    "mc": result.members_created,
                    "mu": result.members_updated,
                }
            )
