"""Excel import of households and members: validate every row, then write everything or nothing.

File layout (the template from ``template_workbook``): the first sheet holds ONE ROW PER MEMBER; the
household's columns (code, village code, address, phone, agriculture, notes) are repeated on each of
its members' rows and must agree. Row 1 is the header: columns are matched by POSITION, and a row 1 that is
not the template's (a column missing, renamed or moved) refuses the whole file, naming the expected and
the found headers, rather than reading addresses into the notes. Cells right of the last column (the
"Lỗi" column of a workbook of mistakes) are ignored. Only the first sheet is read: a second sheet
"Hướng dẫn" lists the allowed values; any other sheet earns a note that it was not read.

Hostile or wrong files are refused before a sheet is parsed (``workbook_problem``: .xls, CSV renamed,
not a zip, truncated, XML with a DOCTYPE/entities, a cell over 200 KB, too large unpacked); while
reading, a sheet with more than IMPORT_MAX_ROWS rows is refused. The rows are streamed (openpyxl read-only);
at most IMPORT_MAX_ERRORS mistakes are kept, the rest counted.

Two imports into one ward never run their checks and writes at the same time: the second is refused
with ``ImportBusy`` (PostgreSQL: a transaction-level advisory lock per ward, not waited for; SQLite:
the write transaction is IMMEDIATE, so the second waits for the first, then sees its rows). The
database also refuses the same ID number twice among a household's active members.

Matching, so that importing the same file twice changes nothing:
* a household by its code (a code that belongs to a household outside the importer's area is an error);
* a member of an existing household by ID number, else by full name + date of birth. Members already
  in the registry but absent from the file are left alone (people leave through the portal, with a
  date and a reason, never by omission from a spreadsheet).

Validation needs no query per row: villages, existing households and their members are read in a
handful of set-based queries, so a 20,000-household file validates and writes in seconds.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.styles import Font
from simple_history.utils import bulk_create_with_history

from households import citizen_ids, workbooks
from households.duplicates import duplicates_refresh
from households.models import AdminUnit, Household, Member
from households.names import name_key
from households.validation import (
    birth_date_messages,
    ethnicity_by_name,
    ethnicity_codes,
    id_number_messages,
    phone_messages,
    quote,
)

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
SHEET_NAME = "Hộ và thành viên"
GUIDE_NAME = "Hướng dẫn"
MAX_CELL_BYTES = 200 * 1024  # Excel itself stops at 32,767 characters a cell (openpyxl cuts there, after parsing)
XML_PROLOG_MAX = 64 * 1024  # bytes read from the start of each XML part, looking for a DOCTYPE
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other pre-2007 Office files)
ZIP_MAGIC = b"PK\x03\x04"
ADVISORY_LOCK_SPACE = 0x48494D50  # high 32 bits of the PostgreSQL advisory lock key of "import into ward"


class ImportRefused(Exception):
    """The file as a whole cannot be imported; ``message`` says why, in words for the importer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ImportBusy(ImportRefused):
    """Another import into the same ward is running."""


@dataclass
class RowError:
    row: int
    column: str  # the Vietnamese header, or "" for the whole row
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first IMPORT_MAX_ERRORS
    error_count: int = 0  # all of them
    notices: list[str] = field(default_factory=list)  # said to the importer whatever the outcome
    households_created: int = 0
    households_updated: int = 0
    members_created: int = 0
    members_updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    def add(self, *errors: RowError) -> None:
        room = max(settings.IMPORT_MAX_ERRORS - len(self.errors), 0)
        self.errors += errors[:room]
        self.error_count += len(errors)

    @property
    def changed(self) -> bool:
        return bool(self.households_created or self.households_updated or self.members_created or self.members_updated)


@dataclass(slots=True)
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
    if len(v["phone"]) <= TEXT_LIMITS["phone"]:
        for message in phone_messages(v["phone"]):
            error("phone", message)

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
    else:
        for message in birth_date_messages(v["date_of_birth"]):
            error("date_of_birth", message)

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
        error("ethnicity", _("“%(value)s” is not one of the 54 ethnic groups.") % {"value": quote(ethnicity)})

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


# --- Refusing a file before any sheet is parsed ----------------------------------------------------


def _save_as_xlsx() -> str:
    return _("Open it in Excel and save it as “Excel Workbook (.xlsx)”, then import that file.")


def _too_large() -> str:
    return _("The file is larger than %(mb)s MB: split it by village.") % {"mb": settings.IMPORT_MAX_MB}


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end of the sample
            try:
                head.decode("cp1258")
            except UnicodeDecodeError:
                return False
    return True


_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _xml_problem(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True if the part declares a DOCTYPE or entities (Excel never writes one; a "billion laughs"
    file does), or hides its start: another encoding, or 64 KB before the first element."""
    with archive.open(info) as part:
        prolog = part.read(XML_PROLOG_MAX)
    if not prolog:
        return False
    if prolog.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in prolog:
        return True
    root = _ROOT_ELEMENT.search(prolog)
    declaration = _DECLARATION.search(prolog)
    if declaration and (root is None or declaration.start() < root.start()):
        return True
    return root is None and len(prolog) == XML_PROLOG_MAX


_HUGE_TEXT = re.compile(rb"[^<]{%d}" % MAX_CELL_BYTES)


def _huge_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True if the part holds a run of more than 200 KB without a tag: a cell's text that the XML
    parser would hold whole in memory before openpyxl cut it (streamed, 1 MB at a time)."""
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(1024 * 1024):
            chunk = tail + chunk
            if _HUGE_TEXT.search(chunk):
                return True
            cut = chunk.rfind(b"<")
            tail = chunk[cut + 1 :] if cut >= 0 else chunk
    return False


def workbook_problem(file: str | os.PathLike | IO[bytes]) -> str | None:
    """Why ``file`` cannot be an .xlsx workbook for the import, in words for the importer, or None.

    Looks at the package only (no sheet is parsed), so the form, the worker and the command refuse
    a wrong or hostile file in the same words before it costs memory: an old .xls, a CSV or text
    file renamed .xlsx, anything that is not a zip, a truncated upload, XML with a DOCTYPE or
    entities, more than 20 × IMPORT_MAX_MB unpacked (or a table of texts over 2 × IMPORT_MAX_MB,
    which openpyxl holds in memory whole)."""
    limit = settings.IMPORT_MAX_MB * 1024 * 1024
    if isinstance(file, str | os.PathLike):
        try:
            handle: IO[bytes] = open(file, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return _("There is no file %(name)s.") % {"name": quote(os.fspath(file))}
        except OSError as exc:
            return _("The file %(name)s cannot be opened: %(reason)s.") % {
                "name": quote(os.fspath(file)),
                "reason": quote(exc.strerror or exc),
            }
        close = True
    else:
        handle, close = file, False
    try:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(0)
        head = handle.read(4096)
        handle.seek(0)
        if size > limit:
            return _too_large()
        if not head:
            return _("The file is empty.")
        if head.startswith(OLE_MAGIC):
            return _("This is an old Excel file (.xls).") + " " + _save_as_xlsx()
        if not head.startswith(ZIP_MAGIC):
            if _looks_like_text(head):
                return _("This is a CSV or text file, not an Excel workbook.") + " " + _save_as_xlsx()
            return _("This file cannot be read as an Excel workbook.") + " " + _save_as_xlsx()
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return _("The file is incomplete or damaged (perhaps the upload or the copy was cut off).") + " " + _save_as_xlsx()
        with archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if sum(info.file_size for info in infos) > 20 * limit:
                return _too_large()
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                # An OpenDocument spreadsheet (.ods), a Word file…: a zip, but not an Excel workbook.
                return _("This file cannot be read as an Excel workbook.") + " " + _save_as_xlsx()
            shared = next((info for info in infos if info.filename == "xl/sharedStrings.xml"), None)
            if shared is not None and shared.file_size > 2 * limit:
                return _too_large()
            try:
                for info in infos:
                    if info.filename.endswith((".xml", ".rels", ".vml")) and _xml_problem(archive, info):
                        return (
                            _(
                                "The file contains XML declarations (DOCTYPE or entities) that Excel never writes; "
                                "it was refused for safety."
                            )
                            + " "
                            + _save_as_xlsx()
                        )
                for info in infos:
                    if info.filename.startswith(("xl/worksheets/", "xl/sharedStrings")) and _huge_text(archive, info):
                        return _("A cell holds more than 200 KB of text; the file was refused.")
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                return (
                    _("The file is incomplete or damaged (perhaps the upload or the copy was cut off).") + " " + _save_as_xlsx()
                )
    finally:
        if close:
            handle.close()
        else:
            handle.seek(0)
    return None


# --- Reading the rows ----------------------------------------------------------------------------


def _header_key(value) -> str:
    return " ".join(_text(value).split()).casefold()


def _check_header(raw: tuple) -> None:
    found = list(raw[: len(KEYS)]) + [None] * (len(KEYS) - len(raw))
    wrong = []
    for index, (key, cell) in enumerate(zip(KEYS, found, strict=True)):
        if _header_key(cell) != _header_key(HEADERS[key]):
            letter = chr(ord("A") + index)
            text = _text(cell)
            wrong.append(
                _("column %(letter)s should be “%(expected)s” but is “%(found)s”")
                % {"letter": letter, "expected": HEADERS[key], "found": quote(text)}
                if text
                else _("column %(letter)s should be “%(expected)s” but is empty") % {"letter": letter, "expected": HEADERS[key]}
            )
    if wrong:
        raise ImportRefused(
            _(
                "Row 1 is not the template's header row, so nothing was read: %(differences)s. Columns are read by "
                "their position: download the template and copy your rows into it, without adding, removing "
                "or moving columns."
            )
            % {"differences": "; ".join(wrong)}
        )


def _read_rows(file, result: ImportResult, progress) -> list[_Row]:
    """Stream the first sheet: check the header, then each row; returns the rows (without empty ones)."""
    max_rows = settings.IMPORT_MAX_ROWS
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile) as exc:
        raise ImportRefused(_("This file cannot be read as an Excel workbook.") + " " + _save_as_xlsx()) from exc
    try:
        if not workbook.worksheets:
            raise ImportRefused(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        others = [name for name in workbook.sheetnames[1:] if name != GUIDE_NAME]
        if others:
            result.notices.append(
                _("Only the first sheet (“%(first)s”) was read; the other sheets (%(others)s) were ignored.")
                % {"first": quote(sheet.title), "others": quote(", ".join(others))}
            )
        expected = min(max((sheet.max_row or 1) - 1, 0), max_rows)
        ethnic_names, ethnic_codes = ethnicity_by_name(), ethnicity_codes()
        rows: list[_Row] = []
        header_seen = False
        for number, raw in enumerate(sheet.iter_rows(values_only=True), start=1):
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(number - 1, expected)
            if number == 1:
                _check_header(raw)
                header_seen = True
                continue
            if number > 2 * max_rows + 1:  # even empty rows cost time: a sheet is not a million rows long
                raise ImportRefused(_too_many_rows(max_rows))
            if not any(cell not in (None, "") for cell in raw):
                continue
            if len(rows) >= max_rows:
                raise ImportRefused(_too_many_rows(max_rows))
            row, errors = _check_row(number, raw, ethnic_names, ethnic_codes)
            rows.append(row)
            result.add(*errors)
        if not header_seen:
            _check_header(())
    except (KeyError, ValueError, TypeError, IndexError, zipfile.BadZipFile, EOFError) as exc:
        raise ImportRefused(_("The file is incomplete or damaged (perhaps the upload or the copy was cut off).")) from exc
    finally:
        workbook.close()
    if progress is not None:
        progress(len(rows), len(rows))
    return rows


def _too_many_rows(max_rows: int) -> str:
    return _("The sheet has more than %(n)s rows: split the file by village.") % {"n": f"{max_rows:,}".replace(",", ".")}


# --- Serialising the imports of a ward -------------------------------------------------------------


def _busy() -> str:
    return _(
        "Another import is running for this ward: wait until it has finished, then import the file again "
        "(it will only add what is still missing)."
    )


def _lock_wards(ward_ids: list[int]) -> None:
    """Inside the import's transaction: make sure no other import into these wards runs its checks and
    writes at the same time, or raise ImportBusy (the second import is refused, not queued)."""
    vendor = connection.vendor
    if vendor == "sqlite":
        return  # the transaction began with BEGIN IMMEDIATE: one writer at a time for the whole database
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            for ward_id in sorted(ward_ids):
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [(ADVISORY_LOCK_SPACE << 32) | ward_id])
                if not cursor.fetchone()[0]:
                    raise ImportBusy(_busy())
        return
    try:
        list(AdminUnit.objects.select_for_update(nowait=True).filter(pk__in=sorted(ward_ids)).values_list("pk"))
    except DatabaseError as exc:
        raise ImportBusy(_busy()) from exc


def households_import(
    *, file: str | IO[bytes], unit: AdminUnit, user=None, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Import ``file`` into ``unit``'s area. On any error nothing is written and ``result.errors`` says
    which row and column; otherwise every row is written in one transaction. A file that cannot be
    imported at all (wrong kind, header, too many rows…) raises ``ImportRefused``; another import into
    the same ward raises ``ImportBusy``.

    ``progress(rows_read, rows_expected)`` is called every ``PROGRESS_EVERY`` rows while the rows are
    read and checked (most of the time); ``rows_expected`` is the sheet's recorded size (0 if the file
    does not say), which may count formatted empty rows at the end."""
    problem = workbook_problem(file)
    if problem:
        raise ImportRefused(problem)
    result = ImportResult()
    rows = _read_rows(file, result, progress)
    result.rows = len(rows)
    if not rows:
        result.add(RowError(2, "", _("The file has no rows to import.")))
        return result

    villages = {v.code: v for v in AdminUnit.objects.villages().current().under(unit)}
    by_household: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.values["code"]:
            by_household[row.values["code"]].append(row)
    wards = {villages[r.values["village"]].parent_id for r in rows if r.values["village"] in villages} or {unit.pk}
    try:
        with transaction.atomic():
            _lock_wards(list(wards))
            _check_and_write(by_household, villages, unit, user, result)
    except IntegrityError as exc:
        raise ImportRefused(
            _(
                "Some of these households were changed by someone else while the file was being imported, so "
                "nothing was saved. Import the file again."
            )
        ) from exc
    except OperationalError as exc:
        if connection.vendor == "sqlite" and "locked" in str(exc):
            raise ImportBusy(_busy()) from exc
        raise
    return result


def _check_and_write(by_household, villages, unit, user, result: ImportResult) -> None:
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
                    result.add(
                        RowError(
                            row.number, HEADERS[key], _("Differs from row %(row)s of the same household.") % {"row": first.number}
                        )
                    )
        village_code = first.values["village"]
        if village_code and village_code not in villages:
            for row in group:
                result.add(
                    RowError(
                        row.number,
                        HEADERS["village"],
                        _("“%(code)s” is not a village or residential group in your area.") % {"code": quote(village_code)},
                    )
                )
        household = existing.get(code)
        if household is not None and not household.village.path.startswith(unit.path):
            result.add(
                RowError(
                    first.number,
                    HEADERS["code"],
                    _("Household code %(code)s belongs to a household outside your area.") % {"code": quote(code)},
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
            result.add(
                RowError(
                    first.number,
                    HEADERS["relationship"],
                    _("Household %(code)s must have exactly one head; it has %(n)s.") % {"code": quote(code), "n": heads},
                )
            )
        for row in group:
            number = row.values["id_number"]
            if number:
                if number in seen_ids:
                    result.add(
                        RowError(
                            row.number,
                            HEADERS["id_number"],
                            _("The same ID number is on row %(row)s.") % {"row": seen_ids[number]},
                        )
                    )
                else:
                    seen_ids[number] = row.number
    if result.error_count:
        result.errors.sort(key=lambda e: (e.row, KEYS.index(_key_of(e.column)) if _key_of(e.column) else -1))
        return
    _write(by_household, existing, existing_members, villages, user, result)


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
        # A bulk insert skips Member.save(): the matching key is set here.
        members = [
            Member(
                household_id=household_ids[code], name_key=name_key(values["full_name"]), **{k: values[k] for k in MEMBER_KEYS}
            )
            for code, values in new_member_rows
        ]
        bulk_create_with_history(members, Member, batch_size=2000, default_user=user)
        result.members_created = len(members)
    # The duplicate review's pairs of every member added or changed (a re-import that changes nothing costs nothing).
    touched = {m.pk for m in changed_members}
    new_ids = {h.pk for h in new_households} | {existing[code].pk for code, _values in new_member_rows if code in existing}
    duplicates_refresh(member_ids=touched, household_ids=new_ids)


# --- Workbooks for people ---------------------------------------------------------------------------


def template_workbook(unit: AdminUnit) -> bytes:
    """The empty template: header with Vietnamese names, text-formatted code columns, and a sheet of allowed values."""
    from households.ethnicities import load_ethnic_groups

    workbook = workbooks.new_workbook(write_only=False)
    writer = workbooks.add_sheet(workbook, SHEET_NAME)
    sheet = writer.sheet
    writer.append([header for _key, header, _width in COLUMNS])
    # The example first, at row 2: formatting rows 2–2000 before it once pushed it to row 2001.
    writer.append(["HO-0001", "", "Số 1 đường A", "", "Không", "", "Nguyễn Văn A", "05/09/1980", "Nam", "Kinh", "Chủ hộ", ""])
    for index, (key, _header, width) in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = width
        sheet.cell(row=1, column=index).font = Font(bold=True)
        if key in ("code", "village", "phone", "id_number", "ethnicity", "date_of_birth"):
            for row in range(2, 2001):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    guide = workbooks.add_sheet(workbook, GUIDE_NAME)
    guide.append(
        [f"Chỉ trang đầu tiên (“{SHEET_NAME}”) được đọc khi nhập; trang “{GUIDE_NAME}” này và mọi trang khác bị bỏ qua."]
    )
    guide.append(["Dòng 1 là tiêu đề: giữ nguyên tên và thứ tự các cột (cột được đọc theo vị trí)."])
    guide.append(["Mỗi dòng là một thành viên; các cột của hộ (A–F) ghi lặp lại cho mọi thành viên của hộ."])
    guide.append(["Mỗi hộ có đúng một Chủ hộ. Dòng mẫu (dòng 2) ở trang đầu cần xoá trước khi nhập."])
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
