"""Services for the territory: loading official unit lists and adding villages."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import AdminUnit, Assignment, Household

DATA_DIR = Path(__file__).resolve().parent / "data"
STRUCTURE_FILES = {"2023": DATA_DIR / "danang_units_2023.csv", "2025": DATA_DIR / "danang_units_2025.csv"}

# Level order: parents are always written before their children.
_LEVEL_ORDER = {"city": 0, "district": 1, "ward": 2, "commune": 2, "special_zone": 2}
_CSV_COLUMNS = ("code", "name", "type", "level", "parent_code")


def area_type_for(level: str, parent: AdminUnit | None) -> str:
    """Urban for a ward (phường), rural for a commune (xã); a village inherits its ward's.

    A special zone (đặc khu) is a commune-level unit; it is treated as rural until the city says
    otherwise (``manage.py territory area-type``). Levels above the ward have no area type.
    """
    if level == AdminUnit.Level.WARD:
        return AdminUnit.AreaType.URBAN
    if level in (AdminUnit.Level.COMMUNE, AdminUnit.Level.SPECIAL_ZONE):
        return AdminUnit.AreaType.RURAL
    if level == AdminUnit.Level.VILLAGE and parent is not None:
        return parent.area_type
    return ""


@dataclass
class UnitLoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _(
            "%(created)d created, %(updated)d updated, %(retired)d retired (kept: they have households), %(deleted)d deleted"
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "retired": len(self.retired),
            "deleted": len(self.deleted),
        }


def read_unit_rows(text: str) -> list[dict[str, str]]:
    """Parse and check a GSO unit list; raise ValidationError listing every bad line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if tuple(reader.fieldnames or ()) != _CSV_COLUMNS:
        raise ValidationError(_("The file must have the columns: %(columns)s.") % {"columns": ", ".join(_CSV_COLUMNS)})
    rows, errors, codes = [], [], set()
    for line_no, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items()}
        if row["level"] not in _LEVEL_ORDER:
            errors.append(_("Line %(line)d: unknown level “%(level)s”.") % {"line": line_no, "level": row["level"]})
        if not row["code"].isdigit():
            errors.append(_("Line %(line)d: the code must be digits.") % {"line": line_no})
        if row["code"] in codes:
            errors.append(_("Line %(line)d: code %(code)s appears twice.") % {"line": line_no, "code": row["code"]})
        if row["level"] != "city" and not row["parent_code"]:
            errors.append(_("Line %(line)d: a parent code is required.") % {"line": line_no})
        codes.add(row["code"])
        rows.append(row)
    for row in rows:
        if row["parent_code"] and row["parent_code"] not in codes:
            errors.append(
                _("Unit %(code)s: parent %(parent)s is not in the file.") % {"code": row["code"], "parent": row["parent_code"]}
            )
    if sum(1 for row in rows if row["level"] == "city") != 1:
        errors.append(_("The file must contain exactly one city."))
    if errors:
        raise ValidationError(errors)
    return sorted(rows, key=lambda r: _LEVEL_ORDER[r["level"]])


def rebuild_paths() -> None:
    units = {u.pk: u for u in AdminUnit.objects.only("id", "code", "parent_id", "path")}

    def path_of(unit: AdminUnit) -> str:
        if unit.parent_id is None:
            return f"/{unit.code}/"
        return f"{path_of(units[unit.parent_id])}{unit.code}/"

    changed = []
    for unit in units.values():
        new_path = path_of(unit)
        if unit.path != new_path:
            unit.path = new_path
            changed.append(unit)
    AdminUnit.objects.bulk_update(changed, ["path"], batch_size=500)


def _has_people_or_staff(unit: AdminUnit) -> bool:
    return (
        Household.objects.filter(village__path__startswith=unit.path).exists()
        or Assignment.objects.filter(unit__path__startswith=unit.path).exists()
    )


@transaction.atomic
def units_load(*, text: str, valid_from: date | None = None) -> UnitLoadReport:
    """Make the file the current structure: create and rename units, move them to new parents,
    and retire (never delete) units that still have households or staff. Running twice changes nothing."""
    rows = read_unit_rows(text)
    report = UnitLoadReport()
    existing = {u.code: u for u in AdminUnit.objects.exclude(level=AdminUnit.Level.VILLAGE)}
    by_code: dict[str, AdminUnit] = {}
    for row in rows:
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        values = {
            "name": row["name"],
            "unit_type": row["type"],
            "level": row["level"],
            "parent": parent,
            "area_type": area_type_for(row["level"], parent),
            "valid_to": None,
        }
        unit = existing.get(row["code"])
        if unit is None:
            unit = AdminUnit.objects.create(code=row["code"], path=f"/{row['code']}/", valid_from=valid_from, **values)
            report.created.append(unit.code)
        else:
            changed = [name for name, value in values.items() if getattr(unit, name) != value]
            if changed:
                for name in changed:
                    setattr(unit, name, values[name])
                unit.save(update_fields=changed)
                report.updated.append(unit.code)
        by_code[unit.code] = unit
    rebuild_paths()

    stale = [u for code, u in existing.items() if code not in by_code and u.valid_to is None]
    for unit in sorted(stale, key=lambda u: -len(u.path)):
        unit.refresh_from_db()
        if _has_people_or_staff(unit):
            unit.valid_to = timezone.localdate()
            unit.save(update_fields=["valid_to"])
            report.retired.append(unit.code)
        else:
            AdminUnit.objects.filter(path__startswith=unit.path, level=AdminUnit.Level.VILLAGE).delete()
            if not unit.children.exists():
                unit.delete()
                report.deleted.append(unit.code)
            else:
                unit.valid_to = timezone.localdate()
                unit.save(update_fields=["valid_to"])
                report.retired.append(unit.code)
    # Villages of wards that moved carry the ward's area type.
    for village in AdminUnit.objects.villages().select_related("parent"):
        if village.area_type != village.parent.area_type:
            village.area_type = village.parent.area_type
            village.save(update_fields=["area_type"])
    return report


def next_village_code(ward: AdminUnit) -> str:
    # Every code ever given under this ward, wherever the village is now: a village moved to another ward
    # keeps its code (households.territory_changes), so a new one must not be given it again.
    codes = AdminUnit.objects.filter(code__startswith=f"{ward.code}-", level=AdminUnit.Level.VILLAGE).values_list(
        "code", flat=True
    )
    numbers = [int(code.rsplit("-", 1)[1]) for code in codes if "-" in code and code.rsplit("-", 1)[1].isdigit()]
    return f"{ward.code}-{max(numbers, default=0) + 1:03d}"


def village_create(*, ward: AdminUnit, name: str, unit_type: str = "") -> AdminUnit:
    """Add a village / residential group under a ward or commune (villages have no GSO code)."""
    name = " ".join(name.split())
    if not ward.is_ward_level:
        raise ValidationError(_("Villages can only be added under a ward or commune."))
    if not name:
        raise ValidationError({"name": _("Enter the village name.")})
    if AdminUnit.objects.filter(parent=ward, name__iexact=name).exists():
        raise ValidationError({"name": _("%(ward)s already has a village named “%(name)s”.") % {"ward": ward.name, "name": name}})
    code = next_village_code(ward)
    default_type = _("Residential group") if ward.level == AdminUnit.Level.WARD else _("Village")
    return AdminUnit.objects.create(
        code=code,
        name=name,
        unit_type=unit_type or default_type,
        level=AdminUnit.Level.VILLAGE,
        parent=ward,
        path=f"{ward.path}{code}/",
        area_type=area_type_for(AdminUnit.Level.VILLAGE, ward),
        valid_from=timezone.localdate(),
    )


@transaction.atomic
def villages_import(*, text: str, within: AdminUnit | None = None) -> tuple[int, int]:
    """Import villages from CSV (parent_code, name). All rows are checked first; nothing is written if
    one is wrong. Re-importing the same file creates nothing. Returns (created, already present).

    ``within`` limits the file to wards under that unit (a ward officer imports only into their ward)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not {"parent_code", "name"} <= set(reader.fieldnames or ()):
        raise ValidationError(_("The file must have the columns: parent_code, name."))
    rows = [
        (line, (r["parent_code"] or "").strip(), " ".join((r["name"] or "").split())) for line, r in enumerate(reader, start=2)
    ]
    wards_qs = AdminUnit.objects.wards().filter(code__in={code for _l, code, _n in rows})
    if within is not None:
        wards_qs = wards_qs.under(within)
    wards = {u.code: u for u in wards_qs}
    errors = []
    for line, code, name in rows:
        if code not in wards:
            errors.append(_("Line %(line)d: %(code)s is not a ward or commune code of your area.") % {"line": line, "code": code})
        if not name:
            errors.append(_("Line %(line)d: the name is empty.") % {"line": line})
    if errors:
        raise ValidationError(errors)
    created = present = 0
    for _line, code, name in rows:
        if AdminUnit.objects.filter(parent=wards[code], name__iexact=name).exists():
            present += 1
        else:
            village_create(ward=wards[code], name=name)
            created += 1
    return created, present


def structure_text(structure: str) -> str:
    return STRUCTURE_FILES[structure].read_text(encoding="utf-8")
