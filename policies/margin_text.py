"""Sentences for ``policies.margins``: how far a result is from the next class.

Money is shown as the portal shows money (``explain.format_vnd``: "120.000 đồng"); the margins are
whole đồng, so no decimals appear. Per person per month amounts are rounded up (see margins.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy, ngettext

from policies import explain
from policies.margins import Margin, margins_from_data, margins_of

MARGIN_TEMPLATES = {
    "income_to_leave_line": gettext_lazy(
        "%(per_person_month)s more per person per month (%(household_12m)s for the household over 12 months) "
        "would lift income above the line of %(line)s per person per month: no longer a %(from_class)s"
    ),
    "income_above_line": gettext_lazy(
        "income is %(per_person_month)s per person per month above the line of %(line)s "
        "(%(household_12m)s for the household over 12 months); that much less and it would be a %(to_class)s"
    ),
    "income_to_leave_average_band": gettext_lazy(
        "%(per_person_month)s more per person per month (%(household_12m)s for the household over 12 months), "
        "without state social allowances, would lift income above the average-living-standard band of %(upper)s: "
        "no longer an average-living-standard household"
    ),
    "income_above_average_band": gettext_lazy(
        "income without state social allowances is %(per_person_month)s per person per month above the "
        "average-living-standard band of %(upper)s (%(household_12m)s for the household over 12 months); "
        "that much less and it would be an average-living-standard household"
    ),
}
_CLASS_IN_SENTENCE = {
    "poor": gettext_lazy("poor household"),
    "near_poor": gettext_lazy("near-poor household"),
}
_MONEY = {"per_person_month", "household_12m", "line", "upper"}


def _deprivation_sentence(margin: Margin) -> str:
    count = margin.params["count"]
    params = {"count": count, "cutoff": margin.params["cutoff"]}
    if margin.code == "deprivations_to_poor":
        return (
            ngettext(
                "%(count)s more deprivation and it would be a poor household (cut-off %(cutoff)s indicators)",
                "%(count)s more deprivations and it would be a poor household (cut-off %(cutoff)s indicators)",
                count,
            )
            % params
        )
    return (
        ngettext(
            "%(count)s deprivation fewer and it would be a near-poor household (cut-off %(cutoff)s indicators)",
            "%(count)s deprivations fewer and it would be a near-poor household (cut-off %(cutoff)s indicators)",
            count,
        )
        % params
    )


def explain_margin(margin: Margin) -> str:
    """One sentence for one margin; an unknown code is shown as the code (and a test fails)."""
    if margin.code in ("deprivations_to_poor", "deprivations_to_near_poor"):
        sentence = _deprivation_sentence(margin)
    elif margin.code in MARGIN_TEMPLATES:
        params = {}
        for key, value in margin.params.items():
            if key in _MONEY:
                params[key] = explain.format_vnd(value)
            elif key in ("from_class", "to_class"):
                params[key] = str(_CLASS_IN_SENTENCE.get(value, value))
            else:
                params[key] = str(value)
        sentence = str(MARGIN_TEMPLATES[margin.code]) % params
    else:
        return margin.code
    return sentence[:1].upper() + sentence[1:]


def explain_margins(margins: Iterable[Margin]) -> list[str]:
    return [explain_margin(m) for m in margins]


def result_margins(result) -> list[str]:
    """Sentences for a live ``ClassificationResult`` or for one stored as data (``CaseResult.explanation``)."""
    if result is None:
        return []
    if isinstance(result, Mapping):
        return explain_margins(margins_from_data(result))
    return explain_margins(margins_of(result))
