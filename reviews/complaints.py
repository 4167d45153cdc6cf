"""Reads of the complaints: the household chooser of the complaint form and the complaints pages.

The chooser searches the ward's cases of the round by the head's name (diacritics folded, as the
registry's ``name_key``) or by household code; a chosen id is valid only among those cases
(``ward_cases_for_choice``). The complaints page of a ward, a district or the city lists the complaints of
its wards with the re-check's due date (working days, ``reviews.holidays.recheck_due``), what is overdue
on the given day, and the time each took to resolve in working days, in a fixed number of queries.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from households import access
from households.models import AdminUnit, Member
from households.names import name_key
from reviews.holidays import working_days_counter
from reviews.models import Case, Complaint, ReviewRound, WardList

SUGGESTIONS = 20
PAGE_SIZE = 50
STATUS_FILTERS = ("open", "overdue", "resolved")


def _head_name():
    return Subquery(
        Member.objects.filter(household=OuterRef("household_id"), relationship=Member.Relationship.HEAD, left_on__isnull=True)
        .order_by("id")
        .values("full_name")[:1]
    )


def ward_cases_for_choice(ward_list: WardList) -> QuerySet[Case]:
    """The cases a complaint of this ward list may be about: its round, its villages."""
    return Case.objects.filter(round_id=ward_list.round_id, village__parent_id=ward_list.ward_id)


def _label(case: Case) -> str:
    name = case.head_name or "–"
    return f"{name} ({case.household.code}) · {case.village.name}"


def household_choices(ward_list: WardList, query: str, chosen: str | int | None = None) -> list[tuple[int, str]]:
    """(case id, "Head (code) · village") of the ward's cases whose head's name or household code holds
    ``query`` (at most ``SUGGESTIONS``), and the ``chosen`` one if it is among the ward's cases. One query."""
    query = query.strip()
    cases = ward_cases_for_choice(ward_list)
    condition = Q(pk__in=[])
    if query:
        key = name_key(query)
        named = Member.objects.filter(name_key__contains=key, left_on__isnull=True).values("household_id") if key else None
        condition = Q(household__code__icontains=query)
        if named is not None:
            condition |= Q(household_id__in=named)
    if chosen not in (None, ""):
        with contextlib.suppress(TypeError, ValueError):
            condition |= Q(pk=int(chosen))
    rows = (
        cases.filter(condition)
        .select_related("household", "village")
        .annotate(head_name=_head_name())
        .order_by("household__code")[: SUGGESTIONS + 1]
    )
    return [(c.pk, _label(c)) for c in rows]


# ----------------------------------------------------------------------------- the complaints page


@dataclass
class ComplaintCounts:
    total: int
    open: int
    overdue: int
    resolved: int
    resolved_late: int


def complaints_under(unit: AdminUnit, round_: ReviewRound, user) -> QuerySet[Complaint]:
    """Complaints of ``round_`` in the wards under (or of) ``unit``, through the user's area."""
    return Complaint.objects.filter(access.unit_q(user, "case__village__")).filter(
        case__round_id=round_.pk, case__village__path__startswith=unit.path
    )


def complaint_counts(complaints: QuerySet[Complaint], today: date) -> ComplaintCounts:
    """One query. Overdue: still being re-checked after its due date (counted in working days when recorded)."""
    open_ = Q(status=Complaint.Status.OPEN)
    row = complaints.aggregate(
        total=Count("id"),
        open=Count("id", filter=open_),
        overdue=Count("id", filter=open_ & Q(recheck_due_on__lt=today)),
        resolved=Count("id", filter=Q(status=Complaint.Status.RESOLVED)),
        resolved_late=Count("id", filter=Q(status=Complaint.Status.RESOLVED, resolved_on__gt=F("recheck_due_on"))),
    )
    return ComplaintCounts(**row)


def filtered(complaints: QuerySet[Complaint], status: str, today: date) -> QuerySet[Complaint]:
    if status == "open":
        return complaints.filter(status=Complaint.Status.OPEN)
    if status == "overdue":
        return complaints.filter(status=Complaint.Status.OPEN, recheck_due_on__lt=today)
    if status == "resolved":
        return complaints.filter(status=Complaint.Status.RESOLVED)
    return complaints


def complaints_page(complaints: QuerySet[Complaint], *, page: str | int | None, today: date | None = None) -> Page:
    """One page of complaints, open ones first by due date, each with ``overdue``, ``days_overdue`` and
    ``days_to_resolve`` (working days from received to resolved). Three queries: the count, the rows, the
    calendar of the page's dates."""
    today = today or timezone.localdate()
    rows = (
        complaints.select_related("case__household", "case__village", "case__village__parent")
        .annotate(head_name=Subquery(_head_of_case()))
        .order_by("status", "recheck_due_on", "id")
    )
    page_obj = Paginator(rows, PAGE_SIZE).get_page(page)
    items = list(page_obj.object_list)
    if items:
        first = min(c.received_on for c in items)
        last = max([today, *(c.resolved_on for c in items if c.resolved_on)])
        count = working_days_counter(first, last)
        for c in items:
            c.overdue = c.status == Complaint.Status.OPEN and c.recheck_due_on < today
            c.days_overdue = count(c.recheck_due_on, today) if c.overdue else 0
            c.days_to_resolve = count(c.received_on, c.resolved_on) if c.resolved_on else None
            c.resolved_late = c.resolved_on is not None and c.resolved_on > c.recheck_due_on
    page_obj.object_list = items
    return page_obj


def _head_of_case():
    return (
        Member.objects.filter(
            household=OuterRef("case__household_id"), relationship=Member.Relationship.HEAD, left_on__isnull=True
        )
        .order_by("id")
        .values("full_name")[:1]
    )


def open_complaints_of(case: Case) -> list[Complaint]:
    """The complaints that keep the case reopened, for the village head's pages."""
    return list(case.complaints.filter(status=Complaint.Status.OPEN).order_by("received_on", "id"))
