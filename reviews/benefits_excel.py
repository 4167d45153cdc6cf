"""Excel exports of beneficiary lists and budget tables.

Which rows comes from ``reviews.benefits`` (the same scoped selectors as the pages); this module only
decides the format, through the one workbook writer ``households.workbooks`` (data is never a formula;
write-only, constant memory) into a temporary file streamed back to the
user, Vietnamese headers, a frozen header row, an auto-filter, a totals row of SUM formulas, VND as
"#,##0", A4 landscape fitted to the page width.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from households import workbooks
from policies.explain import explain_entitlement
from reviews import benefits

VND = "#,##0"


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    money: bool = False
    total: bool = False  # SUM in the totals row
    count: bool = False  # COUNTA in the totals row (rows listed)


MONEY = workbooks.Style(number_format=VND)
TOTAL = workbooks.BOLD
TOTAL_MONEY = workbooks.Style(font=workbooks.BOLD.font, number_format=VND)


def workbook_response(
    *, filename: str, sheet_title: str, title: str, columns: Sequence[Column], rows: Iterable[Sequence]
) -> FileResponse:
    """Write ``rows`` under a title line and a header row, then a totals row; return the file as a download.

    Totals are SUBTOTAL formulas: they follow the auto-filter and skip subtotal rows written in the data
    (the budget's district rows), so the grand total never counts a ward twice. Data rows start on row 3."""
    workbook = workbooks.new_workbook()
    writer = workbooks.add_sheet(workbook, sheet_title, widths=[c.width for c in columns])
    ws = writer.sheet
    header_row = 2
    ws.freeze_panes = f"A{header_row + 1}"
    writer.print_a4_landscape()
    ws.print_title_rows = f"{header_row}:{header_row}"
    writer.append([title], style=workbooks.BOLD)
    writer.append([c.header for c in columns], style=workbooks.HEADER)
    styles = [MONEY if c.money else None for c in columns]
    last = header_row
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a row of {len(row)} values for {len(columns)} columns")
        writer.append(row, style=styles)
        last += 1
    last_letter = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A{header_row}:{last_letter}{max(last, header_row + 1)}"
    totals: list = []
    total_styles: list = []
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        span = f"{letter}{header_row + 1}:{letter}{max(last, header_row + 1)}"
        if index == 1:
            totals.append(_("Total"))
        elif column.total:
            totals.append(workbooks.Formula(f"=SUBTOTAL(9,{span})"))
        elif column.count:
            totals.append(workbooks.Formula(f"=SUBTOTAL(3,{span})"))
        else:
            totals.append(None)
        total_styles.append(None if totals[-1] is None else TOTAL_MONEY if column.money else TOTAL)
    writer.append(totals, style=total_styles)
    return FileResponse(workbooks.to_temporary_file(workbook), as_attachment=True, filename=filename)


def beneficiaries_response(rows: Iterable[benefits.BeneficiaryRow], *, policy, unit, year: int) -> FileResponse:
    columns = [
        Column(_("Household code"), 16),
        Column(_("District"), 18),
        Column(_("Ward/commune"), 20),
        Column(_("Village / residential group"), 20),
        Column(_("Address"), 28),
        Column(_("Beneficiary"), 26, count=True),
        Column(_("Date of birth"), 12),
        Column(_("Version"), 8),
        Column(_("Reasons"), 60),
        Column(_("Months"), 8, total=True),
        Column(_("Amount per period (đồng)"), 16, money=True),
        Column(_("Estimate (đồng)"), 18, money=True, total=True),
    ]

    def lines():
        for row in rows:
            yield (
                row.household.code,
                row.district.name if row.district else "",
                row.ward.name,
                row.household.village.name,
                row.household.address,
                row.member.full_name if row.member else _("Whole household"),
                row.member.date_of_birth.strftime("%d/%m/%Y") if row.member else "",
                row.version.version,
                "; ".join(explain_entitlement(row.entitlement.reasons)),
                row.months,
                int(row.amount_per_period) if row.amount_per_period is not None else _("amount not set"),
                int(row.estimate) if row.estimate is not None else None,
            )

    title = _("Beneficiaries of %(policy)s – %(unit)s – year %(year)s") % {"policy": policy.name, "unit": unit.name, "year": year}
    return workbook_response(
        filename=f"nguoi-huong-{policy.code}-{unit.code}-{year}.xlsx",
        sheet_title=_("Beneficiaries"),
        title=title,
        columns=columns,
        rows=lines(),
    )


def budget_response(table: benefits.Budget) -> FileResponse:
    columns = [Column(_("District"), 20), Column(_("Ward/commune"), 22)]
    for policy in table.policies:
        columns.append(Column(_("%(policy)s – beneficiaries") % {"policy": policy.name}, 16, total=True))
        columns.append(Column(_("%(policy)s – estimate (đồng)") % {"policy": policy.name}, 18, money=True, total=True))

    def lines():
        # District subtotal rows are SUBTOTAL formulas over their wards' rows (data starts on row 3).
        row_number, first_of_district = 2, 3
        for line in table.lines[:-1]:
            row_number += 1
            if line.level == "district":
                values: list = [line.unit.name, _("Subtotal")]
                for index in range(3, 3 + 2 * len(table.policies)):
                    letter = get_column_letter(index)
                    values.append(workbooks.Formula(f"=SUBTOTAL(9,{letter}{first_of_district}:{letter}{row_number - 1})"))
                first_of_district = row_number + 1
                yield values
                continue
            if line.district is None:
                first_of_district = row_number + 1
            values = [line.district.name if line.district else "", line.unit.name]
            for policy in table.policies:
                cell = line.cells[policy.code]
                values.append(cell.beneficiaries(table.per[policy.code]))
                values.append(int(cell.estimate) if cell.estimate is not None else None)
            yield values

    title = _("Support budget estimate – %(unit)s – year %(year)s") % {"unit": table.unit.name, "year": table.year}
    return workbook_response(
        filename=f"du-toan-ho-tro-{table.unit.code}-{table.year}.xlsx",
        sheet_title=_("Budget"),
        title=title,
        columns=columns,
        rows=lines(),
    )
