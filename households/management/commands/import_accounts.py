"""First load of the accounts: ``manage.py import_accounts FILE.csv --passwords-out PATH``.

The temporary passwords go only to PATH, created with mode 0600 (readable by the administrator
alone), never to the screen. If accounts are to be created the file must not exist yet: a run never
overwrites the list of an earlier one. Accounts and file are written together or not at all.
"""

import csv
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from households.accounts import accounts_import
from households.validation import quote


class Command(BaseCommand):
    help = (
        "Create accounts and their assignments from CSV (username, full_name, role, unit_code, phone): all rows or none; "
        "existing usernames are left unchanged. Temporary passwords go to --passwords-out (mode 0600)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--passwords-out", required=True, help="New CSV file for the temporary passwords (must not exist).")
        parser.add_argument("--user", help="Username of the administrator recorded as the actor.")

    def handle(self, *args, **options):
        actor = None
        if options["user"]:
            try:
                actor = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user {options['user']}.") from None
        with translation.override("vi"):
            text = self._read(options["file"])
        out_path = options["passwords_out"]
        written = False

        def write_passwords(report):
            nonlocal written
            if report.created:
                self._write_passwords(out_path, report.created)
                written = True

        try:
            report = accounts_import(text=text, actor=actor, source=Path(options["file"]).name, before_commit=write_passwords)
        except BaseException as exc:
            if written:  # the transaction did not commit: passwords of accounts that do not exist
                os.unlink(out_path)
            if isinstance(exc, ValidationError):
                with translation.override("vi"):
                    raise CommandError("\n".join(str(m) for m in exc.messages)) from None
            if isinstance(exc, FileExistsError):
                raise CommandError(
                    f"{out_path} already exists: choose a new file (the passwords of an earlier run stay there). "
                    "Nothing was imported."
                ) from None
            raise
        self.stdout.write(
            self.style.SUCCESS(f"{len(report.created)} created, {len(report.present)} already present (left unchanged)")
        )
        if report.created:
            self.stdout.write(f"Temporary passwords written to {out_path} (mode 0600); hand them out, then delete the file.")

    @staticmethod
    def _read(name: str) -> str:
        """The file's text, or one Vietnamese sentence on why it is not a CSV file we can read."""
        path = Path(name)
        limit = settings.IMPORT_MAX_MB * 1024 * 1024
        try:
            if path.stat().st_size > limit:
                raise CommandError(_("The file is larger than %(mb)s MB.") % {"mb": settings.IMPORT_MAX_MB})
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(_("There is no file %(name)s.") % {"name": quote(name)}) from None
        except OSError as exc:
            raise CommandError(
                _("The file %(name)s cannot be opened: %(reason)s.") % {"name": quote(name), "reason": quote(exc.strerror or exc)}
            ) from None
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise CommandError(_("This is an Excel file, not CSV: save it as “CSV UTF-8 (comma delimited)” and try again."))
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(_("Save the file as CSV UTF-8 and upload it again.")) from None

    @staticmethod
    def _write_passwords(path: str, rows) -> None:
        # O_EXCL: never follow or reuse a file someone placed there; 0600 from the first byte.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(fd, 0o600)  # whatever the umask
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["username", "full_name", "role", "unit_code", "temporary_password"])
                writer.writerows(rows)
        except BaseException:
            os.unlink(path)
            raise
