"""A 100,000-row household list export against bare openpyxl write-only writing the same cells.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/bench_export.py [ROWS]

Three timings, each in a fresh process state (peak memory by tracemalloc, so Python allocations only):
  query    – the report's rows from the database (the same scoped values_list query), nothing written;
  portal   – reports.list_report + reports.write_workbook: query, row shaping (labels, masking), styles,
             totals and print setup, to a temporary file;
  bare     – the same query and row shaping, then ``ws.append(row)`` into a write-only workbook with no
             styles, no preamble, no totals.
Ratio portal / bare (goal ≤ 1.2). Peak memory shows whether memory stays flat.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyportal.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.utils import translation
from openpyxl import Workbook

from households.models import AdminUnit
from reviews import reports
from reviews.models import ReviewRound

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


class Limited:
    """The report's rows, cut at ROWS (the city's poor + near-poor + average lists are ~100k together)."""

    def __init__(self, report):
        self.report = report
        rows = report.rows
        self.report.rows = (row for _, row in zip(range(ROWS), rows, strict=False))


TRACE = os.environ.get("TRACE", "1") == "1"


def measure(label, fn):
    """Time without tracing (tracemalloc slows Python down), then peak memory with it."""
    t0 = time.perf_counter()
    n = fn()
    elapsed = time.perf_counter() - t0
    peak = 0
    if TRACE:
        tracemalloc.start()
        fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"{label:7s} {n:>8,} rows  {elapsed:6.2f} s  peak {peak / 2**20:6.1f} MiB")
    return elapsed, peak


def main() -> None:
    translation.activate("vi")
    round_ = ReviewRound.objects.get(kind="periodic", year=2026)
    city = AdminUnit.objects.get(level="city", valid_to__isnull=True)
    user = get_user_model().objects.get(username="thanhpho")
    # The 2026 bench round has ~34k poor households; "not_poor" is not a list, so take the three
    # largest lists in turn until ROWS rows are written: here, the poor list of a generator-padded
    # round (bench/make_round.py --share) or, simpler, any list repeated. We use the union of lists.
    kinds = ["poor", "near_poor", "average", "escaped"]

    def report_rows():
        for kind in kinds:
            yield from reports.list_report(round_, city, kind, user).rows

    template = reports.list_report(round_, city, "poor", user)

    def query_only():
        n = 0
        for _row in zip(range(ROWS), report_rows(), strict=False):
            n += 1
        return n

    def portal():
        report = reports.Report(
            key="poor", title=template.title, columns=template.columns, rows=report_rows(), total_label="Tổng cộng"
        )
        Limited(report)
        with tempfile.TemporaryFile() as out:
            return reports.write_workbook(report, out, round_=round_, unit=city)

    def bare():
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append([c.header for c in template.columns])
        n = 0
        for _, row in zip(range(ROWS), report_rows(), strict=False):
            ws.append(row)
            n += 1
        with tempfile.TemporaryFile() as out:
            wb.save(out)
        return n

    q, q_peak = measure("query", query_only)
    b, b_peak = measure("bare", bare)
    p, p_peak = measure("portal", portal)
    print(f"ratio portal / bare = {p / b:.2f}  (goal ≤ 1.2); query share of bare: {q / b:.0%}")
    print(f"peak memory: portal {p_peak / 2**20:.1f} MiB, bare {b_peak / 2**20:.1f} MiB, query {q_peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
