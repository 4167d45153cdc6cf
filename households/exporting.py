"""Excel export of the household list: which rows (a generator over the page's own queryset)
kept apart from which format (``households.workbooks``, write-only: constant memory)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from households import citizen_ids, workbooks
from households.models import Household


def household_header() -> list[str]:
    return [
        _("Household code"),
        _("Village / residential group"),
        _("Address"),
        _("Phone"),
        _("Head of household"),
        _("Head's date of birth"),
        _("Head's citizen ID number"),
        _("Active members"),
        _("Agriculture, forestry, fishery or salt-making"),
        _("Status"),
    ]


def household_rows(queryset: QuerySet[Household], *, reveal_ids: bool) -> Iterator[tuple]:
    """One tuple per household of ``queryset`` (annotated by ``selectors.household_list``)."""
    statuses = dict(Household.Status.choices)
    yes, no = _("Yes"), _("No")
    for h in queryset.iterator(chunk_size=2000):
        number = h.head_id_number or ""
        yield (
            h.code,
            h.village.name,
            h.address,
            h.phone,
            h.head_name or "",
            h.head_date_of_birth,
            number if reveal_ids else citizen_ids.mask(number),
            h.member_count,
            yes if h.in_agriculture else no,
            str(statuses.get(h.status, h.status)),
        )


def write_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence]):
    """A temporary file holding the workbook: bold frozen header, auto-filter, dates as dd/mm/yyyy."""
    workbook = workbooks.new_workbook()
    writer = workbooks.add_sheet(workbook, title)
    writer.sheet.freeze_panes = "A2"
    writer.append(header, style=workbooks.BOLD)
    count = 0
    for row in rows:
        writer.append(row)
        count += 1
    writer.sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    return workbooks.to_temporary_file(workbook)
