"""How far a classification result is from the next class: what would change it.

Pure: standard library only (a test checks that). Works on a ``policies.classification.
ClassificationResult`` (read by attribute, so this module need not import the engine) or on the
same result stored as plain data (``reviews.facts.result_as_data``), so results saved on old cases
get their margins without being stored again.

Income is decided on exact integers (``classify``): a household is at or under the line when
total_12m <= line × 12 × members. So, exactly:

- poor / near-poor: the smallest extra income over 12 months that lifts it above the line is
  ``line × 12 × members − total + 1`` đồng (``household_12m``);
- average / not poor: the smallest fall that brings it back to the line is
  ``total − line × 12 × members`` đồng.

Per person per month (``per_person_month``) is that amount divided by 12 × members, **rounded up to
the whole đồng**: it is the smallest whole-đồng amount per person per month that changes the class
(one đồng less per person per month does not). The band of the average living standard is tested
the same way on income without state social allowances (``EXCLUDED_FROM_AVERAGE_BAND``).

Deprivations: a near-poor household becomes poor with ``cutoff − count`` more deprivations; a poor
household becomes near-poor with ``count − cutoff + 1`` fewer. A result without a class (standard
incomplete) has no margin.

Results are structured ``Margin(code, params)`` (codes in ``MARGIN_CODES``), translated in the
Django layer (``policies.margin_text``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

MARGIN_CODES: dict[str, str] = {
    "income_to_leave_line": (
        "{per_person_month} đồng more per person per month ({household_12m} đồng per household over 12 months) "
        "lifts the {from_class} household above the line of {line}: it would no longer be {from_class}"
    ),
    "income_above_line": (
        "income is {per_person_month} đồng per person per month ({household_12m} đồng per household over 12 months) "
        "above the line of {line}; that much less and it would be {to_class}"
    ),
    "deprivations_to_poor": "{count} more deprivations (cut-off {cutoff}) and it would be poor",
    "deprivations_to_near_poor": "{count} deprivations fewer (cut-off {cutoff}) and it would be near-poor",
    "income_to_leave_average_band": (
        "{per_person_month} đồng more per person per month ({household_12m} đồng over 12 months), without state "
        "social allowances, lifts it above the average-living-standard band of {upper}; it would be not poor"
    ),
    "income_above_average_band": (
        "income without state social allowances is {per_person_month} đồng per person per month ({household_12m} "
        "đồng over 12 months) above the average-living-standard band of {upper}; that much less and it would be average"
    ),
}

_BAND_REASONS = ("income_within_average_band", "income_above_average_band")


@dataclass(frozen=True, slots=True)
class Margin:
    code: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def _money(code: str, amount_12m: int, members: int, **params: object) -> Margin:
    return Margin(code, {"per_person_month": _ceil_div(amount_12m, 12 * members), "household_12m": amount_12m, **params})


def compute(
    *,
    household_class: str | None,
    total_income_12m: int,
    member_count: int,
    income_line: int | None,
    average_upper: int | None,
    cutoff: int | None,
    deprivation_count: int,
    band_income_12m: int | None,
) -> tuple[Margin, ...]:
    """Margins from the numbers of one result. ``band_income_12m`` is the income tested against the
    average band (without state social allowances), None when the result does not say it."""
    if household_class is None or income_line is None or cutoff is None or member_count < 1:
        return ()
    line_12m = income_line * 12 * member_count
    upper_12m = None if average_upper is None else average_upper * 12 * member_count
    margins: list[Margin] = []
    if household_class in ("poor", "near_poor"):
        # Above the line a household is neither poor nor near-poor, whatever its deprivations.
        needed = line_12m - total_income_12m + 1
        margins.append(_money("income_to_leave_line", needed, member_count, line=income_line, from_class=household_class))
        if household_class == "near_poor":
            margins.append(Margin("deprivations_to_poor", {"count": cutoff - deprivation_count, "cutoff": cutoff}))
        else:
            margins.append(Margin("deprivations_to_near_poor", {"count": deprivation_count - cutoff + 1, "cutoff": cutoff}))
    elif household_class in ("average", "not_poor"):
        excess = total_income_12m - line_12m
        to_class = "poor" if deprivation_count >= cutoff else "near_poor"
        margins.append(_money("income_above_line", excess, member_count, line=income_line, to_class=to_class))
        if upper_12m is not None and band_income_12m is not None:
            if household_class == "average":
                margins.append(
                    _money("income_to_leave_average_band", upper_12m - band_income_12m + 1, member_count, upper=average_upper)
                )
            else:
                margins.append(
                    _money("income_above_average_band", band_income_12m - upper_12m, member_count, upper=average_upper)
                )
    return tuple(margins)


def _band_income(total: int, reasons: Any) -> int | None:
    for reason in reasons:
        code = reason["code"] if isinstance(reason, Mapping) else reason.code
        params = reason["params"] if isinstance(reason, Mapping) else reason.params
        if code in _BAND_REASONS:
            return total - int(params["social_allowance_12m"])
    return None


def margins_of(result: Any) -> tuple[Margin, ...]:
    """Margins of a ``ClassificationResult``."""
    return compute(
        household_class=result.household_class,
        total_income_12m=result.total_income_12m,
        member_count=result.member_count,
        income_line=result.income_line,
        average_upper=result.average_upper,
        cutoff=result.cutoff,
        deprivation_count=result.deprivation_count,
        band_income_12m=_band_income(result.total_income_12m, result.reasons),
    )


_DATA_KEYS = ("household_class", "total_income_12m", "member_count", "income_line", "cutoff", "deprivation_count")


def margins_from_data(data: Mapping[str, Any]) -> tuple[Margin, ...]:
    """Margins of a result stored as plain data; () when the data lacks a number they need."""
    if not data or any(key not in data for key in _DATA_KEYS):
        return ()
    try:
        total = int(data["total_income_12m"])
        return compute(
            household_class=data["household_class"] or None,
            total_income_12m=total,
            member_count=int(data["member_count"]),
            income_line=data["income_line"],
            average_upper=data.get("average_upper"),
            cutoff=data["cutoff"],
            deprivation_count=int(data["deprivation_count"]),
            band_income_12m=_band_income(total, data.get("reasons") or ()),
        )
    except (KeyError, TypeError, ValueError):
        return ()
