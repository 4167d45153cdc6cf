"""A review round at city scale for the benchmarks, written with INSERT … SELECT on PostgreSQL.

Run after bench/seed_city.sh (1,000,000 households):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/make_round.py [--share 0.2]

Creates a closed 2025 round (7 % of households, poor / near-poor, for the trend) and an open 2026 round
touching ``--share`` of all households: 85 % surveyed with a result under the national and the city
standard (random deprivations), village and ward lists in mixed states, and resident households
per ward (marked as demo). Idempotent: existing bench rounds are left alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyportal.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection, transaction

from households.models import AdminUnit, Household, ResidentCount
from policies import procedure
from policies.models import PovertyStandard
from reviews import tallies
from reviews.demo import DEMO_CITY_LINES
from reviews.models import ReviewRound, VillageList, WardList

CASE_COLUMNS = (
    "round_id, household_id, village_id, inclusion, status, reopened, quick_screen, durable_walls, durable_columns, "
    "durable_roof, water_source, latrine, uses_telecom, devices, within_loudspeaker_reach, income_wages, "
    "income_agriculture, income_business, income_pension, income_social_allowance, income_remittances, income_other, "
    "in_agriculture, sections_done, answers, result_class, movement, version, updated_at"
)


def insert_cases(round_id: int, share: float, classes_sql: str, movement_sql: str, status_sql: str) -> int:
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO reviews_case ({CASE_COLUMNS})
            SELECT %s, h.id, h.village_id, 'form01', s.status, false, '[]', true, true, true, '', '', true, '[]', true,
                   0, 0, 0, 0, 0, 0, 0, false, '[]', '{{}}',
                   CASE WHEN s.status = 'surveyed' THEN {classes_sql} ELSE '' END,
                   CASE WHEN s.status = 'surveyed' THEN {movement_sql} ELSE '' END, 1, now()
            FROM households_household h
            CROSS JOIN LATERAL (SELECT {status_sql} AS status, random() AS r, random() AS m, h.id AS hid) s
            WHERE h.status = 'active' AND (hashtext(h.id::text || ':' || %s) & 1023) < %s
            """,  # noqa: S608 - bench script, fixed SQL
            [round_id, str(round_id), int(share * 1024)],
        )
        return cur.rowcount


def insert_results(round_id: int, standard_id: int, keys: list[str], shift: float) -> int:
    """One result per surveyed case; the city standard (``shift`` > 0) is more generous than the national."""
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO reviews_caseresult
                (case_id, standard_id, household_class, income_per_person_month, deprivation_count, deprived_keys,
                 explanation, computed_at)
            SELECT c.id, %s,
                   CASE WHEN c.result_class = 'not_poor' AND random() < %s THEN 'near_poor' ELSE c.result_class END,
                   round((500000 + random() * 3500000)::numeric, 2),
                   jsonb_array_length(d.keys), d.keys, '{}', now()
            FROM reviews_case c
            CROSS JOIN LATERAL (
                SELECT coalesce(jsonb_agg(k), '[]'::jsonb) AS keys FROM unnest(%s::text[]) AS k
                WHERE random() < CASE WHEN c.result_class = 'poor' THEN 0.35 ELSE 0.12 END + 0 * c.id
            ) d
            WHERE c.round_id = %s AND c.status = 'surveyed'
            """,
            [standard_id, shift, keys, round_id],
        )
        return cur.rowcount


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--share", type=float, default=0.2, help="share of households in the 2026 round")
    args = parser.parse_args()
    started = time.monotonic()
    national = PovertyStandard.objects.get(code="national-2022", version=1)
    city = PovertyStandard.objects.filter(code="city-danang").order_by("-version").first()
    if city.urban_income_line is None:
        for name, value in DEMO_CITY_LINES.items():
            setattr(city, name, value)
        city.is_demo = True
        city.save()
    keys = list(national.indicators.order_by("position").values_list("key", flat=True))
    wards = list(AdminUnit.objects.current().wards())
    villages = list(AdminUnit.objects.current().villages())
    with transaction.atomic():
        if not ReviewRound.objects.filter(year=2025, kind="periodic").exists():
            r25 = ReviewRound.objects.create(
                kind="periodic",
                year=2025,
                name="Rà soát định kỳ năm 2025 (bench)",
                starts_on=procedure.current().periodic_window(2025)[0],
                ends_on=procedure.current().periodic_window(2025)[1],
                effective_from=date(2026, 1, 1),
                primary_standard=national,
                status="closed",
            )
            r25.standards.set([national])
            n = insert_cases(
                r25.pk,
                0.07,
                "CASE WHEN s.r < 0.57 THEN 'poor' ELSE 'near_poor' END",
                "'unchanged'",
                "'surveyed'",
            )
            print(f"2025 round: {n:,} cases")
        if not ReviewRound.objects.filter(year=2026, kind="periodic").exists():
            r26 = ReviewRound.objects.create(
                kind="periodic",
                year=2026,
                name="Rà soát định kỳ năm 2026 (bench)",
                starts_on=procedure.current().periodic_window(2026)[0],
                ends_on=procedure.current().periodic_window(2026)[1],
                survey_deadline=date(2026, 10, 31),
                village_deadline=date(2026, 11, 10),
                ward_deadline=date(2026, 11, 30),
                approval_deadline=date(2026, 12, 10),
                effective_from=date(2027, 1, 1),
                primary_standard=national,
            )
            r26.standards.set([national, city])
            n = insert_cases(
                r26.pk,
                args.share,
                "CASE WHEN s.r < 0.2 THEN 'poor' WHEN s.r < 0.35 THEN 'near_poor' WHEN s.r < 0.5 THEN 'average' "
                "ELSE 'not_poor' END",
                "CASE WHEN s.m < 0.1 THEN 'escaped_poverty' WHEN s.m < 0.15 THEN 'escaped_near_poverty' "
                "WHEN s.m < 0.2 THEN 'new_poor' WHEN s.m < 0.22 THEN 're_poor' WHEN s.m < 0.3 THEN 'new_near_poor' "
                "ELSE 'unchanged' END",
                "CASE WHEN random() < 0.85 THEN 'surveyed' WHEN random() < 0.5 THEN 'to_survey' ELSE 'to_screen' END",
            )
            print(f"2026 round: {n:,} cases")
            statuses = list(VillageList.Status.values)
            VillageList.objects.bulk_create(
                VillageList(round=r26, village=v, status=statuses[i % len(statuses)]) for i, v in enumerate(villages)
            )
            city_unit = AdminUnit.objects.get(level="city", valid_to__isnull=True)
            parents = {u.pk: u for u in AdminUnit.objects.current().exclude(level="village")}
            wstatuses = list(WardList.Status.values)
            WardList.objects.bulk_create(
                WardList(
                    round=r26,
                    ward=w,
                    approver=parents.get(w.parent_id, city_unit),
                    status=wstatuses[i % len(wstatuses)],
                )
                for i, w in enumerate(wards)
            )
            print(f"results national: {insert_results(r26.pk, national.pk, keys, 0.0):,}")
            print(f"results city: {insert_results(r26.pk, city.pk, keys, 0.3):,}")
            counts = dict(Household.objects.values_list("village__parent_id").annotate(n=django.db.models.Count("id")).order_by())
            ResidentCount.objects.bulk_create(
                ResidentCount(unit=w, year=2026, households=int(counts.get(w.pk, 0) * 1.02), source="demo") for w in wards
            )
    # Written with INSERT … SELECT, outside the services: count the dashboards' tallies once.
    for round_ in ReviewRound.objects.filter(name__endswith="(bench)"):
        t0 = time.monotonic()
        rows = tallies.rebuild(round_.pk)
        print(f"tallies {round_.year}: {rows:,} rows in {time.monotonic() - t0:.1f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
