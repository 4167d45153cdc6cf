"""Excel import of households and members: validate every row, then write everything or nothing.

File layout (the template from ``template_workbook``): the first sheet holds ONE ROW PER MEMBER; the
household's columns (code, village code, address, phone, agriculture, notes) are repeated on each of
its members' rows and must agree. Row 1 is the header (Vietnamese, matched by position). A second
sheet "Hướng dẫn" lists the allowed values; it is ignored on import.

Matching, so that importing the same file twice changes nothing:
* a household by its code (a code that belongs to a household outside the importer's area is an error);
* a member of an existing household by ID number, else by full name + date of birth. Members already
  in the registry but absent from the file are left alone (people leave through the portal, with a
  date and a reason, never by omission from a spreadsheet).

Validation needs no query per row: villages, existing households and their members are read in a
handful of set-based queries, so a 20,000-household file validates and writes in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.styles import Font
from simple_history.utils import bulk_create_with_history

from households import citizen_ids, workbooks
from households.models import AdminUnit, Household, Member
from households.validation import ethnicity_by_name, ethnicity_codes, id_number_messages

# (key, Vietnamese header, width). The position is what counts on import; headers are for people.
COLUMNS = [
    ("code", "Mã hộ (*)", 16),
    ("village", "Mã thôn/tổ dân phố (*)", 20),
    ("address", "Địa chỉ (*)", 30),
    ("phone", "Điện thoại", 14),
    ("in_agriculture", "Hộ làm nông, lâm, ngư, diêm nghiệp (Có/Không)", 18),
    ("notes", "Ghi chú", 20),
    ("full_name", "Họ và tên thành viên (*)", 26),
    ("date_of_birth", "Ngày sinh dd/mm/yyyy (*)", 16),
    ("sex", "Giới tính Nam/Nữ (*)", 12),
    ("ethnicity", "Dân tộc (mã hoặc tên)", 14),
    ("relationship", "Quan hệ với chủ hộ (*)", 18),
    ("id_number", "Số định danh cá nhân (12 số)", 18),
]
KEYS = [key for key, _header, _width in COLUMNS]
HEADERS = {key: header for key, header, _width in COLUMNS}
ERROR_HEADER = "Lỗi"
HOUSEHOLD_KEYS = ("village", "address", "phone", "in_agriculture", "notes")
MEMBER_KEYS = ("full_name", "date_of_birth", "sex", "ethnicity", "relationship", "id_number")

SEXES = {"nam": Member.Sex.MALE, "nữ": Member.Sex.FEMALE, "nu": Member.Sex.FEMALE, "male": "male", "female": "female"}
RELATIONSHIPS = {
    "chủ hộ": "head",
    "vợ/chồng": "spouse",
    "vợ": "spouse",
    "chồng": "spouse",
    "con": "child",
    "bố/mẹ": "parent",
    "bố": "parent",
    "mẹ": "parent",
    "cháu": "grandchild",
    "anh/chị/em": "sibling",
    "con dâu/rể": "child_in_law",
    "con dâu": "child_in_law",
    "con rể": "child_in_law",
    "họ hàng khác": "other_relative",
    "khác": "other",
} | {value: value for value in Member.Relationship.values}
YES = {"có", "co", "x", "1", "yes", "true"}
NO = {"", "không", "khong", "0", "no", "false"}
TEXT_LIMITS = {"code": 30, "address": 255, "phone": 20, "full_name": 150}
SQL_CHUNK = 900  # stay under SQLite's limit of bound parameters
PROGRESS_EVERY = 1000  # rows between two progress reports (one UPDATE each in the worker)


@dataclass
class RowError:
    row: int
    column: str  # the Vietnamese header, or "" for the whole row
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    households_created: int = 0
    households_updated: int = 0
    members_created: int = 0
    members_updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.households_created or self.households_updated or self.members_created or self.members_updated)


@dataclass
class _Row:
    number: int
    values: dict[str, Any]


# --- Reading and checking one row -------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def _check_row(
    number: int, raw: tuple, ethnic_names: dict[str, str], ethnic_codes: frozenset[str]
) -> tuple[_Row, list[RowError]]:
    errors: list[RowError] = []
    cells = dict(zip(KEYS, list(raw) + [None] * (len(KEYS) - len(raw)), strict=False))
    v: dict[str, Any] = {}

    def error(key: str, message: str) -> None:
        errors.append(RowError(number, HEADERS[key], message))

    for key in ("code", "village", "address", "phone", "notes", "full_name"):
        v[key] = _text(cells[key])
    for key in ("code", "village", "address", "full_name"):
        if not v[key]:
            error(key, _("This cell is required."))
    for key, limit in TEXT_LIMITS.items():
        if len(v[key]) > limit:
            error(key, _("At most %(n)s characters.") % {"n": limit})

    flag = _text(cells["in_agriculture"]).casefold()
    if flag in YES:
        v["in_agriculture"] = True
    elif flag in NO:
        v["in_agriculture"] = False
    else:
        error("in_agriculture", _("Write “Có” or “Không”."))

    v["date_of_birth"] = _parse_date(cells["date_of_birth"])
    if v["date_of_birth"] is None:
        error("date_of_birth", _("Write the date as dd/mm/yyyy, for example 05/09/1980."))
    elif v["date_of_birth"] > date.today():
        error("date_of_birth", _("The date of birth is in the future."))

    v["sex"] = SEXES.get(_text(cells["sex"]).casefold())
    if v["sex"] is None:
        error("sex", _("Write “Nam” or “Nữ”."))

    ethnicity = _text(cells["ethnicity"])
    if not ethnicity:
        v["ethnicity"] = "01"
    elif ethnicity.zfill(2) in ethnic_codes:
        v["ethnicity"] = ethnicity.zfill(2)
    elif ethnicity.casefold() in ethnic_names:
        v["ethnicity"] = ethnic_names[ethnicity.casefold()]
    else:
        error("ethnicity", _("“%(value)s” is not one of the 54 ethnic groups.") % {"value": ethnicity})

    v["relationship"] = RELATIONSHIPS.get(_text(cells["relationship"]).casefold())
    if v["relationship"] is None:
        error("relationship", _("Use one of: Chủ hộ, Vợ/chồng, Con, Bố/mẹ, Cháu, Anh/chị/em, Con dâu/rể, Họ hàng khác, Khác."))

    raw_id = cells["id_number"]
    if isinstance(raw_id, int | float):
        # Excel drops leading zeros from a number cell: 048… becomes 48…; the template formats the column as text.
        raw_id = str(int(raw_id)).zfill(12)
    v["id_number"] = citizen_ids.normalize(_text(raw_id))
    if v["id_number"]:
        for message in id_number_messages(v["id_number"], sex=v["sex"], birth_date=v["date_of_birth"]):
            error("id_number", message)
    return _Row(number, v), errors


# --- Whole-file checks and writing ------------------------------------------------------------------


def _chunks(items: list, size: int = SQL_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _member_key(values: dict) -> tuple:
    return (
        ("id", values["id_number"]) if values["id_number"] else ("name", values["full_name"].casefold(), values["date_of_birth"])
    )


def households_import(
    *, file: str | IO[bytes], unit: AdminUnit, user=None, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Import ``file`` into ``unit``'s area. On any error nothing is written and ``result.errors`` says
    which row and column; otherwise every row is written in one transaction.

    ``progress(rows_read, rows_expected)`` is called every ``PROGRESS_EVERY`` rows while the rows are
    read and checked (most of the time); ``rows_expected`` is the sheet's recorded size (0 if the file
    does not say), which may count formatted empty rows at the end."""
    result = ImportResult()
    workbook = load_workbook(file, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        expected = max((sheet.max_row or 1) - 1, 0)
        ethnic_names, ethnic_codes = ethnicity_by_name(), ethnicity_codes()
        rows: list[_Row] = []
        for number, raw in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(number - 1, expected)
            if not any(cell not in (None, "") for cell in raw):
                continue
            row, errors = _check_row(number, raw, ethnic_names, ethnic_codes)
            rows.append(row)
            result.errors += errors
    finally:
        workbook.close()
    result.rows = len(rows)
    if not rows:
        result.errors.append(RowError(2, "", _("The file has no rows to import.")))
        return result

    villages = {v.code: v for v in AdminUnit.objects.villages().current().under(unit)}
    by_household: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.values["code"]:
            by_household[row.values["code"]].append(row)

    codes = list(by_household)
    existing: dict[str, Household] = {}
    for chunk in _chunks(codes):
        existing.update({h.code: h for h in Household.objects.select_related("village").filter(code__in=chunk)})
    existing_members: dict[int, list[Member]] = defaultdict(list)
    existing_ids = [h.pk for h in existing.values()]
    for chunk in _chunks(existing_ids):
        for member in Member.objects.active().filter(household_id__in=chunk):
            existing_members[member.household_id].append(member)

    seen_ids: dict[str, int] = {}
    for code, group in by_household.items():
        first = group[0]
        for row in group[1:]:
            for key in HOUSEHOLD_KEYS:
                if row.values[key] != first.values[key]:
                    result.errors.append(
                        RowError(
                            row.number, HEADERS[key], _("Differs from row %(row)s of the same household.") % {"row": first.number}
                        )
                    )
        village_code = first.values["village"]
        if village_code and village_code not in villages:
            for row in group:
                result.errors.append(
                    RowError(
                        row.number,
                        HEADERS["village"],
                        _("“%(code)s” is not a village or residential group in your area.") % {"code": village_code},
                    )
                )
        household = existing.get(code)
        if household is not None and not household.village.path.startswith(unit.path):
            result.errors.append(
                RowError(
                    first.number,
                    HEADERS["code"],
                    _("Household code %(code)s belongs to a household outside your area.") % {"code": code},
                )
            )
        file_keys = {_member_key(r.values) for r in group}
        kept_heads = sum(
            1
            for m in (existing_members.get(household.pk, []) if household else [])
            if m.relationship == Member.Relationship.HEAD and _member_key(_member_values(m)) not in file_keys
        )
        heads = kept_heads + sum(1 for r in group if r.values["relationship"] == Member.Relationship.HEAD)
        if heads != 1:
            result.errors.append(
                RowError(
                    first.number,
                    HEADERS["relationship"],
                    _("Household %(code)s must have exactly one head; it has %(n)s.") % {"code": code, "n": heads},
                )
            )
        for row in group:
            number = row.values["id_number"]
            if number:
                if number in seen_ids:
                    result.errors.append(
                        RowError(
                            row.number,
                            HEADERS["id_number"],
                            _("The same ID number is on row %(row)s.") % {"row": seen_ids[number]},
                        )
                    )
                else:
                    seen_ids[number] = row.number
    if result.errors:
        result.errors.sort(key=lambda e: (e.row, KEYS.index(_key_of(e.column)) if _key_of(e.column) else -1))
        return result

    with transaction.atomic():
        _write(by_household, existing, existing_members, villages, user, result)
    return result


def _key_of(header: str) -> str | None:
    for key, text in HEADERS.items():
        if text == header:
            return key
    return None


def _member_values(member: Member) -> dict:
    return {k: getattr(member, k) for k in MEMBER_KEYS}


def _household_values(household: Household) -> dict:
    return {
        "village": household.village.code,
        "address": household.address,
        "phone": household.phone,
        "in_agriculture": household.in_agriculture,
        "notes": household.notes,
    }


def _write(by_household, existing, existing_members, villages, user, result: ImportResult) -> None:
    new_households: list[Household] = []
    new_member_rows: list[tuple[str, dict]] = []
    changed_members: list[Member] = []
    for code, group in by_household.items():
        first = group[0].values
        household = existing.get(code)
        if household is None:
            new_households.append(
                Household(
                    code=code,
                    village=villages[first["village"]],
                    address=first["address"],
                    phone=first["phone"],
                    in_agriculture=first["in_agriculture"],
                    notes=first["notes"],
                )
            )
            new_member_rows += [(code, row.values) for row in group]
            continue
        wanted = {k: first[k] for k in HOUSEHOLD_KEYS}
        if _household_values(household) != wanted:
            household.village = villages[first["village"]]
            for key in ("address", "phone", "in_agriculture", "notes"):
                setattr(household, key, first[key])
            household.version += 1
            household._history_user = user
            household.save()
            result.households_updated += 1
        current = {_member_key(_member_values(m)): m for m in existing_members.get(household.pk, [])}
        by_name = {("name", m.full_name.casefold(), m.date_of_birth): m for m in existing_members.get(household.pk, [])}
        for row in group:
            key = _member_key(row.values)
            member = current.get(key) or by_name.get(("name", row.values["full_name"].casefold(), row.values["date_of_birth"]))
            if member is None:
                new_member_rows.append((code, row.values))
            elif _member_values(member) != {k: row.values[k] for k in MEMBER_KEYS}:
                for k in MEMBER_KEYS:
                    setattr(member, k, row.values[k])
                member._history_user = user
                changed_members.append(member)
    for member in sorted(changed_members, key=lambda m: m.relationship == Member.Relationship.HEAD):
        member.save()
    result.members_updated = len(changed_members)

    if new_households:
        bulk_create_with_history(new_households, Household, batch_size=1000, default_user=user)
        result.households_created = len(new_households)
        if any(h.pk is None for h in new_households):  # a backend that cannot return ids from a bulk insert
            ids = {}
            for chunk in _chunks([h.code for h in new_households]):
                ids.update(dict(Household.objects.filter(code__in=chunk).values_list("code", "pk")))
            for h in new_households:
                h.pk = ids[h.code]
    if new_member_rows:
        household_ids = {h.code: h.pk for h in new_households} | {code: h.pk for code, h in existing.items()}
        members = [
            Member(household_id=household_ids[code], **{k: values[k] for k in MEMBER_KEYS}) for code, values in new_member_rows
        ]
        bulk_create_with_history(members, Member, batch_size=2000, default_user=user)
        result.members_created = len(members)


# --- Workbooks for people ---------------------------------------------------------------------------


def template_workbook(unit: AdminUnit) -> bytes:
    """The empty template: header with Vietnamese names, text-formatted code columns, and a sheet of allowed values."""
    from households.ethnicities import load_ethnic_groups

    workbook = workbooks.new_workbook(write_only=False)
    writer = workbooks.add_sheet(workbook, "Hộ và thành viên")
    sheet = writer.sheet
    writer.append([header for _key, header, _width in COLUMNS])
    for index, (key, _header, width) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = width
        sheet.cell(row=1, column=index).font = Font(bold=True)
        if key in ("code", "village", "phone", "id_number", "ethnicity", "date_of_birth"):
            for row in range(2, 2001):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    writer.append(["HO-0001", "", "Số 1 đường A", "", "Không", "", "Nguyễn Văn A", "05/09/1980", "Nam", "Kinh", "Chủ hộ", ""])
    guide = workbooks.add_sheet(workbook, "Hướng dẫn")
    guide.append(["Mỗi dòng là một thành viên; các cột của hộ (A–F) ghi lặp lại cho mọi thành viên của hộ."])
    guide.append(["Mỗi hộ có đúng một Chủ hộ. Dòng mẫu ở trang đầu cần xoá trước khi nhập."])
    guide.append([])
    guide.append(["Mã thôn/tổ dân phố", "Tên"])
    for village in AdminUnit.objects.villages().current().under(unit).order_by("code"):
        guide.append([village.code, village.name])
    guide.append([])
    guide.append(["Quan hệ với chủ hộ", "Chủ hộ, Vợ/chồng, Con, Bố/mẹ, Cháu, Anh/chị/em, Con dâu/rể, Họ hàng khác, Khác"])
    guide.append([])
    guide.append(["Mã dân tộc", "Dân tộc"])
    for code, name in load_ethnic_groups():
        guide.append([code, name])
    return workbooks.to_bytes(workbook)


def error_workbook(file: str | IO[bytes], errors: list[RowError]) -> bytes:
    """The uploaded rows again, with a last column "Lỗi" naming what is wrong on each row."""
    by_row: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(f"{error.column}: {error.message}" if error.column else error.message)
    source = load_workbook(file, read_only=True, data_only=True)
    target = workbooks.new_workbook()
    sheet = workbooks.add_sheet(target, "Hộ và thành viên")
    sheet.sheet.freeze_panes = "A2"
    try:
        for number, raw in enumerate(source.worksheets[0].iter_rows(values_only=True), start=1):
            values = list(raw) + [None] * (len(KEYS) - len(raw))
            if number == 1:
                sheet.append([*values[: len(KEYS)], ERROR_HEADER], style=workbooks.BOLD)
            else:
                sheet.append([*values[: len(KEYS)], "; ".join(by_row.get(number, []))])
    finally:
        source.close()
    return workbooks.to_bytes(target)
