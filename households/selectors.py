"""Reads of the territory, already scoped to the user."""

from __future__ import annotations

from django.db.models import Count, Value
from django.db.models.functions import StrIndex, Substr

from households.models import AdminUnit, Household


def child_code(unit: AdminUnit, path_field: str):
    """Database expression: the code of ``unit``'s child that a row under ``unit`` belongs to,
    cut from a materialised path such as "/48/492/20236/20236-001/"."""
    start = len(unit.path) + 1
    rest = Substr(path_field, start)
    return Substr(path_field, start, StrIndex(rest, Value("/")) - 1)


def household_counts_by_child(unit: AdminUnit) -> dict[str, int]:
    """Active households under each direct child of ``unit``, in one grouped query."""
    rows = (
        Household.objects.active()
        .filter(village__path__startswith=unit.path)
        .exclude(village_id=unit.pk)
        .annotate(child=child_code(unit, "village__path"))
        .values("child")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["child"]: row["n"] for row in rows}


def children_with_counts(unit: AdminUnit) -> list[AdminUnit]:
    """Direct children of ``unit`` with ``household_count``: two queries whatever the size."""
    counts = household_counts_by_child(unit) if unit.level != AdminUnit.Level.VILLAGE else {}
    children = list(unit.children.current().order_by("name"))
    for child in children:
        child.household_count = counts.get(child.code, 0)
    return children
