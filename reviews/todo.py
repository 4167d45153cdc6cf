"""What each user has to do now: "Việc cần làm" on the home page, with counts and links.

Plain data for the template, for the user's area and the open rounds only (a closed round is history:
nothing in it is to do). Which items a user gets follows the capabilities of ``households.access``
(``acts`` for a step of the procedure), never the role's name. A role that only reads the ward (the ward
statistician) gets the same figures phrased as what is waiting, linked to pages it may read.

Every figure is an aggregate over all open rounds at once, so the cost is a fixed number of queries
whatever the size of the area or the number of open rounds (at most seven, besides the request's own).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.access import Scope, acts, has_capability, scope_of
from households.models import AdminUnit
from reviews import workflow
from reviews.models import Case, Complaint, ReviewRequest, ReviewRound, VillageList, WardList
from reviews.selectors import open_rounds

# A phase deadline this many days ahead (or fewer) is "near" on the city officer's list.
DEADLINE_NEAR_DAYS = 7

VL = VillageList.Status
WL = WardList.Status
NOT_SUBMITTED = (VL.OPEN, VL.RETURNED)


@dataclass(frozen=True)
class TodoItem:
    key: str  # stable name of the item, for tests and styling
    label: str
    count: int
    url: str
    note: str = ""
    urgent: bool = False


@dataclass
class TodoGroup:
    title: str
    items: list[TodoItem] = field(default_factory=list)


def todo_for(user, *, today: date | None = None) -> list[TodoGroup]:
    """The user's things to do, one group per open round (then one for the requests), empty groups left out."""
    scope = scope_of(user)
    if scope.unit is None:
        return []  # administrators hold no role in the procedure
    today = today or timezone.localdate()
    rounds = list(open_rounds())
    items: dict[int | None, list[TodoItem]] = defaultdict(list)
    unit = scope.unit
    if rounds and unit.level == AdminUnit.Level.VILLAGE and acts(user, "survey"):
        _village_items(items, rounds, unit, today)
    if unit.is_ward_level and has_capability(user, "see_ward_lists"):
        if rounds:
            _ward_items(items, rounds, unit, user, today)
        _ward_requests(items, unit, user, today)
    if acts(user, "give_opinion"):
        if rounds:
            _opinion_items(items, rounds, scope, today)
        _overdue_requests(items, unit, today)
    if rounds and acts(user, "manage_rounds"):
        _deadline_items(items, rounds, unit, today)
    groups = [TodoGroup(r.name, items[r.pk]) for r in rounds if items[r.pk]]
    if items[None]:
        groups.append(TodoGroup(_("Requests (Form 01 / Form 04)"), items[None]))
    return groups


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


# ----------------------------------------------------------------------------- village head


def _village_items(items, rounds: list[ReviewRound], village: AdminUnit, today: date) -> None:
    """Households left to screen or survey, surveys with sections missing, households a complaint
    reopened, and the village list once it can be submitted. Two queries."""
    lists = {vl.round_id: vl for vl in VillageList.objects.filter(round__in=rounds, village=village).only("round_id", "status")}
    to_survey = Q(status=Case.Status.TO_SURVEY)
    counts = {
        row["round_id"]: row
        for row in Case.objects.filter(round__in=rounds, village=village)
        .values("round_id")
        .annotate(
            to_screen=Count("id", filter=Q(status=Case.Status.TO_SCREEN)),
            to_survey=Count("id", filter=to_survey & Q(sections_done=[])),
            provisional=Count("id", filter=to_survey & ~Q(sections_done=[])),
            reopened=Count("id", filter=Q(reopened=True)),
        )
        .order_by()
    }
    for round_ in rounds:
        vl, row = lists.get(round_.pk), counts.get(round_.pk)
        if vl is None or row is None:
            continue
        url = reverse("reviews:village_cases", args=[round_.pk, village.code])
        out = items[round_.pk]
        if vl.is_editable:
            if row["to_screen"]:
                out.append(TodoItem("to_screen", _("Households to screen (Form A)"), row["to_screen"], url))
            if row["to_survey"]:
                out.append(TodoItem("to_survey", _("Households to survey (Form B)"), row["to_survey"], url))
            if row["provisional"]:
                out.append(
                    TodoItem(
                        "provisional",
                        _("Surveys with sections missing (provisional result)"),
                        row["provisional"],
                        url,
                    )
                )
        if row["reopened"]:
            out.append(TodoItem("reopened", _("Households reopened by a complaint, to re-check"), row["reopened"], url))
        if vl.is_editable and not (row["to_screen"] or row["to_survey"] or row["provisional"]):
            late = round_.deadline_passed("village_deadline", today)
            note = _("returned by the ward for re-survey") if vl.status == VL.RETURNED else ""
            if late:
                note = " · ".join(filter(None, [note, _("deadline %(day)s passed") % {"day": _day(late)}]))
            out.append(TodoItem("village_submit", _("Village list to submit"), 1, f"{url}#submit", note, urgent=bool(late)))


# ----------------------------------------------------------------------------- ward / commune


def _ward_items(items, rounds: list[ReviewRound], ward: AdminUnit, user, today: date) -> None:
    """Village lists waiting for their meeting, the ward list's next step, complaints due, villages late.
    Three queries: village lists by status, the ward lists, complaints due."""
    actor = acts(user, "check_village_lists")
    village_counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        VillageList.objects.filter(round__in=rounds, village__parent=ward)
        .values("round_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        village_counts[row["round_id"]][row["status"]] = row["n"]
    ward_lists = {
        wl.round_id: wl
        for wl in WardList.objects.filter(round__in=rounds, ward=ward).only("round_id", "status", "ward_id", "posting_ends_on")
    }
    complaints = {
        row["round_id"]: row
        for row in Complaint.objects.filter(
            case__round__in=rounds, case__village__parent=ward, status=Complaint.Status.OPEN, recheck_due_on__lte=today
        )
        .values(round_id=F("case__round_id"))
        .annotate(n=Count("id"), overdue=Count("id", filter=Q(recheck_due_on__lt=today)))
        .order_by()
    }
    for round_ in rounds:
        wl = ward_lists.get(round_.pk)
        if wl is None:
            continue
        out = items[round_.pk]
        page = reverse("reviews:ward_detail", args=[round_.pk, ward.code])
        statuses = village_counts[round_.pk]
        if n := statuses.get(VL.SUBMITTED, 0):
            label = _("Village meetings to record") if actor else _("Village lists waiting for their meeting")
            out.append(TodoItem("meetings", label, n, f"{page}#villages"))
        step = workflow.next_ward_step(wl)
        if step is not None:
            late = workflow.overdue(step.name, round_, today)
            out.append(
                TodoItem(
                    "ward_step",
                    _("Ward list, next step: %(step)s") % {"step": step.label},
                    1,
                    f"{page}#ward-list",
                    _("returned with remarks") if wl.status == WL.RETURNED else "",
                    urgent=bool(late),
                )
            )
        if row := complaints.get(round_.pk):
            label = _("Complaints to re-check, due today or overdue") if actor else _("Complaints being re-checked, due")
            note = _("%(n)d overdue") % {"n": row["overdue"]} if row["overdue"] else _("due today")
            out.append(TodoItem("complaints", label, row["n"], f"{page}#complaints", note, urgent=bool(row["overdue"])))
        late = round_.deadline_passed("village_deadline", today)
        if late and (n := sum(statuses.get(s, 0) for s in NOT_SUBMITTED)):
            out.append(
                TodoItem(
                    "villages_late",
                    _("Villages that have not submitted their list after the deadline (%(day)s)") % {"day": _day(late)},
                    n,
                    f"{page}#villages",
                    urgent=True,
                )
            )


def _ward_requests(items, ward: AdminUnit, user, today: date) -> None:
    """Form 01 / Form 04 requests of the ward due today or overdue, not decided. One query."""
    row = ReviewRequest.objects.filter(
        household__village__path__startswith=ward.path, decided_on__isnull=True, due_on__lte=today
    ).aggregate(n=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    if row["n"]:
        actor = acts(user, "record_requests")
        label = _("Requests to answer, due today or overdue") if actor else _("Requests due today or overdue")
        note = _("%(n)d overdue") % {"n": row["overdue"]} if row["overdue"] else _("due today")
        url = reverse("reviews:request_list", args=[ward.code])
        items[None].append(TodoItem("requests", label, row["n"], url, note, urgent=bool(row["overdue"])))


# ----------------------------------------------------------------------------- approving unit


def _opinion_items(items, rounds: list[ReviewRound], scope: Scope, today: date) -> None:
    """Ward lists sent to the user's unit for its opinion. One query."""
    waiting = {
        row["round_id"]: row["n"]
        for row in WardList.objects.filter(round__in=rounds, approver=scope.unit, status=WL.SUBMITTED)
        .values("round_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    for round_ in rounds:
        if n := waiting.get(round_.pk):
            late = round_.deadline_passed("approval_deadline", today)
            note = _("deadline %(day)s passed") % {"day": _day(late)} if late else ""
            items[round_.pk].append(
                TodoItem("opinions", _("Ward lists waiting for your opinion"), n, reverse("reviews:approvals"), note, bool(late))
            )


def _overdue_requests(items, unit: AdminUnit, today: date) -> None:
    """Requests of the wards under the user's unit past their due date, not decided. One query."""
    n = ReviewRequest.objects.filter(
        household__village__path__startswith=unit.path, decided_on__isnull=True, due_on__lt=today
    ).count()
    if n:
        url = reverse("reviews:request_list", args=[unit.code])
        items[None].append(TodoItem("requests_overdue", _("Overdue requests of your wards"), n, url, urgent=True))


# ----------------------------------------------------------------------------- city department


def _deadline_items(items, rounds: list[ReviewRound], unit: AdminUnit, today: date) -> None:
    """Phase deadlines near or passed, each with the units still behind it. At most three queries."""
    due = {
        r.pk: {
            name: getattr(r, name)
            for name in ReviewRound.PHASE_DEADLINES
            if getattr(r, name) is not None and (getattr(r, name) - today).days <= DEADLINE_NEAR_DAYS
        }
        for r in rounds
    }
    wanted = {name for names in due.values() for name in names}
    if not wanted:
        return
    behind: dict[tuple[int, str], int] = defaultdict(int)
    if "survey_deadline" in wanted:
        for row in (
            Case.objects.filter(
                round__in=rounds,
                village__path__startswith=unit.path,
                status__in=[Case.Status.TO_SCREEN, Case.Status.TO_SURVEY],
            )
            .values("round_id")
            .annotate(n=Count("village_id", distinct=True))
            .order_by()
        ):
            behind[row["round_id"], "survey_deadline"] = row["n"]
    if "village_deadline" in wanted:
        for row in (
            VillageList.objects.filter(round__in=rounds, village__path__startswith=unit.path, status__in=NOT_SUBMITTED)
            .values("round_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            behind[row["round_id"], "village_deadline"] = row["n"]
    if wanted & {"ward_deadline", "approval_deadline"}:
        for row in (
            WardList.objects.filter(round__in=rounds, ward__path__startswith=unit.path)
            .values("round_id")
            .annotate(
                not_sent=Count("id", filter=Q(status__in=[WL.OPEN, WL.POSTED, WL.RETURNED])),
                waiting=Count("id", filter=Q(status=WL.SUBMITTED)),
            )
            .order_by()
        ):
            behind[row["round_id"], "ward_deadline"] = row["not_sent"]
            behind[row["round_id"], "approval_deadline"] = row["waiting"]
    labels = {
        "survey_deadline": _("Survey deadline %(day)s: villages still surveying"),
        "village_deadline": _("Village lists deadline %(day)s: villages not submitted"),
        "ward_deadline": _("Ward lists deadline %(day)s: wards not sent for opinion"),
        "approval_deadline": _("Approval deadline %(day)s: ward lists waiting for an opinion"),
    }
    for round_ in rounds:
        url = reverse("reviews:round_detail", args=[round_.pk])
        for name, deadline in sorted(due[round_.pk].items(), key=lambda pair: pair[1]):
            n = behind[round_.pk, name]
            if not n:
                continue
            days = (deadline - today).days
            if days < 0:
                note = _("past the deadline")
            elif days == 0:
                note = _("today")
            else:
                note = ngettext("in %(n)d day", "in %(n)d days", days) % {"n": days}
            items[round_.pk].append(
                TodoItem(f"deadline_{name}", labels[name] % {"day": _day(deadline)}, n, url, note, urgent=days < 0)
            )
