"""Raise today's reminders: complaints and requests due tomorrow, phase deadlines in three days
(``reviews.notifications.due_reminders``). Idempotent; run it once a day (cron, a systemd timer)."""

from datetime import date

from django.core.management.base import BaseCommand

from reviews.notifications import due_reminders


class Command(BaseCommand):
    help = "Raise today's reminders (complaints and requests due tomorrow, deadlines in three days); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        made = due_reminders(options["today"])
        self.stdout.write(f"{made} new notification(s).")
