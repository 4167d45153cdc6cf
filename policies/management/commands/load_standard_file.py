"""Load a poverty standard from a JSON file (the format of policies/fixtures/standards.json).

    manage.py load_standard_file PATH --reason "Quyết định 12/2027/QĐ-UBND" [--user USERNAME] [--dry-run]

A loaded code gets a new version (its first day must be after the newest version's); ``"version": N``
in the file corrects version N in place unless a closed review round used it. The engine's parser
checks every standard before anything is written.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from policies.services import standard_load_file


class Command(BaseCommand):
    help = "Load poverty standards from a JSON file as new versions (or corrections of unlocked versions)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="JSON file in the format of policies/fixtures/standards.json")
        parser.add_argument("--reason", required=True, help="Why the standard changes (kept in the history).")
        parser.add_argument("--user", help="Username recorded as the author of the change.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file only; write nothing.")

    def handle(self, *args, path, reason, user=None, dry_run=False, **options):
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(_("No user named %(username)s.") % {"username": user})
        try:
            done = standard_load_file(path=path, reason=reason, user=author, dry_run=dry_run)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        for line in done:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING(_("Checked only (--dry-run): nothing was saved.")))
        else:
            self.stdout.write(self.style.SUCCESS(_("Standards saved: %(count)s") % {"count": len(done)}))
