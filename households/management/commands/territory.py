"""Territory changes for the city officer or an administrator (households.territory_changes).

    manage.py territory move 20236-003 --to 20239 --user thanhpho --reason "QĐ 123/QĐ-UBND"
    manage.py territory merge 20236-004 20236-005 --into 20236-002 --user thanhpho --reason "…"
    manage.py territory split 20236-001 --name "Tổ dân phố 1B" --households HH-1,HH-2 --user thanhpho --reason "…"
    manage.py territory area-type 23312 urban --user thanhpho --reason "…"

``--households`` takes codes separated by commas, or ``@file`` with one code a line.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from households import territory_changes
from households.models import AdminUnit


class Command(BaseCommand):
    help = "Move a village to another ward/commune, merge villages, split a village, change a ward's area type."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)

        def sub(name, help_text):
            command = subcommands.add_parser(name, help=help_text)
            command.add_argument("--user", required=True, help="Username of the city officer or administrator acting.")
            command.add_argument("--reason", required=True, help="Why (e.g. the decision that orders the change).")
            return command

        move = sub("move", "Move a village (code) to another ward/commune (--to code).")
        move.add_argument("village")
        move.add_argument("--to", required=True, dest="ward")
        move.add_argument("--name", default="", help="A new name, if the new ward already has a village of that name.")
        merge = sub("merge", "Merge villages (codes) into another (--into code); the merged ones are retired.")
        merge.add_argument("villages", nargs="+")
        merge.add_argument("--into", required=True)
        split = sub("split", "Split a village: a new village (--name) receives the listed households.")
        split.add_argument("village")
        split.add_argument("--name", required=True)
        split.add_argument("--households", required=True, help="Codes separated by commas, or @file with one a line.")
        area = sub("area-type", "Set a ward/commune's area type (urban or rural); its villages follow.")
        area.add_argument("ward")
        area.add_argument("area_type", choices=AdminUnit.AreaType.values)

    def handle(self, *args, **options):
        user = self._user(options["user"])
        reason = options["reason"]
        try:
            message = getattr(self, "_" + options["subcommand"].replace("-", "_"))(options, user, reason)
        except PermissionDenied as exc:
            raise CommandError(_("%(user)s may not change the territory.") % {"user": user.get_username()}) from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(message))

    def _move(self, options, user, reason):
        village, ward = self._unit(options["village"]), self._unit(options["ward"])
        event = territory_changes.village_move(village=village, ward=ward, user=user, reason=reason, name=options["name"])
        return _("%(village)s moved to %(ward)s (%(households)d households): %(path)s") % {
            "village": event.unit.name,
            "ward": ward.name,
            "households": event.data["households"],
            "path": event.unit.path,
        }

    def _merge(self, options, user, reason):
        villages = [self._unit(code) for code in options["villages"]]
        into = self._unit(options["into"])
        event = territory_changes.villages_merge(villages=villages, into=into, user=user, reason=reason)
        return _("%(count)d villages merged into %(into)s (%(households)d households moved).") % {
            "count": len(villages),
            "into": into.name,
            "households": len(event.data["households"]),
        }

    def _split(self, options, user, reason):
        codes = options["households"]
        if codes.startswith("@"):
            try:
                codes = Path(codes[1:]).read_text(encoding="utf-8").replace("\n", ",")
            except OSError as exc:
                raise CommandError(str(exc)) from exc
        village = self._unit(options["village"])
        new = territory_changes.village_split(
            village=village, name=options["name"], household_codes=codes.split(","), user=user, reason=reason
        )
        return _("%(new)s (%(code)s) created from %(village)s with %(households)d households.") % {
            "new": new.name,
            "code": new.code,
            "village": village.name,
            "households": new.households.count(),
        }

    def _area_type(self, options, user, reason):
        ward = self._unit(options["ward"])
        event = territory_changes.ward_area_type_set(ward=ward, area_type=options["area_type"], user=user, reason=reason)
        if event is None:
            return _("%(ward)s already has this area type; nothing changed.") % {"ward": ward.name}
        return _("%(ward)s is now %(area_type)s; its villages follow.") % {
            "ward": ward.name,
            "area_type": AdminUnit.AreaType(options["area_type"]).label,
        }

    def _user(self, username):
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No active user “%(user)s”.") % {"user": username}) from None

    def _unit(self, code):
        try:
            return AdminUnit.objects.select_related("parent").get(code=code)
        except AdminUnit.DoesNotExist:
            raise CommandError(_("No unit with code %(code)s.") % {"code": code}) from None
