"""Time our Excel import against django-import-export on the same file.

Usage (from the project root; django-import-export is a bench-only dependency):

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/import_bench.py [--households 20000] [--skip-import-export] [--through-task]

The database is DATABASE_URL if set (use a throw-away PostgreSQL database), else a fresh SQLite
file bench/out-import.sqlite3. The script generates one workbook in our template's layout (one row
per member, ~3.5 members per household), imports it with ``households.importing.households_import``,
wipes the registry, then imports the same rows with django-import-export resources set up for
equivalent validation: village code must be a village of the ward, household columns parsed the same
way, ``clean_model_instances`` so every member goes through ``Member.full_clean()`` (the same ID-number
and ethnicity checks), exactly one head per household, all in one transaction. Prints both times and
the ratio.

``--through-task`` times the portal's own flow instead of calling the import directly: the file is
stored as an ImportJob and queued (what the web request does), then ``manage.py db_worker --batch``
runs it from the database queue, as in production (TASKS_BACKEND must be the database backend, the
default). Prints the request part and the worker part; implies --skip-import-export.

Measured on the 2-CPU development machine (Nov 2026; 20,000 households = 71,398 member rows):
  SQLite      ours 25.1 s (re-import 9.8 s, nothing changed); django-import-export 574.6 s
              (the printed ratio was 6.2x because ours, 93.3 s, ran while a PostgreSQL bench shared the CPUs;
              run alone the ratio is about 23x)
  PostgreSQL  ours 25.2 s (re-import 12.7 s); at 2,000 households ours 2.8 s vs django-import-export 110.0 s = 38.9x
  PostgreSQL  --through-task (Nov 2026, machine shared, load ~3): request 0.0 s, worker 23.3 s (re-import 9.5 s);
              the direct call in the same session 25.3 s (re-import 9.0 s): the job and its progress
              updates (one per 1,000 rows) cost nothing measurable
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'out-import.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyportal.settings")

import django

django.setup()

from django.core.management import call_command
from django.db import connection, transaction

from households.importing import COLUMNS, RELATIONSHIPS, SEXES, households_import
from households.models import AdminUnit, Household, ImportJob, Member
from households.validation import ethnicity_by_name

VILLAGES = 40


def make_territory() -> AdminUnit:
    def unit(code, name, level, parent=None, area_type=""):
        path = f"{parent.path if parent else '/'}{code}/"
        return AdminUnit.objects.create(
            code=code, name=name, level=level, parent=parent, path=path, unit_type=level, area_type=area_type
        )

    city = unit("48", "Thành phố Đà Nẵng", "city")
    district = unit("492", "Quận Hải Châu", "district", city)
    ward = unit("20236", "Phường Hải Châu I", "ward", district, "urban")
    for i in range(1, VILLAGES + 1):
        unit(f"20236-{i:03}", f"Tổ dân phố {i}", "village", ward, "urban")
    return ward


def generate(path: Path, households: int) -> int:
    """Write the workbook; returns the number of member rows.

    Written with XlsxWriter, which stores text as shared strings the way Excel and LibreOffice do.
    openpyxl writes inline strings, which its reader parses several times slower: a file made by
    openpyxl would make this bench measure the XML reader rather than the import.
    """
    import xlsxwriter

    rng = random.Random(48)
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Hộ và thành viên")
    sheet.write_row(0, 0, [header for _key, header, _width in COLUMNS])
    serial = 0
    rows = 0
    relations = ["Vợ/chồng", "Con", "Con", "Bố/mẹ", "Cháu"]
    for h in range(households):
        code = f"HB-{h:06}"
        village = f"20236-{h % VILLAGES + 1:03}"
        size = rng.choice((1, 2, 3, 4, 4, 5, 6))
        for m in range(size):
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 80))
            sex = rng.choice(("Nam", "Nữ"))
            digit = (born.year - 1900) // 100 * 2 + (1 if sex == "Nữ" else 0)
            serial += 1
            number = f"048{digit}{born.year % 100:02d}{serial:06d}"
            rows += 1
            sheet.write_row(
                rows,
                0,
                [
                    code,
                    village,
                    f"{h} đường Trần Phú",
                    "0905123456",
                    "Không",
                    "",
                    f"Nguyễn Văn {h}-{m}",
                    born.strftime("%d/%m/%Y"),
                    sex,
                    "Kinh",
                    "Chủ hộ" if m == 0 else relations[m % len(relations)],
                    number,
                ],
            )
    workbook.close()
    return rows


def wipe() -> None:
    with transaction.atomic():
        Member.history.all().delete()
        Household.history.all().delete()
        Member.objects.all().delete()
        Household.objects.all().delete()


def run_ours(path: Path, ward: AdminUnit) -> float:
    start = time.perf_counter()
    result = households_import(file=str(path), unit=ward)
    elapsed = time.perf_counter() - start
    assert result.ok, result.errors[:5]
    print(f"  ours: {result.households_created} households, {result.members_created} members")
    return elapsed


def run_through_task(path: Path, ward: AdminUnit) -> tuple[float, float, ImportJob]:
    """Queue the file as the upload view does, then let a worker run it; returns (request s, worker s, job)."""
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from households.import_jobs import import_job_request

    user, _created = get_user_model().objects.get_or_create(username="bench-importer")
    start = time.perf_counter()
    with path.open("rb") as handle:
        job = import_job_request(user=user, ward=ward, upload=File(handle, name=path.name))
    queued = time.perf_counter() - start
    start = time.perf_counter()
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    worked = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.ok, (job.status, job.failure, job.errors[:5])
    assert not job.upload, "the upload is deleted when the job finishes"
    return queued, worked, job


def run_import_export(path: Path, ward: AdminUnit) -> float:
    import tablib
    from import_export import fields, resources, widgets

    village_codes = set(AdminUnit.objects.villages().under(ward).values_list("code", flat=True))
    ethnic = ethnicity_by_name()

    class Mapped(widgets.Widget):
        def __init__(self, mapping, default=None):
            super().__init__()
            self.mapping, self.default = mapping, default

        def clean(self, value, row=None, **kwargs):
            text = ("" if value is None else str(value)).strip().casefold()
            if not text and self.default is not None:
                return self.default
            if text not in self.mapping:
                raise ValueError(f"unknown value {value!r}")
            return self.mapping[text]

    class VillageWidget(widgets.ForeignKeyWidget):
        def clean(self, value, row=None, **kwargs):
            if value not in village_codes:
                raise ValueError(f"{value} is not a village of the ward")
            return super().clean(value, row, **kwargs)

    class HouseholdResource(resources.ModelResource):
        code = fields.Field(attribute="code", column_name="code")
        village = fields.Field(attribute="village", column_name="village", widget=VillageWidget(AdminUnit, "code"))
        in_agriculture = fields.Field(
            attribute="in_agriculture",
            column_name="in_agriculture",
            widget=Mapped({"có": True, "không": False, "": False}, default=False),
        )

        class Meta:
            model = Household
            import_id_fields = ("code",)
            fields = ("code", "village", "address", "phone", "in_agriculture", "notes")
            skip_unchanged = True
            clean_model_instances = True

    class MemberResource(resources.ModelResource):
        household = fields.Field(
            attribute="household", column_name="household", widget=widgets.ForeignKeyWidget(Household, "code")
        )
        date_of_birth = fields.Field(
            attribute="date_of_birth", column_name="date_of_birth", widget=widgets.DateWidget("%d/%m/%Y")
        )
        sex = fields.Field(attribute="sex", column_name="sex", widget=Mapped(SEXES))
        ethnicity = fields.Field(
            attribute="ethnicity", column_name="ethnicity", widget=Mapped(ethnic | {c: c for c in ethnic.values()}, "01")
        )
        relationship = fields.Field(attribute="relationship", column_name="relationship", widget=Mapped(RELATIONSHIPS))

        class Meta:
            model = Member
            import_id_fields = ("household", "full_name", "date_of_birth")
            fields = ("household", "full_name", "date_of_birth", "sex", "ethnicity", "relationship", "id_number")
            skip_unchanged = True
            clean_model_instances = True

    start = time.perf_counter()
    with path.open("rb") as handle:
        sheet = tablib.Dataset().load(handle, format="xlsx")
    keys = [key for key, _header, _width in COLUMNS]
    households = tablib.Dataset(headers=["code", "village", "address", "phone", "in_agriculture", "notes"])
    members = tablib.Dataset(headers=["household", "full_name", "date_of_birth", "sex", "ethnicity", "relationship", "id_number"])
    seen = set()
    heads: Counter = Counter()
    for raw in sheet:
        row = dict(zip(keys, raw, strict=False))
        if row["code"] not in seen:
            seen.add(row["code"])
            households.append(
                [row["code"], row["village"], row["address"], row["phone"] or "", row["in_agriculture"], row["notes"] or ""]
            )
        heads[row["code"]] += RELATIONSHIPS.get(str(row["relationship"]).strip().casefold()) == "head"
        members.append(
            [
                row["code"],
                row["full_name"],
                row["date_of_birth"],
                row["sex"],
                row["ethnicity"],
                row["relationship"],
                row["id_number"] or "",
            ]
        )
    bad_heads = [code for code in seen if heads[code] != 1]
    assert not bad_heads, bad_heads[:5]
    with transaction.atomic():
        result_h = HouseholdResource().import_data(households, dry_run=False, use_transactions=True, raise_errors=True)
        result_m = MemberResource().import_data(members, dry_run=False, use_transactions=True, raise_errors=True)
    elapsed = time.perf_counter() - start
    assert not result_h.has_errors() and not result_h.has_validation_errors()
    assert not result_m.has_errors() and not result_m.has_validation_errors()
    print(f"  django-import-export: {result_h.totals['new']} households, {result_m.totals['new']} members")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--skip-import-export", action="store_true")
    parser.add_argument("--through-task", action="store_true", help="run the import as an ImportJob in db_worker")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    wipe()
    ward = AdminUnit.objects.filter(code="20236").first() or make_territory()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "households.xlsx"
        t0 = time.perf_counter()
        rows = generate(path, args.households)
        print(
            f"{connection.vendor}: generated {args.households} households / {rows} member rows in {time.perf_counter() - t0:.1f} s"
        )

        if args.through_task:
            queued, worked, job = run_through_task(path, ward)
            print(f"  through the task: {job.households_created} households, {job.members_created} members")
            print(f"  request (store the upload, queue the job): {queued:.1f} s")
            print(f"  worker (check, import, delete the upload): {worked:.1f} s")
            queued, worked, job = run_through_task(path, ward)
            assert job.households_created == job.households_updated == job.members_created == job.members_updated == 0
            print(
                f"  re-import of the same file through the task: request {queued:.1f} s, worker {worked:.1f} s, nothing changed"
            )
            wipe()
            return
        ours = run_ours(path, ward)
        start = time.perf_counter()
        again = households_import(file=str(path), unit=ward)
        reimport = time.perf_counter() - start
        assert again.ok and not again.changed
        print(f"  ours, re-import of the same file: {reimport:.1f} s, nothing changed")
        wipe()
        print(f"ours:                 {ours:8.1f} s")
        if args.skip_import_export:
            return
        theirs = run_import_export(path, ward)
        print(f"django-import-export: {theirs:8.1f} s")
        print(f"ratio: {theirs / ours:.1f}x faster")
        wipe()


if __name__ == "__main__":
    main()
