"""Reads of the review, scoped through households.access and bounded in queries."""

from __future__ import annotations

from django.db.models import Count, JSONField, OuterRef, Q, Subquery
from django.db.models.fields.json import KT

from households.models import Member
from reviews.models import Case, CaseResult, ReviewRound, Transition


def open_rounds():
    return ReviewRound.objects.filter(status=ReviewRound.Status.OPEN).order_by("-year", "kind")


def village_cases(round_: ReviewRound, village) -> list[Case]:
    """The village's cases with the head's name, member count and, from the primary standard's
    result, the answers still missing and the provisional class: one query whatever the length."""
    head = Member.objects.filter(household=OuterRef("household_id"), relationship=Member.Relationship.HEAD, left_on__isnull=True)
    primary = CaseResult.objects.filter(case=OuterRef("pk"), standard_id=round_.primary_standard_id)
    return list(
        Case.objects.filter(round=round_, village=village)
        .select_related("household")
        .annotate(
            head_name=Subquery(head.values("full_name")[:1]),
            member_count=Count("members"),
            provisional_class=Subquery(primary.annotate(value=KT("explanation__provisional_class")).values("value")[:1]),
            missing_answers=Subquery(primary.values("explanation__missing_answers")[:1], output_field=JSONField()),
        )
        .order_by("household__code")
    )


def village_progress(cases: list[Case]) -> dict[str, int]:
    counts = {status: 0 for status in Case.Status.values}
    for case in cases:
        counts[case.status] += 1
    counts["total"] = len(cases)
    counts["done"] = counts[Case.Status.SURVEYED] + counts[Case.Status.SCREENED_OUT]
    return counts


def case_for_page(pk: int, user):
    from households.access import get_visible_or_404

    queryset = Case.objects.select_related(
        "round", "round__primary_standard", "village", "village__parent", "household", "updated_by"
    )
    return get_visible_or_404(queryset, user, pk=pk)


def case_timeline(case: Case):
    return (
        Transition.objects.filter(Q(case=case) | Q(household_id=case.household_id, round_id=case.round_id))
        .select_related("actor")
        .distinct()
    )
