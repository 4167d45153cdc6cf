"""The complaints page of a ward, a district or the city in a round (reads only)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from households import access
from households.models import AdminUnit
from reviews import complaints as reads
from reviews.models import ReviewRound


@require_GET
@access.capability_required("see_ward_lists")
def complaint_list(request, round_id, code):
    """Complaints of the unit's wards with their re-check due dates (working days), the overdue ones
    highlighted and counted on today's date, and the working days each took to resolve; 50 a page."""
    unit = access.get_visible_or_404(AdminUnit.objects.all(), request.user, code=code)
    if unit.level == AdminUnit.Level.VILLAGE:
        raise Http404
    round_ = get_object_or_404(ReviewRound, pk=round_id)
    today = timezone.localdate()
    status = request.GET.get("status", "")
    status = status if status in reads.STATUS_FILTERS else ""
    complaints = reads.complaints_under(unit, round_, request.user)
    return render(
        request,
        "reviews/manage/complaint_list.html",
        {
            "unit": unit,
            "round": round_,
            "today": today,
            "status": status,
            "counts": reads.complaint_counts(complaints, today),
            "page": reads.complaints_page(reads.filtered(complaints, status, today), page=request.GET.get("page"), today=today),
            "is_ward": unit.is_ward_level,
            "can_resolve": access.acts(request.user, "handle_complaints"),
        },
    )
