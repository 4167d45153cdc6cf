"""Numbers on the dashboards: dot thousands, comma decimals, a dash for a missing figure."""

from __future__ import annotations

from decimal import Decimal

from django import template

from policies.explain import format_number

register = template.Library()

MISSING = "—"


def number(value) -> str:
    return MISSING if value is None else format_number(value, decimals=0)


def percent(value) -> str:
    """A fraction as "4,3 %"; missing (no denominator) as a dash, never 0."""
    if value is None:
        return MISSING
    return f"{format_number(Decimal(value) * 100, decimals=1)} %"


register.filter("num", number)
register.filter("pct", percent)


@register.filter
def figures(unit_figures, standard):
    return unit_figures.figures(standard.pk)


@register.filter
def poor_rate(unit_figures, standard):
    return unit_figures.poor_rate(standard.pk)


@register.filter
def near_poor_rate(unit_figures, standard):
    return unit_figures.near_poor_rate(standard.pk)
