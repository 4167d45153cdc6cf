"""Excel export of the household list: which rows (a generator over the page's own queryset)
kept apart from which format (openpyxl write-only, constant memory)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from households import citizen_ids
from households.models import Household

DATE_FORMAT = "dd/mm/yyyy"


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
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    workbook.save(handle)
    handle.seek(0)
    return handle
