"""Imports under concurrency and hostile files, through real task workers (issue 12, item 3).

Usage (from the project root; use a throw-away database, the registry is wiped):

    DATABASE_URL=postgres://…/scratch .venv/bin/python bench/import_stress.py --households 20000

Without DATABASE_URL a fresh SQLite file bench/out-stress.sqlite3 is used. The script makes its own
files (XlsxWriter, as bench/import_bench.py), stores each as an ImportJob and queues it, as the upload
view does, then runs `manage.py db_worker --batch --max-tasks 1` processes and reads each one's peak
resident memory from the kernel (``os.wait4``'s ``ru_maxrss``):

1. the same N-household file twice, two workers at once;
2. a file that adds one member to every household, twice, two workers at once;
3. hostile archives, one worker each: ~2 million tiny rows (about 1.5 MB zipped), an XML entity bomb,
   a 5 MB cell, an .xls, a CSV renamed .xlsx.

Prints one line per job (state, its message, the worker's peak MB) and the duplicates found by SQL
(the same ID number twice among a household's active members), and checks that no job is left
queued or running and every peak stays under 512 MB.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'out-stress.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyportal.settings")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management import call_command
from django.db import connection
from import_bench import generate, make_territory, wipe

from households.import_jobs import import_job_request
from households.importing import COLUMNS, OLE_MAGIC
from households.models import AdminUnit, ImportJob, Member

LIMIT_MB = 512
DUPLICATES_SQL = (
    "SELECT count(*) FROM (SELECT household_id, id_number FROM households_member WHERE left_on IS NULL "
    "AND id_number <> '' GROUP BY household_id, id_number HAVING count(*) > 1) d"
)


def with_extra_member(source: Path, target: Path) -> int:
    """``source`` again with one more member (a child, new ID number) after each household's rows."""
    import xlsxwriter
    from openpyxl import load_workbook

    book = load_workbook(source, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    out = xlsxwriter.Workbook(str(target))
    sheet = out.add_worksheet("Hộ và thành viên")
    sheet.write_row(0, 0, rows[0])
    n = 0
    serial = 0

    def add(values):
        nonlocal n
        n += 1
        sheet.write_row(n, 0, values)

    for index, row in enumerate(rows[1:], start=1):
        add(row)
        following = rows[index + 1] if index + 1 < len(rows) else None
        if following is None or following[0] != row[0]:
            serial += 1
            add([*row[:6], f"Con thêm {row[0]}", "01/06/2005", "Nam", "Kinh", "Con", f"048205{900000 + serial:06d}"])
    out.close()
    return n


def skeleton() -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Hộ và thành viên").write_row(0, 0, [h for _k, h, _w in COLUMNS])
    book.close()
    return buffer.getvalue()


def replace_sheet(target: Path, write_sheet) -> None:
    """A real workbook package whose first sheet is streamed by ``write_sheet(handle)``."""
    source = zipfile.ZipFile(io.BytesIO(skeleton()))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
                    write_sheet(handle)
            else:
                out.writestr(info.filename, source.read(info.filename))


SHEET_OPEN = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_CLOSE = b"</sheetData></worksheet>"


def header_row() -> bytes:
    cells = b"".join(b'<c t="inlineStr"><is><t>' + h.encode() + b"</t></is></c>" for _k, h, _w in COLUMNS)
    return b'<row r="1">' + cells + b"</row>"


def make_hostile(folder: Path) -> dict[str, Path]:
    files = {}

    def tiny_rows(handle, rows=2_000_000):
        handle.write(SHEET_OPEN + header_row())
        chunk = []
        for r in range(2, rows + 2):
            chunk.append(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (r, r))
            if len(chunk) == 10_000:
                handle.write(b"".join(chunk))
                chunk = []
        handle.write(b"".join(chunk) + SHEET_CLOSE)

    files["zip bomb of tiny rows"] = folder / "tiny-rows.xlsx"
    replace_sheet(files["zip bomb of tiny rows"], tiny_rows)

    def entity_bomb(handle):
        entities = b'<!ENTITY e0 "lollollollollol">' + b"".join(
            b'<!ENTITY e%d "%s">' % (i, b"&e%d;" % (i - 1) * 10) for i in range(1, 10)
        )
        handle.write(b'<?xml version="1.0"?><!DOCTYPE w [' + entities + b"]>")
        handle.write(SHEET_OPEN.split(b"?>", 1)[1] + header_row())
        handle.write(b'<row r="2"><c r="A2" t="inlineStr"><is><t>&e9;</t></is></c></row>' + SHEET_CLOSE)

    files["entity bomb"] = folder / "entities.xlsx"
    replace_sheet(files["entity bomb"], entity_bomb)

    def huge_cell(handle):
        handle.write(SHEET_OPEN + header_row() + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
        for _ in range(5):
            handle.write(b"x" * (1024 * 1024))
        handle.write(b"</t></is></c></row>" + SHEET_CLOSE)

    files["huge cell (5 MB)"] = folder / "huge-cell.xlsx"
    replace_sheet(files["huge cell (5 MB)"], huge_cell)

    files[".xls"] = folder / "old.xls.xlsx"
    files[".xls"].write_bytes(OLE_MAGIC + bytes(512 * 20))
    files["CSV renamed .xlsx"] = folder / "csv.xlsx"
    files["CSV renamed .xlsx"].write_text(
        ",".join(h for _k, h, _w in COLUMNS) + "\n" + "HB-1,20236-001,Số 1,,Không,,Nguyễn Văn A,05/09/1980,Nam,Kinh,Chủ hộ,\n",
        encoding="utf-8",
    )
    return files


def queue(path: Path, ward: AdminUnit) -> ImportJob:
    user, _created = get_user_model().objects.get_or_create(username="stress-importer")
    with path.open("rb") as handle:
        return import_job_request(user=user, ward=ward, upload=File(handle, name=path.name))


def run_workers(n: int) -> list[tuple[float, float]]:
    """Start ``n`` workers at once, each taking one task; returns (peak MB, seconds) per worker."""
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "db_worker",
        "--batch",
        "--max-tasks",
        "1",
        "--no-startup-delay",
        "-v",
        "0",
    ]
    start = time.perf_counter()
    processes = [subprocess.Popen(command, cwd=ROOT, env=os.environ.copy()) for _ in range(n)]
    results = []
    for process in processes:
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        results.append((usage.ru_maxrss / 1024, time.perf_counter() - start))
    return results


def duplicates() -> int:
    with connection.cursor() as cursor:
        cursor.execute(DUPLICATES_SQL)
        return cursor.fetchone()[0]


def report(label: str, jobs: list[ImportJob], workers: list[tuple[float, float]], lines: list[str]) -> None:
    """One line per job; the workers' peaks (which worker ran which job is not recorded) on the first."""
    peaks = ", ".join(f"{peak:.0f}" for peak, _seconds in workers)
    for index, job in enumerate(jobs):
        job.refresh_from_db()
        outcome = job.status
        if job.status == ImportJob.Status.DONE:
            outcome += f" (+{job.households_created} hh, +{job.members_created} members, {job.error_count} mistakes)"
        message = (job.message or "").replace("\n", " ")[:70]
        lines.append(f"| {label:<28} | {outcome:<46} | {message:<70} | {peaks if index == 0 else '':>9} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=20000)
    args = parser.parse_args()
    print(f"database: {connection.vendor}, {args.households} households")
    call_command("migrate", verbosity=0)
    wipe()
    ImportJob.objects.all().delete()
    ward = AdminUnit.objects.filter(code="20236").first() or make_territory()
    lines = [
        f"| {'scenario':<28} | {'job state':<46} | {'message':<70} | {'peaks MB':>9} |",
        f"|{'-' * 30}|{'-' * 48}|{'-' * 72}|{'-' * 11}|",
    ]
    peaks = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        base = folder / "base.xlsx"
        rows = generate(base, args.households)
        plus = folder / "plus.xlsx"
        plus_rows = with_extra_member(base, plus)
        print(f"files: {rows} member rows ({base.stat().st_size / 1e6:.1f} MB); +1 member each: {plus_rows} rows")

        for label, path in [("same file twice", base), ("+1 member each, twice", plus)]:
            jobs = [queue(path, ward), queue(path, ward)]
            start = time.perf_counter()
            workers = run_workers(2)
            peaks += [p for p, _s in workers]
            report(label, jobs, workers, lines)
            lines.append(
                f"| {'  -> after ' + f'{time.perf_counter() - start:.0f} s':<28} | "
                f"{f'duplicates (SQL): {duplicates()}, active members: {Member.objects.active().count()}':<46} | {'':<70} | {'':>9} |"
            )

        for label, path in make_hostile(folder).items():
            print(f"hostile file {label}: {path.stat().st_size / 1e6:.2f} MB")
            job = queue(path, ward)
            workers = run_workers(1)
            peaks += [p for p, _s in workers]
            report(label, [job], workers, lines)

    left = ImportJob.objects.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING]).count()
    print("\n".join(lines))
    print(f"duplicates (SQL): {duplicates()}; jobs left queued or running: {left}; highest worker peak: {max(peaks):.0f} MB")
    ok = duplicates() == 0 and left == 0 and max(peaks) < LIMIT_MB
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
