"""Excel reports of a round for a unit: which rows (from the dashboards' scoped queries) apart from
which format (the one workbook writer ``households.workbooks``: data is never a formula; write-only, so
memory stays flat however long the list).

Reports (content of Circular 07/2021/TT-BLĐTBXH, Appendix VII [M for the exact layout]): the unit
summary, the deprivation analysis, and the lists of poor, near-poor, escaped and
average-living-standard households.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from households import workbooks
from households.access import may_reveal_id_numbers
from households.citizen_ids import mask
from households.models import AdminUnit
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

    @property
    def filename(self) -> str:
        return f"{self.key}.xlsx"


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
        Column(_("Deprived indicators"), 40),
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

HEADER = workbooks.Style(font=Font(bold=True), fill=PatternFill("solid", fgColor="DDEBF7"), alignment=workbooks.HEADER.alignment)
FORMATS = {"int": INTEGER, "vnd": VND, "pct": PERCENT}


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
    """Write ``report`` as an .xlsx to ``out`` (write-only mode: rows stream to disk). Returns the rows written."""
    wb = workbooks.new_workbook()
    writer = workbooks.add_sheet(wb, report.key, widths=[c.width for c in report.columns])
    ws = writer.sheet
    width = len(report.columns)
    last_col = get_column_letter(width)

    exported_on = exported_on or timezone.localdate()
    preamble = [
        [report.title],
        [_("Unit"), unit.name],
        [_("Review round"), round_.name],
        [_("Exported on"), exported_on.strftime("%d/%m/%Y")],
        *[[line] for line in legal_basis_rows(round_, dashboards.round_standards(round_))],
        *[[line] for line in report.notes],
        [],
    ]
    header_row = len(preamble) + 1
    # Write-only mode writes the frozen header and the sheet properties before the first row.
    ws.freeze_panes = f"A{header_row + 1}"
    writer.print_a4_landscape()
    ws.row_dimensions[header_row].height = 15 * max(2, max(len(c.header) // int(c.width) + 1 for c in report.columns))
    writer.append(preamble[0], style=workbooks.TITLE)
    for line in preamble[1:]:
        writer.append(line)
    writer.append([c.header for c in report.columns], style=HEADER)

    formats = [workbooks.Style(number_format=FORMATS[c.kind]) if c.kind in FORMATS else None for c in report.columns]
    first = header_row + 1
    written = 0
    for row in report.rows:
        excel_row = first + written
        out_row = list(row)
        styles = list(formats)
        for i, style in enumerate(formats):
            if style is None:
                continue
            value = out_row[i]
            if value == MISSING or value is None:
                styles[i] = None
            elif isinstance(value, tuple) and value[0] == "share":  # share of the totals row below the rows
                den = _ref(value[1], first + report.rows_total)
                out_row[i] = workbooks.Formula(f'=IF({den}>0,{_ref(value[1], excel_row)}/{den},"{MISSING}")')
        writer.append(out_row, style=styles)
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
        total_styles.append(workbooks.Style(font=workbooks.BOLD.font, number_format=fmt if value != MISSING else None))
    writer.append(totals, style=total_styles)
    ws.auto_filter.ref = f"A{header_row}:{last_col}{max(last, header_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    workbooks.save(wb, out)
    if progress:
        progress(written)
    return written


def _ref(column: int, row: int) -> str:
    return f"{get_column_letter(column + 1)}${row}"
