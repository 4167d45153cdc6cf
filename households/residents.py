"""Resident households per ward and year (the denominator of poverty rates): entry and Excel import."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from households.models import AdminUnit, ResidentCount

MIN_YEAR, MAX_YEAR = 2000, 2100


def resident_count_set(*, unit: AdminUnit, year: int, households: int, user, source: str = ResidentCount.Source.ENTERED):
    """Create or correct the figure of one ward for one year (history keeps the previous value)."""
    if not unit.is_ward_level:
        raise ValidationError(_("Resident households are recorded per ward or commune."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(_("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR})
    count, _created = ResidentCount.objects.update_or_create(
        unit=unit, year=year, defaults={"households": households, "source": source, "entered_by": user}
    )
    return count


@dataclass
class ImportReport:
    saved: int
    errors: list[tuple[int, str]]


def resident_counts_import(*, file: IO[bytes], user, allowed: AdminUnit | None) -> ImportReport:
    """Rows of (unit code, year, households) from the first sheet, after one header row. Every row is
    checked first; if any is wrong nothing is saved and the errors name their row."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same answer
        return ImportReport(0, [(0, _("The file is not an Excel workbook (.xlsx)."))])
    rows = []
    for index, values in enumerate(wb.worksheets[0].iter_rows(min_row=2, values_only=True), start=2):
        values = tuple(values[:3]) + (None,) * (3 - len(values[:3]))
        if all(v in (None, "") for v in values):
            continue
        rows.append((index, *values))
    wb.close()
    codes = {str(code).strip() for _i, code, _y, _n in rows if code is not None}
    units = {u.code: u for u in AdminUnit.objects.filter(code__in=codes)}
    errors: list[tuple[int, str]] = []
    clean: dict[tuple[int, int], tuple[AdminUnit, int, int]] = {}
    for index, code, year, households in rows:
        code = str(code).strip() if code is not None else ""
        unit = units.get(code)
        if unit is None:
            errors.append((index, _("Unit code “%(code)s” does not exist.") % {"code": code}))
            continue
        if not unit.is_ward_level:
            errors.append((index, _("%(name)s is not a ward or commune.") % {"name": unit.name}))
            continue
        if allowed is not None and not unit.path.startswith(allowed.path):
            errors.append((index, _("%(name)s is outside your area.") % {"name": unit.name}))
            continue
        try:
            year = int(year)
            households = int(households)
        except (TypeError, ValueError):
            errors.append((index, _("Year and households must be whole numbers.")))
            continue
        if not MIN_YEAR <= year <= MAX_YEAR:
            errors.append((index, _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}))
            continue
        if households < 0:
            errors.append((index, _("The number of households cannot be negative.")))
            continue
        if (unit.pk, year) in clean:
            errors.append((index, _("%(name)s appears twice for %(year)s.") % {"name": unit.name, "year": year}))
            continue
        clean[(unit.pk, year)] = (unit, year, households)
    if not rows:
        errors.append((0, _("The file has no rows under its header.")))
    if errors:
        return ImportReport(0, errors)
    with transaction.atomic():
        for unit, year, households in clean.values():
            resident_count_set(unit=unit, year=year, households=households, user=user, source=ResidentCount.Source.IMPORTED)
    return ImportReport(len(clean), [])
