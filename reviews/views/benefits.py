"""Beneficiary lists and budget estimates for ward, district and city officers (scoped to their area).

Village heads get 403: the lists carry personal data of a whole ward and serve the officers who pay
the support (Decree 13/2023/NĐ-CP: access for a purpose); a head sees their households' official
status on the household pages instead. A unit outside the officer's area answers 404.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from households.access import capability_required, get_visible_or_404, scope_of
from households.models import AdminUnit
from policies.explain import explain_entitlement
from policies.models import SupportPolicy
from reviews import benefits, benefits_excel

YEARS = range(2022, 2101)


def _unit(request, unit_code: str) -> AdminUnit:
    unit = get_visible_or_404(AdminUnit.objects.select_related("parent"), request.user, code=unit_code)
    if unit.level == AdminUnit.Level.VILLAGE:
        raise Http404  # lists and budgets are by ward, district and city
    return unit


def _year(year: int) -> int:
    if year not in YEARS:
        raise Http404
    return year


def _policy(code: str) -> SupportPolicy:
    policy = SupportPolicy.objects.filter(code=code).first()
    if policy is None:
        raise Http404
    return policy


@require_GET
@capability_required("see_benefits")
def benefits_home(request):
    """The budget of the officer's own area for this year (administrators: the city)."""
    unit = scope_of(request.user).unit or AdminUnit.objects.filter(level=AdminUnit.Level.CITY).first()
    if unit is None:
        raise Http404
    return redirect("reviews:benefit_budget", unit_code=unit.code, year=timezone.localdate().year)


def _year_links(year: int) -> list[int]:
    return [y for y in (year - 1, year, year + 1) if y in YEARS]


@require_GET
@capability_required("see_benefits")
def budget_view(request, unit_code: str, year: int):
    unit, year = _unit(request, unit_code), _year(year)
    table = benefits.budget(request.user, unit, year)
    rows = []
    for line in table.lines:
        cells = []
        for policy in table.policies:
            cell = line.cells[policy.code]
            count = cell.beneficiaries(table.per[policy.code])
            cells.append(
                {"policy": policy, "count": count, "estimate": cell.estimate if count else None, "amount_set": cell.amount_set}
            )
        rows.append({"line": line, "cells": cells, "total": line.total_estimate()})
    return render(
        request,
        "reviews/benefits/budget.html",
        {"unit": unit, "year": year, "table": table, "rows": rows, "years": _year_links(year)},
    )


@require_GET
@capability_required("see_benefits")
def budget_xlsx(request, unit_code: str, year: int):
    unit, year = _unit(request, unit_code), _year(year)
    return benefits_excel.budget_response(benefits.budget(request.user, unit, year))


@require_GET
@capability_required("see_benefits")
def beneficiaries_view(request, unit_code: str, year: int, policy_code: str):
    unit, year, policy = _unit(request, unit_code), _year(year), _policy(policy_code)
    versions = benefits.policy_versions_for_year(year, policy.code)
    rows = [
        {"row": row, "reasons": explain_entitlement(row.entitlement.reasons)}
        for row in benefits.beneficiary_rows(request.user, unit, year, policy.code, versions=versions)
    ]
    estimates = [r["row"].estimate for r in rows]
    total = sum(estimates) if rows and None not in estimates else None
    return render(
        request,
        "reviews/benefits/beneficiaries.html",
        {
            "unit": unit,
            "year": year,
            "policy": policy,
            "versions": versions,
            "rows": rows,
            "households": len({r["row"].household.pk for r in rows}),
            "people": len({r["row"].member.pk for r in rows if r["row"].member}),
            "total": total,
            "years": _year_links(year),
        },
    )


@require_GET
@capability_required("see_benefits")
def beneficiaries_xlsx(request, unit_code: str, year: int, policy_code: str):
    unit, year, policy = _unit(request, unit_code), _year(year), _policy(policy_code)
    rows = benefits.beneficiary_rows(request.user, unit, year, policy.code)
    return benefits_excel.beneficiaries_response(rows, policy=policy, unit=unit, year=year)
