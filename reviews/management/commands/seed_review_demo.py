from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.demo import STAGE_WARDS
from households.models import AdminUnit, Assignment
from reviews.demo import (
    LEFT_FOR_HEADS,
    demo_structure,
    seed_current_round,
    seed_previous_round,
    seed_requests,
    seed_resident_counts,
    seed_stages,
    seed_survey_progress,
    stage_ward_codes,
)
from reviews.models import ReviewRound, WardList

STAGE_LABELS = {
    "posted": gettext_lazy("list posted, the posting runs (a complaint to re-check)"),
    "submitted": gettext_lazy("list sent, waiting for the opinion of %(approver)s"),
    "decided": gettext_lazy("list approved and decided (official statuses, certificates)"),
}


class Command(BaseCommand):
    help = (
        "Demo review data: last year's closed round with official lists, Form 01 requests, and this year's open "
        "round dated around today, surveyed for the most part, with wards waiting at each stage."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is disabled here (set DEMO_DATA_ALLOWED=1 on a non-production machine).")
        call_command("load_standards", stdout=self.stdout)
        ward = Assignment.objects.filter(user__username="phuong.haichau").select_related("unit", "user").first()
        if ward is None:
            raise CommandError("Run seed_demo first.")
        today = timezone.localdate()
        structure = demo_structure()
        seed = options["seed"]
        listed = seed_previous_round(
            seed=seed, focus_ward_code=ward.unit.code, stage_ward_codes=stage_ward_codes(structure)[1:], today=today
        )
        villages = list(AdminUnit.objects.filter(parent=ward.unit).order_by("code").values_list("code", flat=True)[:3])
        requests = seed_requests(seed=seed, village_codes=villages, ward_officer_username=ward.user.username, today=today)
        round_ = seed_current_round(today=today)
        residents = seed_resident_counts(year=round_.year)
        surveyed = seed_survey_progress(round_, seed=seed, keep_ward_codes=stage_ward_codes(structure))
        seed_stages(round_, seed=seed, today=today)
        self.stdout.write(
            self.style.SUCCESS(
                f"{round_.year - 1} lists: {listed} households; requests: {requests}; demo resident counts: {residents}; "
                f"open round: {round_.name} ({round_.starts_on:%d/%m/%Y} – {round_.ends_on:%d/%m/%Y}) with "
                f"{round_.cases.count()} households in scope, {surveyed} surveyed outside the demo wards"
            )
        )
        deadlines = ", ".join(
            f"{ReviewRound._meta.get_field(name).verbose_name} {getattr(round_, name):%d/%m/%Y}"
            for name in round_.PHASE_DEADLINES
        )
        self.stdout.write(_("Phase deadlines: %(deadlines)s") % {"deadlines": deadlines})
        self.stdout.write(_("Wards at each stage (log in as their ward officer):"))
        work = _("villages at work, most submitted and agreed; %(heads)s still to survey") % {
            "heads": f"totruong.1…{LEFT_FOR_HEADS}"
        }
        self.stdout.write(f"  {'phuong.haichau':24} {ward.unit.name}: {work}")
        lists = {
            wl.ward.code: wl
            for wl in WardList.objects.filter(round=round_, ward__code__in=stage_ward_codes(structure)).select_related(
                "ward", "approver"
            )
        }
        for stage, code, slug in STAGE_WARDS[structure]:
            wl = lists[code]
            label = str(STAGE_LABELS[stage]) % {"approver": wl.approver.name} if stage == "submitted" else STAGE_LABELS[stage]
            self.stdout.write(f"  {f'phuong.{slug}':24} {wl.ward.name}: {label} [{wl.get_status_display()}]")
