"""The approving unit's opinion on ward lists: what a list says before the opinion, and several at once.

``ward_summary`` is what the opinion page shows above its buttons: the households by class under the
round's standard for the official status, their movement against last year's lists (escaped, new poor,
re-poor… as the cases carry it), and what each complaint changed. ``opinions_give`` approves or returns
several ward lists, each through the same workflow transition as the one-list page, each on its own: one
refused (not sent, changed meanwhile, not this unit's) is reported and the others go through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from households import access
from reviews import services
from reviews.models import Case, Class, Complaint, Movement, WardList

APPROVE = "approve"
RETURN = "return"


@dataclass
class Figure:
    key: str
    label: str
    count: int


@dataclass
class WardSummary:
    total: int
    classes: list[Figure]
    unclassified: int
    movements: list[Figure]
    complaints: list[Complaint]

    @property
    def complaints_changed(self) -> int:
        return sum(1 for c in self.complaints if c.class_changed)


def ward_summary(ward_list: WardList) -> WardSummary:
    """The list's figures and its complaints with the class each household had when the complaint was
    recorded and has now. Three queries whatever the size of the ward: the counts, the complaints, and
    the cases' history rows up to the complaints."""
    cases = Case.objects.filter(round_id=ward_list.round_id, village__parent_id=ward_list.ward_id)
    aggregates = {"total": Count("id"), "unclassified": Count("id", filter=Q(result_class=""))}
    aggregates |= {f"class_{value}": Count("id", filter=Q(result_class=value)) for value in Class.values}
    aggregates |= {f"movement_{value}": Count("id", filter=Q(movement=value)) for value in Movement.values}
    counts = cases.aggregate(**aggregates)
    complaints = list(
        Complaint.objects.filter(case__in=cases).select_related("case__household", "case__village").order_by("received_on", "id")
    )
    _class_when_recorded(complaints)
    return WardSummary(
        total=counts["total"],
        classes=[Figure(value, label, counts[f"class_{value}"]) for value, label in Class.choices],
        unclassified=counts["unclassified"],
        movements=[Figure(value, label, counts[f"movement_{value}"]) for value, label in Movement.choices],
        complaints=complaints,
    )


def _class_when_recorded(complaints: list[Complaint]) -> None:
    """Set ``class_before`` (the case's class when the complaint was entered, from the case's history),
    ``class_after`` (now) and ``class_changed`` on each complaint."""
    if not complaints:
        return
    labels = dict(Class.choices)
    rows: dict[int, list] = {}
    history = Case.history.filter(id__in={c.case_id for c in complaints}).order_by("history_date", "history_id")
    for row in history.values("id", "history_date", "result_class"):
        rows.setdefault(row["id"], []).append(row)
    for complaint in complaints:
        now = complaint.case.result_class
        then = now
        if complaint.recorded_at is not None:
            earlier = [r for r in rows.get(complaint.case_id, []) if r["history_date"] <= complaint.recorded_at]
            if earlier:
                then = earlier[-1]["result_class"]
        complaint.class_before = labels.get(then, "–") if then else "–"
        complaint.class_after = labels.get(now, "–") if now else "–"
        complaint.class_changed = then != now


@dataclass
class Outcome:
    """What one bulk opinion did: the lists it moved and the lists it refused, each with the reasons."""

    done: list[WardList] = field(default_factory=list)
    refused: list[tuple[str, list[str]]] = field(default_factory=list)


def opinions_give(
    *,
    user,
    decision: str,
    ward_list_ids: list[int],
    versions: dict[int, int] | None = None,
    reason: str = "",
    today: date | None = None,
) -> Outcome:
    """Approve (``APPROVE``) or return with one reason for all (``RETURN``) each ward list of
    ``ward_list_ids``, each through its own transition (``services.ward_approve`` / ``ward_return``).

    A list outside the user's area is reported as not found (its name is not shown); one the workflow
    refuses (not sent, already decided — a second run of the same form —, another unit's, changed since
    the page was read: ``versions``) is reported with the workflow's reasons. The others go through.
    """
    if decision not in (APPROVE, RETURN):
        raise ValueError(decision)
    versions = versions or {}
    outcome = Outcome()
    found = {
        wl.pk: wl
        for wl in WardList.objects.filter(access.unit_q(user, "ward__"), pk__in=ward_list_ids).select_related(
            "round", "ward", "approver"
        )
    }
    for pk in dict.fromkeys(ward_list_ids):
        ward_list = found.get(pk)
        if ward_list is None:
            outcome.refused.append((_("List no. %(id)s") % {"id": pk}, [_("No such ward list in your area.")]))
            continue
        try:
            if decision == APPROVE:
                services.ward_approve(ward_list=ward_list, user=user, reason=reason, today=today, read_version=versions.get(pk))
            else:
                services.ward_return(ward_list=ward_list, user=user, reason=reason, read_version=versions.get(pk))
        except ValidationError as exc:
            outcome.refused.append((ward_list.ward.name, exc.messages))
        except (PermissionDenied, Http404):
            outcome.refused.append((ward_list.ward.name, [_("This list is sent to another unit for its opinion.")]))
        else:
            outcome.done.append(ward_list)
    return outcome
