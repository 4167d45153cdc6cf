"""Movement between a household's previous official class and its new one (pure; no Django).

The categories are those of the review reports (Circular 07/2021/TT-BLĐTBXH, Appendix VII: hộ thoát
nghèo, hộ thoát cận nghèo, hộ nghèo phát sinh, hộ tái nghèo) [M for the exact report definitions]:
- escaped poverty: poor before, not poor now (a poor household that becomes near-poor has escaped poverty);
- escaped near-poverty: near-poor before, neither poor nor near-poor now;
- re-poor: poor now, not poor before, but poor at some earlier time;
- new poor: poor now and never poor before;
- new near-poor: near-poor now, neither poor nor near-poor before.
"""

from __future__ import annotations

POOR, NEAR_POOR = "poor", "near_poor"
MOVEMENTS = ("escaped_poverty", "escaped_near_poverty", "new_poor", "re_poor", "new_near_poor", "unchanged")


def movement(previous: str | None, current: str | None, *, ever_poor_before: bool) -> str:
    """Classify the change from ``previous`` (None: never recognised) to ``current``.

    ``ever_poor_before`` says whether any earlier official status, before ``previous``, was poor.
    """
    if current == POOR:
        if previous == POOR:
            return "unchanged"
        return "re_poor" if ever_poor_before else "new_poor"
    if previous == POOR:
        return "escaped_poverty"
    if current == NEAR_POOR:
        return "unchanged" if previous == NEAR_POOR else "new_near_poor"
    if previous == NEAR_POOR:
        return "escaped_near_poverty"
    return "unchanged"
