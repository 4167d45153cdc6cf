from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from policies.services import support_policies_seed_demo


class Command(BaseCommand):
    help = "Demo amounts for the support policies (marked demo; refused unless DEMO_DATA_ALLOWED)."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled here (set DEMO_DATA_ALLOWED=1 on a non-production machine).")
        call_command("load_support_policies", stdout=self.stdout)
        changed = support_policies_seed_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo amounts set on: {', '.join(changed) or 'none (already set)'}"))
