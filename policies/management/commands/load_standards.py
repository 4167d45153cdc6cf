from django.core.management.base import BaseCommand

from policies.services import standards_load


class Command(BaseCommand):
    help = "Create the shipped poverty standards (policies/fixtures/standards.json) that are not loaded yet."

    def handle(self, *args, **options):
        created = standards_load()
        self.stdout.write(self.style.SUCCESS(f"Standards created: {', '.join(created) or 'none (all present)'}"))
