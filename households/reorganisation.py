"""The 2023 → 2025 reorganisation as data: a mapping file moves every village of the old wards/communes onto
the new ones, through ``households.territory_changes.village_move`` (paths, area types, row locks, open-round
guards and the ``TerritoryEvent`` log all apply; nothing here changes a unit's parent by itself).

The mapping (CSV, ``#`` lines are comments) has the columns ``kind,old_code,old_name,new_code,new_name,source``:

* ``kind=unit``: an old (2023) ward/commune code → the new (2025) ward/commune that receives its villages;
* ``kind=village``: an old village code → the new ward/commune, for an old ward split across several new
  ones (a village row wins over its ward's row).

``source`` says where a row comes from; ``demo`` marks the shipped demo mapping (``demo_mapping``), built
by a rule from the two unit files: the official village-level mapping comes from the city.

What stays where: the 2025 file reuses the code of one old unit for each new one (GSO gives the new unit
the code of one of the units merged into it), so ``units_load`` turns that old unit into the new one in
place (name, parent city; its villages stay). The other old wards/communes and the districts are retired
(``valid_to``), never deleted: the village and ward lists, meetings, decisions and certificates of past
rounds point at them and read their names. A ``reorganise`` event per old unit keeps the name and path it
had (a reused code otherwise loses its old name) and where its villages went.

Idempotent: only villages that still sit under an old unit (one that does not match its row in the new
file) are planned, so a second run finds nothing to do.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from households.access import require_capability
from households.models import AdminUnit, TerritoryEvent
from households.territory import UnitLoadReport, read_unit_rows, units_load
from households.territory_changes import village_move

MAPPING_COLUMNS = ("kind", "old_code", "old_name", "new_code", "new_name", "source")
DEMO_SOURCE = "demo"
# The demo rule sends these village numbers of a split old unit to its second new unit.
DEMO_SPLIT_VILLAGES = range(1, 6)
_WARD_LEVELS = {"ward", "commune", "special_zone"}


@dataclass(frozen=True)
class MappingRow:
    line: int
    kind: str
    old_code: str
    new_code: str
    source: str


@dataclass
class Mapping:
    units: dict[str, MappingRow] = field(default_factory=dict)
    villages: dict[str, MappingRow] = field(default_factory=dict)

    @property
    def is_demo(self) -> bool:
        return any(r.source == DEMO_SOURCE for r in (*self.units.values(), *self.villages.values()))


def _without_comments(text: str) -> str:
    return "".join(line for line in text.lstrip("\ufeff").splitlines(keepends=True) if not line.lstrip().startswith("#"))


def read_mapping(text: str, *, new_wards: dict[str, dict]) -> Mapping:
    """Parse and check a mapping; raise ValidationError listing every bad line."""
    reader = csv.DictReader(io.StringIO(_without_comments(text)))
    if tuple(reader.fieldnames or ()) != MAPPING_COLUMNS:
        raise ValidationError(_("The file must have the columns: %(columns)s.") % {"columns": ", ".join(MAPPING_COLUMNS)})
    mapping, errors = Mapping(), []
    for line_no, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items()}
        kind, old, new = row["kind"], row["old_code"], row["new_code"]
        rows = {"unit": mapping.units, "village": mapping.villages}.get(kind)
        if rows is None:
            errors.append(_("Line %(line)d: the kind must be “unit” or “village”.") % {"line": line_no})
            continue
        if not old:
            errors.append(_("Line %(line)d: the old code is empty.") % {"line": line_no})
        elif old in rows:
            errors.append(_("Line %(line)d: code %(code)s appears twice.") % {"line": line_no, "code": old})
        if new not in new_wards:
            errors.append(
                _("Line %(line)d: %(code)s is not a ward or commune of the new unit list.") % {"line": line_no, "code": new}
            )
        rows[old] = MappingRow(line=line_no, kind=kind, old_code=old, new_code=new, source=row["source"])
    if errors:
        raise ValidationError(errors)
    return mapping


@dataclass
class Move:
    village: str
    name: str
    from_ward: str
    to_ward: str
    households: int
    renamed_to: str = ""


@dataclass
class ReorganisationReport:
    loaded: UnitLoadReport | None = None
    moves: list[Move] = field(default_factory=list)
    # Old units whose villages stay where they are (the new unit took the old one's code).
    kept_in_place: list[str] = field(default_factory=list)
    # Villages without households under an old unit the mapping does not name: left where they are.
    left: list[str] = field(default_factory=list)
    # Mapping rows that name no unit of the registry (e.g. demo villages that were not generated).
    unknown_rows: int = 0
    demo: bool = False
    dry_run: bool = False

    @property
    def nothing_to_do(self) -> bool:
        return self.loaded is None and not self.moves and not self.kept_in_place

    @property
    def households(self) -> int:
        return sum(m.households for m in self.moves)


def _matches(unit: AdminUnit, row: dict | None) -> bool:
    parent_code = unit.parent.code if unit.parent_id else ""
    return row is not None and (unit.name, unit.level, parent_code) == (row["name"], row["level"], row["parent_code"])


def _structure_loaded(rows: list[dict]) -> bool:
    """The registry's units above the villages are those of the file, as the file writes them."""
    by_code = {r["code"]: r for r in rows}
    units = list(AdminUnit.objects.exclude(level=AdminUnit.Level.VILLAGE).current().select_related("parent"))
    return len(units) == len(by_code) and all(_matches(u, by_code.get(u.code)) for u in units)


def _short(unit_name: str, unit_type: str) -> str:
    return unit_name.removeprefix(f"{unit_type} ") if unit_type else unit_name


def reorganise(*, mapping_text: str, units_text: str, user, reason: str, dry_run: bool = False) -> ReorganisationReport:
    """Load the new units if needed and move every village of the old wards/communes onto the new ones.

    Refused (ValidationError, nothing changed) when an old unit with households has no mapping row, or when
    a move is refused (e.g. by an open round: ``reviews.territory``); every refusal is listed. All in one
    transaction; ``dry_run`` does everything and rolls it back."""
    require_capability(user, "manage_territory")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Give the reason for the change (e.g. the decision that orders it)."), code="reason")
    new_rows = read_unit_rows(units_text)
    new_wards = {r["code"]: r for r in new_rows if r["level"] in _WARD_LEVELS}
    mapping = read_mapping(mapping_text, new_wards=new_wards)
    report = ReorganisationReport(demo=mapping.is_demo, dry_run=dry_run)
    with transaction.atomic():
        # 1. The plan, read before anything changes: the old units and where each of their villages goes.
        old = {w.code: w for w in AdminUnit.objects.wards().select_related("parent") if not _matches(w, new_wards.get(w.code))}
        old_before = {code: {"name": w.name, "path": w.path, "parent": w.parent.code} for code, w in old.items()}
        villages = list(
            AdminUnit.objects.villages()
            .current()
            .filter(parent__code__in=list(old))
            .select_related("parent")
            .annotate(household_count=Count("households"))
            .order_by("path")
        )
        named = {*mapping.units, *mapping.villages}
        report.unknown_rows = len(named - set(AdminUnit.objects.filter(code__in=named).values_list("code", flat=True)))
        plan, unmapped = [], defaultdict(list)
        for village in villages:
            row = mapping.villages.get(village.code) or mapping.units.get(village.parent.code)
            if row is not None:
                plan.append((village, row.new_code))
            elif village.household_count:
                unmapped[village.parent.code].append(village)
            else:
                report.left.append(village.code)
        if unmapped:
            raise ValidationError(
                [
                    ValidationError(
                        _("%(code)s %(name)s: %(households)d households in %(villages)d villages, and no row in the mapping.")
                        % {
                            "code": code,
                            "name": old[code].name,
                            "households": sum(v.household_count for v in found),
                            "villages": len(found),
                        },
                        code="unmapped",
                    )
                    for code, found in sorted(unmapped.items())
                ]
            )

        # 2. The new units (reused codes become the new units in place; the other old units are retired).
        if not _structure_loaded(new_rows):
            report.loaded = units_load(text=units_text)

        # 3. The moves, each through the territory service.
        targets = {u.code: u for u in AdminUnit.objects.filter(code__in={code for _v, code in plan})}
        taken: dict[str, set[str]] = {}
        errors, went = [], defaultdict(set)
        for village, code in plan:
            target = targets[code]
            old_ward = old[village.parent.code]
            went[old_ward.code].add(code)
            if village.parent_id == target.pk:
                continue
            names = taken.setdefault(
                code, {n.lower() for n in AdminUnit.objects.filter(parent=target).current().values_list("name", flat=True)}
            )
            name = village.name
            if name.lower() in names:
                name = f"{village.name} ({_short(old_before[old_ward.code]['name'], old_ward.unit_type)})"
            if name.lower() in names:
                name = f"{village.name} ({village.code})"
            village.refresh_from_db()
            try:
                village_move(village=village, ward=target, user=user, reason=reason, name=name)
            except ValidationError as exc:
                errors.extend(
                    ValidationError(f"{village.code} {village.name}: {message}", code="refused") for message in exc.messages
                )
                continue
            names.add(name.lower())
            report.moves.append(
                Move(
                    village=village.code,
                    name=village.name,
                    from_ward=old_ward.code,
                    to_ward=code,
                    households=village.household_count,
                    renamed_to=name if name != village.name else "",
                )
            )
        if errors:
            raise ValidationError(errors)

        # 4. One event per old unit: its name and path before, where its villages went.
        for code in sorted(went):
            unit = AdminUnit.objects.get(pk=old[code].pk)
            moved = [m for m in report.moves if m.from_ward == code]
            if code in went[code]:
                report.kept_in_place.append(code)
            TerritoryEvent.objects.create(
                action=TerritoryEvent.Action.REORGANISE,
                unit=unit,
                actor=user,
                reason=reason,
                data={
                    "from_name": old_before[code]["name"],
                    "from_path": old_before[code]["path"],
                    "from_parent": old_before[code]["parent"],
                    "to_name": unit.name,
                    "to_path": unit.path,
                    "to_wards": sorted(went[code]),
                    "villages_moved": [m.village for m in moved],
                    "households_moved": sum(m.households for m in moved),
                    "kept_in_place": code in went[code],
                    "mapping_source": sorted({r.source for r in mapping.units.values() if r.old_code == code}),
                },
            )
        if dry_run:
            transaction.set_rollback(True)
    return report


# ----------------------------------------------------------------------------- the demo mapping


def demo_mapping(old_text: str, new_text: str) -> str:
    """The demo mapping of the shipped unit files, by a rule (README, "Reorganisation"):

    1. an old ward/commune whose code the new file keeps goes to that new unit (GSO gives the new unit the
       code of one of the old ones merged into it);
    2. otherwise, one whose name the new file keeps goes to that unit;
    3. otherwise, it goes to the nearest (by code; a tie to the lower) unit of rules 1–2 from the same old
       district; and if its code lies between two such units, it is split: villages 001–005 go to the
       other one of the two.
    """
    old_rows = [r for r in read_unit_rows(old_text) if r["level"] in _WARD_LEVELS]
    new_rows = [r for r in read_unit_rows(new_text) if r["level"] in _WARD_LEVELS]
    new_codes = {r["code"]: r for r in new_rows}
    new_by_name = {r["name"]: r for r in new_rows}
    target: dict[str, dict] = {}
    for row in old_rows:
        found = new_codes.get(row["code"]) or new_by_name.get(row["name"])
        if found:
            target[row["code"]] = found
    anchors = defaultdict(list)  # old district -> [(old code, new row)] of rules 1-2
    for row in old_rows:
        if row["code"] in target:
            anchors[row["parent_code"]].append((int(row["code"]), target[row["code"]]))
    out = io.StringIO()
    out.write(
        "# DEMO mapping of Đà Nẵng's 2023 wards/communes onto the 2025 ones, built by a rule from the two unit\n"
        "# files (households.reorganisation.demo_mapping; README, “Reorganisation”). NOT the official arrangement:\n"
        "# the official mapping, village by village, comes from the city (Resolution 1659/NQ-UBTVQH15).\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MAPPING_COLUMNS)
    villages = []
    for row in old_rows:
        code = int(row["code"])
        ranked = sorted(anchors[row["parent_code"]], key=lambda a: (abs(a[0] - code), a[0]))
        first = target.get(row["code"]) or (ranked[0][1] if ranked else None)
        if first is None:
            continue
        writer.writerow(("unit", row["code"], row["name"], first["code"], first["name"], DEMO_SOURCE))
        below = [a for a in ranked if a[0] < code]
        above = [a for a in ranked if a[0] > code]
        if row["code"] not in target and below and above:
            other = (above[0] if ranked[0] == below[0] else below[0])[1]
            for n in DEMO_SPLIT_VILLAGES if other["code"] != first["code"] else ():
                villages.append(("village", f"{row['code']}-{n:03d}", "", other["code"], other["name"], DEMO_SOURCE))
    writer.writerows(villages)
    return out.getvalue()
