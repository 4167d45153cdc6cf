"""Excel reports of a round for a unit: which rows (from the dashboards' scoped queries) apart from
which format (the one workbook writer ``households.workbooks``: data is never a formula; write-only, so
memory stays flat however long the list).

Reports (content of Circular 07/2021/TT-BLĐTBXH, Appendix VII [M for the exact layout]): the unit
summary, the deprivation analysis, and the lists of poor, near-poor, escaped and
average-living-standard households.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from households import workbooks
from households.access import may_reveal_id_numbers
from households.citizen_ids import mask
from households.models import AdminUnit
from households.names import slug
from reviews import dashboards
from reviews.models import Class, Movement, ReviewRound

VND = "#,##0"
PERCENT = "0.0%"
INTEGER = "#,##0"
REPORTS = ("summary", "deprivation", *dashboards.LIST_KINDS)
MISSING = "—"


@dataclass
class Column:
    header: str
    width: float
    kind: str = "text"  # text | int | vnd | pct
    # Totals row: "sum", "count" (non-empty cells), ("ratio", numerator column, denominator column), or None.
    total: str | tuple | None = None


@dataclass
class Report:
    key: str
    title: str
    columns: list[Column]
    rows: Iterable[tuple]
    rows_total: int | None = None
    notes: list[str] = field(default_factory=list)
    total_label: str = ""
    # Cells of the totals row given as values rather than formulas (column index -> value).
    total_values: dict[int, object] = field(default_factory=dict)

    file_stem: str = ""

    def filename(self, unit: AdminUnit, round_: ReviewRound) -> str:
        """``danh-sach-ho-ngheo-phuong-hai-chau-2026.xlsx``: what it is, where, which year; no internal ids."""
        return f"{slug(f'{self.file_stem or self.title} {unit.name} {round_.year}')}.xlsx"


def legal_basis_rows(round_: ReviewRound, standards) -> list[str]:
    rows = [
        _(
            "Legal basis: Decision 24/2021/QĐ-TTg (review procedure); Circular 07/2021/TT-BLĐTBXH, amended by "
            "Circular 02/2022/TT-BLĐTBXH (method and report templates, Appendix VII); Plan 126/KH-UBND of Đà Nẵng."
        )
    ]
    for s in standards:
        rows.append(_("%(name)s, legal basis: %(basis)s") % {"name": s.name, "basis": s.legal_basis})
    return rows


# ----------------------------------------------------------------------------- rows


def summary_report(round_: ReviewRound, unit: AdminUnit, dashboard: dashboards.Dashboard | None = None) -> Report:
    d = dashboard or dashboards.unit_dashboard(round_, unit)
    units = d.children or [d.total]
    columns = [
        Column(_("Administrative unit"), 28),
        Column(_("Resident households"), 13, "int", "sum" if d.total.residents is not None else None),
    ]
    for s in d.standards:
        base = len(columns)  # index of this standard's poor column; the residents column is 1
        suffix = f" ({s.name})" if len(d.standards) > 1 else ""
        columns += [
            Column(_("Poor households") + suffix, 14, "int", "sum"),
            Column(_("Poor rate") + suffix, 10, "pct", ("ratio", base, 1)),
            Column(_("Near-poor households") + suffix, 14, "int", "sum"),
            Column(_("Near-poor rate") + suffix, 10, "pct", ("ratio", base + 2, 1)),
        ]
    columns += [
        Column(_("Average living standard"), 13, "int", "sum"),
        Column(_("Escaped poverty or near-poverty"), 13, "int", "sum"),
        Column(_("New poor"), 11, "int", "sum"),
        Column(_("Re-poor"), 11, "int", "sum"),
        Column(_("Households in the round"), 13, "int", "sum"),
        Column(_("Surveyed or screened out"), 13, "int", "sum"),
    ]

    def rows() -> Iterator[tuple]:
        for f in units:
            row: list = [f.name, f.residents if f.residents is not None else MISSING]
            for s in d.standards:
                sf = f.figures(s.pk)
                row += [sf.poor, _or_missing(f.poor_rate(s.pk)), sf.near_poor, _or_missing(f.near_poor_rate(s.pk))]
            row += [f.figures(d.primary.pk).average, f.escaped, f.new_poor, f.re_poor, f.cases, f.done]
            yield tuple(row)

    notes = []
    if d.total.residents is None:
        notes.append(
            _("Rates are missing (—) where a ward has not entered its resident households for %(year)s.") % {"year": round_.year}
        )
    return Report(
        key="summary",
        title=_("Summary of the review of poor and near-poor households"),
        file_stem=_("summary of the review"),
        columns=columns,
        rows=rows(),
        rows_total=len(units),
        notes=notes,
        total_label=_("Total"),
        total_values={} if d.total.residents is not None else {1: MISSING},
    )


def _or_missing(value):
    return float(value) if value is not None else MISSING


def deprivation_report(round_: ReviewRound, unit: AdminUnit) -> Report:
    primary = round_.primary_standard
    shares, poor_total, near_total = dashboards.deprivation(round_, unit, primary)
    columns = [
        Column(_("Indicator"), 40),
        Column(_("Poor households deprived"), 14, "int"),
        Column(_("Share of poor households"), 12, "pct", ("ratio", 1, 1)),
        Column(_("Near-poor households deprived"), 14, "int"),
        Column(_("Share of near-poor households"), 12, "pct", ("ratio", 3, 3)),
    ]
    return Report(
        key="deprivation",
        title=_("Deprivation analysis of poor and near-poor households"),
        file_stem=_("deprivation analysis"),
        columns=columns,
        rows=((s.name, s.poor, ("share", 1), s.near_poor, ("share", 3)) for s in shares),
        rows_total=len(shares),
        notes=[
            _("Standard: %(name)s. A household deprived on several indicators counts on each of them.") % {"name": primary.name}
        ],
        total_label=_("Households (poor / near-poor)"),
        total_values={1: poor_total, 3: near_total},
    )


LIST_TITLES = {
    "poor": gettext_lazy("List of poor households"),
    "near_poor": gettext_lazy("List of near-poor households"),
    "escaped": gettext_lazy("List of households that escaped poverty or near-poverty"),
    "average": gettext_lazy("List of average-living-standard households"),
}


def shows_full_id_numbers(user) -> bool:
    """Lists carry full ID numbers for those who see them (``households.access``); everyone else's are masked."""
    return may_reveal_id_numbers(user)


def list_report(round_: ReviewRound, unit: AdminUnit, kind: str, user) -> Report:
    standards = dashboards.round_standards(round_)
    indicator_names = dict(round_.primary_standard.indicators.values_list("key", "name"))
    class_labels = {value: str(label) for value, label in Class.choices}
    movement_labels = {value: str(label) for value, label in Movement.choices}
    show_ids = shows_full_id_numbers(user)
    columns = [
        Column(_("Row no."), 6, "int", "count"),
        Column(_("Household code"), 16),
        Column(_("Head of household"), 24),
        Column(_("Citizen ID number") if show_ids else _("Citizen ID number (masked)"), 15),
        Column(_("Address"), 28),
        Column(_("Village / residential group"), 18),
        Column(_("Ward / commune"), 18),
        Column(_("Members"), 9, "int", "sum"),
        Column(_("Income per person per month (VND)"), 15, "vnd"),
        *[Column(_("Class: %(standard)s") % {"standard": s.name}, 16) for s in standards],
        Column(_("Number of deprivations"), 10, "int"),
        Column(_("Indicators deprived on"), 40),
        Column(_("Movement"), 16),
    ]
    queryset = dashboards.household_rows(round_, unit, kind, standards)

    def rows() -> Iterator[tuple]:
        rows = queryset.iterator(chunk_size=2000)
        for number, (code, head, id_number, address, village, ward, members, income, keys, movement, *classes) in enumerate(
            rows, 1
        ):
            yield (
                number,
                code,
                head or "",
                (id_number if show_ids else mask(id_number)) if id_number else "",
                address,
                village,
                ward,
                members or 0,
                int(income),
                *[class_labels.get(c, "") if c else "" for c in classes],
                len(keys or ()),
                "; ".join(indicator_names.get(k, k) for k in keys or ()),
                movement_labels.get(movement, "") if movement else "",
            )

    return Report(
        key=kind,
        title=str(LIST_TITLES[kind]),
        columns=columns,
        rows=rows(),
        total_label=_("Total"),
        notes=[] if show_ids else [_("ID numbers are masked: only the ward officer's lists show them in full.")],
    )


def build_report(key: str, round_: ReviewRound, unit: AdminUnit, user) -> Report:
    if key == "summary":
        return summary_report(round_, unit)
    if key == "deprivation":
        return deprivation_report(round_, unit)
    return list_report(round_, unit, key, user)


def report_rows_estimate(key: str, round_: ReviewRound, unit: AdminUnit) -> int:
    """Rows the report will have (one COUNT query for lists; summaries are short)."""
    if key in dashboards.LIST_KINDS:
        return dashboards.household_count(round_, unit, key)
    return 0


# ----------------------------------------------------------------------------- format

HEADER = workbooks.Style(
    font=Font(bold=True),
    fill=PatternFill("solid", fgColor="DDEBF7"),
    alignment=Alignment(wrap_text=True, horizontal="center", vertical="center"),
)
FORMATS = {"int": INTEGER, "vnd": VND, "pct": PERCENT}
TOP = Alignment(vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
BOLD_CENTRE = workbooks.Style(font=Font(bold=True), alignment=CENTRE)
NATIONAL_MOTTO = workbooks.Style(font=Font(bold=True, underline="single"), alignment=CENTRE)
ITALIC_CENTRE = workbooks.Style(font=Font(italic=True), alignment=CENTRE)
TITLE = workbooks.Style(font=Font(bold=True, size=14), alignment=CENTRE)
PROSE = workbooks.Style(alignment=Alignment(wrap_text=True, vertical="top"))
LINE_POINTS = 15  # one line of 11-point text


def issuing_body(unit: AdminUnit) -> list[str]:
    """The issuing unit's lines at the top left, as on an official form: "UBND PHƯỜNG HẢI CHÂU" (a village's
    list is issued by its ward, with the village below)."""
    if unit.level == AdminUnit.Level.VILLAGE and unit.parent is not None:
        return [_("People's Committee of %(ward)s") % {"ward": unit.parent.name}, unit.name]
    return [_("People's Committee of %(ward)s") % {"ward": unit.name}]


def place_name(unit: AdminUnit) -> str:
    """The place of the date line: the city's name without its kind ("Thành phố Đà Nẵng" -> "Đà Nẵng")."""
    codes = unit.ancestor_codes()
    city = unit if len(codes) == 1 else AdminUnit.objects.filter(code=codes[0]).only("name").first()
    name = city.name if city is not None else unit.name
    return re.sub(r"^(Thành phố|Tỉnh|TP\.?)\s+", "", name)


def dated(place: str, on: date) -> str:
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place,
        "day": f"{on.day:02d}",
        "month": f"{on.month:02d}",
        "year": on.year,
    }


def _blocks(widths: list[float]) -> tuple[tuple[int, int], tuple[int, int]]:
    """The left and the right header block (1-based first and last column): the issuing unit on the left,
    the national header and the signature of the head of the unit on the right, each wide enough for its
    longest line (about 36 characters) without touching the other."""
    total = sum(widths)
    left_end, acc = 1, widths[0]
    while acc < min(34, total * 0.4) and left_end < len(widths) - 1:
        acc += widths[left_end]
        left_end += 1
    right_start, acc = len(widths), widths[-1]
    while acc < 46 and right_start - 1 > left_end:
        right_start -= 1
        acc += widths[right_start - 1]
    return (1, left_end), (right_start, len(widths))


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a cell ``width`` characters wide (write-only mode cannot measure)."""
    return max(1, math.ceil(len(text) * 1.1 / max(width, 1)))


def write_workbook(
    report: Report,
    out: IO[bytes],
    *,
    round_: ReviewRound,
    unit: AdminUnit,
    exported_on: date | None = None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 2000,
) -> int:
    """Write ``report`` as an .xlsx to ``out`` (write-only mode: rows stream to disk). Returns the rows written.

    The page prints like the official forms: the issuing unit at the top left, the national header at the
    top right, place and date, the title across the page, the table with its header repeated on every
    page, then notes and the signature block (the person who drew it up, the head of the unit). A4, fitted
    to the page width; texts wrap within their column."""
    wb = workbooks.new_workbook()
    widths = [c.width for c in report.columns]
    writer = workbooks.add_sheet(wb, report.key, widths=widths)
    ws = writer.sheet
    width = len(report.columns)
    last_col = get_column_letter(width)
    total_width = sum(widths)
    (left_a, left_b), (right_a, right_b) = _blocks(widths)
    exported_on = exported_on or timezone.localdate()

    # The rows above the table, as (values, styles, height, merges), so that the page setup and the frozen
    # header (which write-only mode writes before the first row) know where the table starts.
    preamble: list[tuple[list, list, float | None, list[tuple[int, int]]]] = []

    def two_blocks(left, right, left_style, right_style, height=None):
        row: list = [None] * width
        styles: list = [None] * width
        row[left_a - 1], styles[left_a - 1] = left, left_style
        row[right_a - 1], styles[right_a - 1] = right, right_style
        return (row, styles, height, [(left_a, left_b), (right_a, right_b)])

    def across(text, style, lines=1):
        return ([text], [style], LINE_POINTS * lines + 3, [(1, width)])

    blank = ([], [], None, [])
    body = issuing_body(unit)
    national = [_("SOCIALIST REPUBLIC OF VIETNAM"), _("Independence – Freedom – Happiness")]
    for i in range(max(len(body), len(national))):
        preamble.append(
            two_blocks(
                str(body[i]).upper() if i < len(body) else None,
                national[i] if i < len(national) else None,
                BOLD_CENTRE,
                BOLD_CENTRE if i == 0 else NATIONAL_MOTTO,
            )
        )
    preamble += [two_blocks(None, dated(place_name(unit), exported_on), None, ITALIC_CENTRE, height=LINE_POINTS + 6), blank]
    preamble.append(across(report.title.upper(), TITLE, lines=_lines(report.title, total_width / 1.3)))
    subtitle = _("%(unit)s · %(round)s · exported on %(date)s") % {
        "unit": unit.name,
        "round": round_.name,
        "date": exported_on.strftime("%d/%m/%Y"),
    }
    preamble.append(across(subtitle, ITALIC_CENTRE))
    preamble += [
        across(line, PROSE, lines=_lines(line, total_width))
        for line in legal_basis_rows(round_, dashboards.round_standards(round_))
    ]
    preamble.append(blank)

    def write(rows):
        for values, styles, height, merges in rows:
            writer.append(values, style=styles, height=height)
            for a, b in merges:
                writer.merge(a, b)

    header_row = len(preamble) + 1
    # Write-only mode writes the frozen header and the sheet properties before the first row.
    ws.freeze_panes = f"A{header_row + 1}"
    # A narrow table (the deprivation analysis) prints upright; the wide lists and summaries across.
    writer.print_a4_landscape(orientation="portrait" if total_width <= 100 else "landscape")
    write(preamble)
    header_lines = max(2, max(_lines(c.header, c.width) for c in report.columns))
    writer.append([c.header for c in report.columns], style=HEADER, height=LINE_POINTS * header_lines + 4)

    def cell_style(column: Column):
        if column.kind in FORMATS:
            return workbooks.Style(number_format=FORMATS[column.kind], alignment=TOP)
        return workbooks.Style(alignment=WRAP)  # names, addresses, indicators wrap within their column

    text_columns = [(i, c.width) for i, c in enumerate(report.columns) if c.kind not in FORMATS]

    def row_height(row) -> float | None:
        lines = max((_lines(row[i], w) for i, w in text_columns if isinstance(row[i], str) and len(row[i]) > w * 0.9), default=1)
        return LINE_POINTS * lines + 2 if lines > 1 else None

    formats = [cell_style(c) for c in report.columns]
    first = header_row + 1
    written = 0
    for row in report.rows:
        excel_row = first + written
        out_row = list(row)
        styles = list(formats)
        for i, column in enumerate(report.columns):
            if column.kind not in FORMATS:
                continue
            value = out_row[i]
            if value == MISSING or value is None:
                styles[i] = workbooks.Style(alignment=TOP)
            elif isinstance(value, tuple) and value[0] == "share":  # share of the totals row below the rows
                den = _ref(value[1], first + report.rows_total)
                out_row[i] = workbooks.Formula(f'=IF({den}>0,{_ref(value[1], excel_row)}/{den},"{MISSING}")')
        writer.append(out_row, style=styles, height=row_height(out_row))
        written += 1
        if progress and written % progress_every == 0:
            progress(written)
    last = first + written - 1
    total_row = last + 1
    totals: list = []
    total_styles: list = []
    label_at = next((i for i, c in enumerate(report.columns) if c.total is None and i not in report.total_values), 0)
    for i, column in enumerate(report.columns):
        letter = get_column_letter(i + 1)
        fmt = FORMATS.get(column.kind)
        if i in report.total_values:
            value = report.total_values[i]
        elif i == label_at:
            value = report.total_label
        elif column.total == "sum":
            value = workbooks.Formula(f"=SUM({letter}{first}:{letter}{last})") if written else 0
        elif column.total == "count":
            value = workbooks.Formula(f"=COUNT({letter}{first}:{letter}{last})") if written else 0
        elif isinstance(column.total, tuple) and column.total[1] != column.total[2]:
            num, den = get_column_letter(column.total[1] + 1), get_column_letter(column.total[2] + 1)
            value = workbooks.Formula(
                f'=IF(AND(ISNUMBER({den}{total_row}),{den}{total_row}>0),{num}{total_row}/{den}{total_row},"{MISSING}")'
            )
        else:
            value = None
        totals.append(value)
        total_styles.append(
            workbooks.Style(font=workbooks.BOLD.font, number_format=fmt if value != MISSING else None, alignment=WRAP)
        )
    writer.append(totals, style=total_styles)
    ws.auto_filter.ref = f"A{header_row}:{last_col}{max(last, header_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"

    write(
        [
            blank,
            *[across(note, PROSE, lines=_lines(note, total_width)) for note in [*report.notes, not_an_official_form()]],
            blank,
            two_blocks(_("PREPARED BY"), _("HEAD OF THE UNIT"), BOLD_CENTRE, BOLD_CENTRE),
            two_blocks(_("(signature and full name)"), _("(signature, full name and seal)"), ITALIC_CENTRE, ITALIC_CENTRE),
        ]
    )
    workbooks.save(wb, out)
    if progress:
        progress(written)
    return written


def not_an_official_form() -> str:
    """The note every report carries (translated when the report is written)."""
    return _(
        "Not an official form: the content follows the report templates of Circular 07/2021/TT-BLĐTBXH "
        "(Appendix VII), whose form numbers were not verified; no form number is printed."
    )


def _ref(column: int, row: int) -> str:
    return f"{get_column_letter(column + 1)}${row}"
