from django.core.management.base import BaseCommand

from policies.services import support_policies_load


class Command(BaseCommand):
    help = "Create the shipped support policies and versions (policies/fixtures/support_policies.json) not loaded yet."

    def handle(self, *args, **options):
        created = support_policies_load()
        self.stdout.write(self.style.SUCCESS(f"Support policy versions created: {', '.join(created) or 'none (all present)'}"))
