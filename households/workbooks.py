"""The one workbook writer: every .xlsx the portal hands out is written through this module.

Why one writer: a household or member name is data typed by people, and a name such as
``=HYPERLINK("http://…","Xem")`` or ``=1+1`` must never come back as a live formula (CSV/Excel formula
injection, OWASP). openpyxl turns any text starting with ``=`` into a formula, so no writer may hand it raw
values; they go through :meth:`SheetWriter.append` / :meth:`SheetWriter.cell`, which decide the cell type
from the Python type alone:

- ``Formula("=SUM(…)")``: the portal's own formulas (totals, shares), the only text written as a formula;
- ``str`` (and lazy translations): always a text cell (``data_type`` ``"s"``), whatever it starts with.
  A string cell is never evaluated, but a person editing it (F2, Enter) would turn ``=1+1`` into a
  formula; so a text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return (the OWASP list
  for CSV/Excel injection) is in addition marked with the *quote prefix*: the style flag Excel itself
  stores when someone types a leading apostrophe, which keeps the cell text when it is edited (the
  formula bar shows ``'=1+1``). This is OWASP's leading apostrophe, kept out of the value: the cell
  shows the name exactly as recorded, and a workbook of mistakes corrected and uploaded again brings
  back the same name, not one with an apostrophe glued in front. Characters that XML cannot
  hold (control characters other than tab, line feed and carriage return) are dropped rather than
  failing the whole download; texts are cut at Excel's 32,767 characters;
- ``int``/``float``/``Decimal``/``bool``: numbers; ``date``/``datetime``: dates, shown dd/mm/yyyy unless
  the style says otherwise (aware datetimes are converted to local time, which Excel cannot store);
- ``None``: an empty cell; anything else is written as its text.

Workbooks are write-only by default (rows stream to disk, memory stays flat however long the list);
:func:`to_bytes` and :func:`to_temporary_file` save them.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
# OWASP, CSV injection: cells starting with these characters are read as formulas by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32_767  # Excel's limit for one cell
# Control characters an XML document cannot contain (tab, line feed and carriage return are allowed).
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_SHEET_TITLE_ILLEGAL = re.compile(r"[\\*?:/\[\]]")
_PLAIN_NUMBERS = frozenset({int, float, Decimal})


class Formula(str):
    """A formula the portal writes itself (``"=SUM(H5:H20)"``): the only text that becomes a formula."""

    def __new__(cls, text: str):
        if not text.startswith("="):
            raise ValueError(f"a formula starts with '=': {text!r}")
        return super().__new__(cls, text)


@dataclass(frozen=True)
class Style:
    font: Font | None = None
    fill: PatternFill | None = None
    alignment: Alignment | None = None
    number_format: str | None = None


BOLD = Style(font=Font(bold=True))
TITLE = Style(font=Font(bold=True, size=14))
HEADER = Style(font=Font(bold=True), alignment=Alignment(wrap_text=True, vertical="top"))


def neutralised(text: str) -> bool:
    """Whether ``text`` would be read as a formula by a spreadsheet program, so it gets the quote prefix."""
    return text.startswith(FORMULA_TRIGGERS)


def clean_text(text: str) -> str:
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text[:MAX_TEXT]


def new_workbook(*, write_only: bool = True) -> Workbook:
    """A workbook without sheets: :func:`add_sheet` adds them."""
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    return workbook


def add_sheet(workbook: Workbook, title: str, *, widths: Sequence[float] = ()) -> SheetWriter:
    """A new sheet titled ``title`` (cut to Excel's 31 characters, without the characters Excel refuses).

    Column widths are set before any row, as write-only mode requires."""
    title = _SHEET_TITLE_ILLEGAL.sub("-", str(title))[:31] or "Sheet"
    writer = SheetWriter(workbook.create_sheet(title))
    writer.set_widths(widths)
    return writer


class SheetWriter:
    """Writes rows of values into one worksheet (``.sheet``, for layout: freeze panes, auto-filter…)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.row = 0  # the last row written
        self._styles: dict[tuple[Style | None, str | None], Any] = {}
        if isinstance(sheet, WriteOnlyWorksheet):
            # openpyxl's write-only append first tries every cell it is given as a *value* and takes it
            # as a cell after the ValueError (an exception and a repr per cell: half the writing time).
            # ``_values_to_row`` is private to openpyxl: it is pinned in requirements.txt and the tests read back.
            # The cells made here are typed already, so rows are placed as they are; anything else
            # appended to this sheet is typed here too, so no raw text reaches openpyxl even then.
            sheet._values_to_row = self._placed

    def _placed(self, values, row_idx: int):
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if type(value) in _PLAIN_NUMBERS:
                cell = Cell(self.sheet, row=row_idx, column=col_idx, value=value)
            else:
                cell = value if isinstance(value, Cell) else self.cell(value)
                cell.column, cell.row = col_idx, row_idx
            yield cell

    def set_widths(self, widths: Sequence[float]) -> None:
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width

    def print_a4_landscape(self, *, orientation: str = "landscape") -> None:
        """A4 (landscape unless told), all columns on the page width, as many pages down as needed, narrow
        margins and centred across the page (before the rows)."""
        self.sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self.sheet.page_setup.orientation = orientation
        self.sheet.page_setup.paperSize = "9"  # A4
        self.sheet.page_setup.fitToWidth = 1
        self.sheet.page_setup.fitToHeight = 0
        self.sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5, header=0.3, footer=0.3)
        self.sheet.print_options.horizontalCentered = True

    def merge(self, first_column: int, last_column: int, row: int | None = None) -> None:
        """Merge columns ``first_column``..``last_column`` (1-based) of ``row`` (the last row written by
        default): a title or a header block over several columns, written in the first cell."""
        row = row or self.row
        if last_column > first_column:
            self.sheet.merged_cells.add(f"{get_column_letter(first_column)}{row}:{get_column_letter(last_column)}{row}")

    def set_next_height(self, points: float) -> None:
        """The height of the next row (write-only mode writes a row's height with the row)."""
        self.sheet.row_dimensions[self.row + 1].height = points

    def append(
        self, values: Iterable[Any], style: Style | Sequence[Style | None] | None = None, *, height: float | None = None
    ) -> None:
        """Write one row: ``style`` for every cell, or one style (or None) per column; ``height`` in points
        (for wrapped text: write-only mode cannot measure it, and LibreOffice does not grow the row)."""
        values = list(values)
        if isinstance(style, Sequence):
            styles = list(style)[: len(values)]
            styles += [None] * (len(values) - len(styles))
        else:
            styles = [style] * len(values)
        if height is not None:
            self.set_next_height(height)
        self.sheet.append([self._value(value, column_style) for value, column_style in zip(values, styles, strict=True)])
        self.row += 1
        if height is not None and isinstance(self.sheet, WriteOnlyWorksheet):
            # Written with the row already: drop it, so memory stays flat over a long list.
            self.sheet.row_dimensions.pop(self.row, None)

    def _value(self, value: Any, style: Style | None):
        # Unstyled numbers and empty cells go to openpyxl as they are (its own fast path, and never a
        # formula); everything else becomes a cell typed here.
        if style is None and (value is None or (type(value) in _PLAIN_NUMBERS)):
            return value
        return self.cell(value, style)

    def cell(self, value: Any, style: Style | None = None) -> Cell:
        """A cell of this sheet holding ``value``, typed as the module docstring says."""
        cell = Cell(self.sheet, row=1, column=1)  # the row appended places it
        default_format = None
        prefix = False
        if value is None:
            pass
        elif isinstance(value, Formula):
            cell.value = str(value)  # openpyxl reads the leading "=": data_type "f"
        elif isinstance(value, str | Promise):
            prefix = self._text(cell, value)
        elif isinstance(value, bool | int | float | Decimal):
            cell.value = value
        elif isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)
            cell.value = value
            default_format = DATE_FORMAT if value.time() == time() else DATETIME_FORMAT
        elif isinstance(value, date):
            cell.value = value
            default_format = DATE_FORMAT
        else:
            prefix = self._text(cell, value)
        styled = self._style_array(style, default_format)
        if styled is not None:
            cell._style = copy(styled)
        if prefix:
            cell.quotePrefix = True
        return cell

    @staticmethod
    def _text(cell: Cell, value: Any) -> bool:
        """Put ``value`` into ``cell`` as text; whether it needs the quote prefix."""
        text = clean_text(str(value))
        # Set directly, as openpyxl's reader does: its value setter would make "=…" a formula.
        cell._value = text
        cell.data_type = "s"
        return neutralised(text)

    def _style_array(self, style: Style | None, default_format: str | None):
        """The openpyxl style of ``style`` (computed once per sheet, then copied: no new objects per cell)."""
        if style is None and default_format is None:
            return None
        key = (style, default_format)
        if key not in self._styles:
            proto = Cell(self.sheet, row=1, column=1)
            style = style or Style()
            if style.font:
                proto.font = style.font
            if style.fill:
                proto.fill = style.fill
            if style.alignment:
                proto.alignment = style.alignment
            if style.number_format or default_format:
                proto.number_format = style.number_format or default_format
            self._styles[key] = proto._style
        return self._styles[key]


def save(workbook: Workbook, out: IO[bytes]) -> None:
    workbook.save(out)


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_temporary_file(workbook: Workbook) -> IO[bytes]:
    """The saved workbook in a temporary file at position 0 (for a ``FileResponse``, which closes it)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the caller's FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return handle
