"""A past round's figures on today's wards/communes, and where they were counted then.

A round's counts belong to its villages (``VillageTally``), and a village moved since (a territory change or
the 2025 reorganisation: ``households.reorganisation``) takes them along, so the dashboards of a past round
already add a moved village up under its ward of today. What they no longer show is the ward it was counted
in when the round closed. ``regrouped`` gives both, per ward/commune of today: the round's figures, and how
many of its cases each ward of the time brought, read from the ``TerritoryEvent`` log written since the round
closed (a move's ``from_ward``; a reorganisation's old name, since a reused code took the new unit's name).
A village merged away since follows the village it was merged into. An open round is its own today.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Sum

from households.models import AdminUnit, TerritoryEvent
from reviews.models import ReviewRound, VillageTally

Action = TerritoryEvent.Action


@dataclass
class RegroupedWard:
    # The ward/commune of today; None for villages that no current ward receives (retired without a merge).
    ward: AdminUnit | None
    cases: int = 0
    # (standard id, household class) -> households.
    classes: Counter = field(default_factory=Counter)
    movement: Counter = field(default_factory=Counter)
    # Code of the ward the cases were counted in when the round closed -> cases; and its name then.
    then: Counter = field(default_factory=Counter)
    then_names: dict[str, str] = field(default_factory=dict)


def _events_since(round_: ReviewRound):
    if round_.status == ReviewRound.Status.OPEN or round_.closed_at is None:
        return []
    return list(TerritoryEvent.objects.filter(at__gt=round_.closed_at).select_related("unit__parent").order_by("at", "id"))


def regrouped(round_: ReviewRound) -> list[RegroupedWard]:
    """The round's per-ward figures on today's wards/communes (4 queries), in today's ward order."""
    rows = (
        VillageTally.objects.filter(round=round_, indicator="")
        .values("village_id", "standard_id", "status", "movement", "household_class")
        .annotate(n=Sum("n"))
        .order_by()
    )
    rows = list(rows)
    villages = {v.pk: v for v in AdminUnit.objects.filter(pk__in={r["village_id"] for r in rows}).select_related("parent")}
    events = _events_since(round_)
    moved_from: dict[int, str] = {}
    merged_into: dict[str, AdminUnit] = {}
    old_names: dict[str, str] = {}
    for event in events:
        if event.action == Action.MOVE:
            moved_from.setdefault(event.unit_id, event.data.get("from_ward", ""))
        elif event.action == Action.MERGE:
            for code in event.data.get("villages", []):
                merged_into.setdefault(code, event.unit)
        elif event.action == Action.REORGANISE:
            old_names.setdefault(event.unit.code, event.data.get("from_name", ""))

    def ward_today(village: AdminUnit) -> AdminUnit | None:
        for _hop in range(20):  # merges chain a few times at most
            if village.valid_to is None:
                return village.parent
            into = merged_into.get(village.code)
            if into is None:
                return None
            village = into
        return None

    by_ward: dict[int | None, RegroupedWard] = {}
    then_codes: set[str] = set()
    for row in rows:
        village = villages[row["village_id"]]
        ward = ward_today(village)
        group = by_ward.setdefault(ward.pk if ward else None, RegroupedWard(ward=ward))
        if row["standard_id"] is None:
            then = moved_from.get(village.pk) or village.parent.code
            then_codes.add(then)
            group.cases += row["n"]
            group.then[then] += row["n"]
            if row["movement"]:
                group.movement[row["movement"]] += row["n"]
        elif row["household_class"]:
            group.classes[(row["standard_id"], row["household_class"])] += row["n"]
    names = dict(AdminUnit.objects.filter(code__in=then_codes).values_list("code", "name"))
    for group in by_ward.values():
        group.then_names = {code: old_names.get(code) or names.get(code, code) for code in group.then}
    return sorted(by_ward.values(), key=lambda g: (g.ward is None, g.ward.path if g.ward else ""))
