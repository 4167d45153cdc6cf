"""Reads of the ward, district and city pages: scoped through households.access, queries bounded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households import access
from households.models import AdminUnit, Member
from reviews import workflow
from reviews.models import (
    Case,
    CaseResult,
    Class,
    Complaint,
    Movement,
    ReviewRequest,
    Transition,
    VillageList,
    VillageMeeting,
    VillageTally,
    WardList,
)

# Labels of logged events that are not declared workflow actions.
EVENT_LABELS = {
    "round_open": _("Round opened"),
    "round_deadlines": _("Deadlines changed"),
    "case_add": _("Household put in scope"),
    "complaint_record": _("Complaint recorded"),
    "complaint_resolve": _("Complaint resolved"),
    "posting_rescheduled": _("Posting end date counted again after a public holiday change"),
    "recheck_rescheduled": _("Re-check due date counted again after a public holiday change"),
}
# The same status value means different things for a village list and a ward list ("submitted").
VILLAGE_STATUS_LABELS = dict(VillageList.Status.choices)
WARD_STATUS_LABELS = dict(WardList.Status.choices)


def action_label(name: str) -> str:
    action = workflow.ACTIONS.get(name)
    return action.label if action else EVENT_LABELS.get(name, name)


def class_counts(prefix: str = "") -> dict:
    """Aggregates of cases per class, for ``.annotate`` over cases (prefix "" ) or a relation."""
    p = prefix
    return {
        "total": Count(f"{p}id"),
        "screened": Count(f"{p}id", filter=~Q(**{f"{p}status": Case.Status.TO_SCREEN})),
        "surveyed": Count(f"{p}id", filter=Q(**{f"{p}status": Case.Status.SURVEYED})),
        "poor": Count(f"{p}id", filter=Q(**{f"{p}result_class": Class.POOR})),
        "near_poor": Count(f"{p}id", filter=Q(**{f"{p}result_class": Class.NEAR_POOR})),
        "escaped": Count(f"{p}id", filter=Q(**{f"{p}movement__in": [Movement.ESCAPED_POVERTY, Movement.ESCAPED_NEAR_POVERTY]})),
    }


EMPTY_COUNTS = dict.fromkeys(("total", "screened", "surveyed", "poor", "near_poor", "escaped"), 0)


def ward_list_or_404(user, round_id: int, ward_code: str) -> WardList:
    """The ward list of a round, reached through the user's area (outside it: 404)."""
    ward = access.get_visible_or_404(AdminUnit.objects.all(), user, code=ward_code)
    if not ward.is_ward_level:
        raise Http404
    return get_object_or_404(
        WardList.objects.select_related("round", "round__primary_standard", "ward", "approver"), round_id=round_id, ward=ward
    )


def village_progress(ward_list: WardList, user) -> list[VillageList]:
    """Every village of the ward with its case counts, last meeting and the actions the user may take.

    Three queries whatever the number of villages: the lists, the counts, the meetings.
    """
    lists = list(
        VillageList.objects.filter(round_id=ward_list.round_id, village__parent_id=ward_list.ward_id)
        .select_related("village", "round")
        .order_by("village__code")
    )
    counts = {
        row["village_id"]: row
        for row in Case.objects.filter(round_id=ward_list.round_id, village__parent_id=ward_list.ward_id)
        .values("village_id")
        .annotate(**class_counts())
    }
    last_meeting: dict[int, VillageMeeting] = {}
    for meeting in VillageMeeting.objects.filter(village_list__in=[vl.pk for vl in lists]).order_by(
        "village_list_id", "-held_on", "-id"
    ):
        last_meeting.setdefault(meeting.village_list_id, meeting)
    for vl in lists:
        vl.counts = counts.get(vl.village_id, EMPTY_COUNTS)
        vl.last_meeting = last_meeting.get(vl.pk)
        vl.can_meet = workflow.can("meeting_record", vl, user)
        vl.can_return = workflow.can("village_return", vl, user)
    return lists


def ward_timeline(ward_list: WardList, limit: int = 100) -> list[Transition]:
    """The ward list's transitions and those of its village lists, newest first, with who and why."""
    rows = list(
        Transition.objects.filter(round_id=ward_list.round_id, case__isnull=True)
        .filter(Q(unit_id=ward_list.ward_id) | Q(unit__parent_id=ward_list.ward_id))
        .select_related("actor", "unit")[:limit]
    )
    for row in rows:
        labels = VILLAGE_STATUS_LABELS if row.unit_id != ward_list.ward_id else WARD_STATUS_LABELS
        row.label = action_label(row.action)
        row.from_label = labels.get(row.from_status, row.from_status)
        row.to_label = labels.get(row.to_status, row.to_status)
    return rows


def ward_complaints(ward_list: WardList, today: date | None = None) -> list[Complaint]:
    today = today or timezone.localdate()
    rows = list(
        Complaint.objects.filter(case__round_id=ward_list.round_id, case__village__parent_id=ward_list.ward_id).select_related(
            "case__household", "case__village"
        )
    )
    for c in rows:
        c.overdue = c.status == Complaint.Status.OPEN and c.recheck_due_on < today
    return rows


def ward_cases(ward_list: WardList) -> QuerySet[Case]:
    """Cases of the ward with the primary standard's result and the head of household, prefetched."""
    return (
        Case.objects.filter(round_id=ward_list.round_id, village__parent_id=ward_list.ward_id)
        .select_related("household", "village")
        .prefetch_related(
            Prefetch(
                "results",
                queryset=CaseResult.objects.filter(standard_id=ward_list.round.primary_standard_id),
                to_attr="primary_results",
            ),
            Prefetch(
                "household__members",
                queryset=Member.objects.filter(relationship=Member.Relationship.HEAD),
                to_attr="heads",
            ),
        )
        .order_by("village__code", "household__code")
    )


ESCAPED = (Movement.ESCAPED_POVERTY, Movement.ESCAPED_NEAR_POVERTY)


def ward_tally_counts(ward_list: WardList) -> tuple[dict, dict[int, dict]]:
    """The ward's counts and each village's (``class_counts``' keys), added up from the tallies the
    services keep (``reviews.tallies``): one query of a few rows per village, however many cases."""
    ward = dict(EMPTY_COUNTS)
    villages: dict[int, dict] = {}
    rows = VillageTally.objects.filter(
        round_id=ward_list.round_id, village__parent_id=ward_list.ward_id, standard__isnull=True
    ).values_list("village_id", "status", "movement", "household_class", "n")
    for village_id, status, movement, result_class, n in rows:
        counts = villages.setdefault(village_id, dict(EMPTY_COUNTS))
        keys = ["total"]
        keys += ["screened"] if status != Case.Status.TO_SCREEN else []
        keys += ["surveyed"] if status == Case.Status.SURVEYED else []
        keys += ["poor"] if result_class == Class.POOR else []
        keys += ["near_poor"] if result_class == Class.NEAR_POOR else []
        keys += ["escaped"] if movement in ESCAPED else []
        for key in keys:
            counts[key] += n
            ward[key] += n
    return ward, villages


def ward_village_lists(ward_list: WardList) -> list[VillageList]:
    """The ward's village lists of the round, in code order, with their villages (one query)."""
    return list(
        VillageList.objects.filter(round_id=ward_list.round_id, village__parent_id=ward_list.ward_id)
        .select_related("village")
        .order_by("village__code")
    )


@dataclass
class DecisionSection:
    title: str
    cases: list[Case]


def decision_sections(ward_list: WardList) -> list[DecisionSection]:
    """The decision list: households recognised poor, near-poor, and those that escaped."""
    cases = list(
        ward_cases(ward_list).filter(
            Q(result_class__in=[Class.POOR, Class.NEAR_POOR])
            | Q(movement__in=[Movement.ESCAPED_POVERTY, Movement.ESCAPED_NEAR_POVERTY])
        )
    )
    escaped = (Movement.ESCAPED_POVERTY, Movement.ESCAPED_NEAR_POVERTY)
    return [
        DecisionSection(_("Poor households"), [c for c in cases if c.result_class == Class.POOR]),
        DecisionSection(_("Near-poor households"), [c for c in cases if c.result_class == Class.NEAR_POOR]),
        DecisionSection(
            _("Households that escaped poverty or near-poverty"),
            [c for c in cases if c.movement in escaped and c.result_class not in (Class.POOR, Class.NEAR_POOR)],
        ),
    ]


def approvals_for(user) -> list[WardList]:
    """Ward lists sent to the user's unit for opinion (all of them for an administrator), with counts.

    Two queries whatever the number of lists: the lists and the counts per ward.
    """
    scope = access.scope_of(user)
    lists = WardList.objects.exclude(status=WardList.Status.OPEN).select_related("round", "ward")
    if not scope.is_admin:
        lists = lists.filter(approver_id=scope.unit.pk if scope.unit else None)
    lists = list(lists.order_by("-round__year", "round__kind", "ward__code"))
    counts = {
        (row["round_id"], row["village__parent_id"]): row
        for row in Case.objects.filter(
            round_id__in={wl.round_id for wl in lists}, village__parent_id__in={wl.ward_id for wl in lists}
        )
        .values("round_id", "village__parent_id")
        .annotate(**class_counts())
    }
    for wl in lists:
        wl.counts = counts.get((wl.round_id, wl.ward_id), EMPTY_COUNTS)
    return lists


def requests_under(unit: AdminUnit, user) -> QuerySet[ReviewRequest]:
    return (
        ReviewRequest.objects.filter(access.unit_q(user, "household__village__"))
        .filter(household__village__path__startswith=unit.path)
        .select_related("household", "household__village")
        .order_by("due_on", "id")
    )
