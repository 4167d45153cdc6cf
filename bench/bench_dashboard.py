"""City dashboard server time against the raw SQL aggregates it needs (PostgreSQL, city scale).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/bench_dashboard.py

"Server time" is the whole request through Django's test client (middleware, session, scoping, the
ORM queries, Python assembly, template and SVG rendering), logged in as the city officer. "Raw" is the
same GROUP BY work written by hand in SQL and run with a bare cursor, twice: over the per-village tallies
the page reads (``reviews.tallies``), and counting the cases and results live (cases by district, status
and movement; results by district, standard and class; the deprivation unnest; the trend) as the page
did before the tallies. Median of runs after a warm-up. Goals (issue 7): dashboard ≤ 2 × raw and < 300 ms.

Run bench/make_round.py first (it also counts the tallies of the rounds it writes).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertyportal.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import Client
from django.urls import reverse

from households.models import AdminUnit
from reviews.models import ReviewRound

RUNS = int(os.environ.get("RUNS", "9"))

RAW = [
    # cases by district, area type, status, movement
    """SELECT split_part(v.path, '/', 3) AS child, v.area_type, c.status, c.movement, count(*)
       FROM reviews_case c JOIN households_adminunit v ON v.id = c.village_id
       WHERE c.round_id = %(round)s AND v.path LIKE %(path)s GROUP BY 1, 2, 3, 4""",
    # results by district, area type, standard, class
    """SELECT split_part(v.path, '/', 3) AS child, v.area_type, r.standard_id, r.household_class, count(*)
       FROM reviews_caseresult r JOIN reviews_case c ON c.id = r.case_id JOIN households_adminunit v ON v.id = c.village_id
       WHERE c.round_id = %(round)s AND v.path LIKE %(path)s AND r.household_class <> '' GROUP BY 1, 2, 3, 4""",
    # deprivation: poor / near-poor households per indicator (primary standard)
    """SELECT r.household_class, k.value, count(*) FROM reviews_caseresult r
       JOIN reviews_case c ON c.id = r.case_id JOIN households_adminunit v ON v.id = c.village_id
       CROSS JOIN LATERAL jsonb_array_elements_text(r.deprived_keys) AS k(value)
       WHERE c.round_id = %(round)s AND r.standard_id = %(standard)s AND v.path LIKE %(path)s
         AND r.household_class IN ('poor', 'near_poor') GROUP BY 1, 2""",
    # trend over rounds
    """SELECT c.round_id, c.result_class, c.movement, count(*) FROM reviews_case c
       JOIN households_adminunit v ON v.id = c.village_id
       WHERE v.path LIKE %(path)s AND c.result_class <> '' GROUP BY 1, 2, 3""",
    # villages with open cases, village and ward lists, resident households
    """SELECT split_part(v.path, '/', 3), count(DISTINCT c.village_id) FROM reviews_case c
       JOIN households_adminunit v ON v.id = c.village_id
       WHERE c.round_id = %(round)s AND v.path LIKE %(path)s AND c.status IN ('to_screen', 'to_survey') GROUP BY 1""",
    """SELECT split_part(v.path, '/', 3), l.status, count(*) FROM reviews_villagelist l
       JOIN households_adminunit v ON v.id = l.village_id WHERE l.round_id = %(round)s GROUP BY 1, 2""",
    """SELECT split_part(w.path, '/', 3), l.status, count(*) FROM reviews_wardlist l
       JOIN households_adminunit w ON w.id = l.ward_id WHERE l.round_id = %(round)s GROUP BY 1, 2""",
    """SELECT split_part(w.path, '/', 3), w.area_type, sum(n.households), count(*) FROM households_residentcount n
       JOIN households_adminunit w ON w.id = n.unit_id WHERE n.year = 2026 GROUP BY 1, 2""",
]


# What the page needs now: the same GROUP BYs over the per-village tallies (reviews.tallies).
RAW_TALLIES = [
    """SELECT split_part(v.path, '/', 3), v.area_type, t.status, t.movement, sum(t.n) FROM reviews_villagetally t
       JOIN households_adminunit v ON v.id = t.village_id
       WHERE t.round_id = %(round)s AND v.path LIKE %(path)s AND t.standard_id IS NULL GROUP BY 1, 2, 3, 4""",
    """SELECT split_part(v.path, '/', 3), v.area_type, t.standard_id, t.household_class, sum(t.n) FROM reviews_villagetally t
       JOIN households_adminunit v ON v.id = t.village_id
       WHERE t.round_id = %(round)s AND v.path LIKE %(path)s AND t.standard_id IS NOT NULL AND t.indicator = ''
         AND t.household_class <> '' GROUP BY 1, 2, 3, 4""",
    """SELECT t.household_class, t.indicator, sum(t.n) FROM reviews_villagetally t
       JOIN households_adminunit v ON v.id = t.village_id
       WHERE t.round_id = %(round)s AND t.standard_id = %(standard)s AND v.path LIKE %(path)s AND t.indicator <> ''
         AND t.household_class IN ('poor', 'near_poor') GROUP BY 1, 2""",
    """SELECT t.round_id, t.household_class, t.movement, sum(t.n) FROM reviews_villagetally t
       JOIN households_adminunit v ON v.id = t.village_id
       WHERE v.path LIKE %(path)s AND t.standard_id IS NULL AND t.household_class <> '' GROUP BY 1, 2, 3""",
    *RAW[4:],
]


def median_ms(fn) -> tuple[float, list[float]]:
    fn()  # warm-up
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times


def main() -> None:
    round_ = ReviewRound.objects.get(kind="periodic", year=2026)
    city = AdminUnit.objects.get(level="city", valid_to__isnull=True)
    user = get_user_model().objects.get(username=os.environ.get("BENCH_USER", "thanhpho"))
    client = Client()
    client.force_login(user)
    url = reverse("reviews:dashboard", args=[round_.pk, city.code])
    params = {"round": round_.pk, "path": city.path + "%", "standard": round_.primary_standard_id}

    def view():
        response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.status_code

    def run(statements):
        def go():
            with connection.cursor() as cur:
                for sql in statements:
                    cur.execute(sql, params)
                    cur.fetchall()

        return go

    raw, raw_tallies = run(RAW), run(RAW_TALLIES)

    reset_queries()
    view()
    captured = list(connection.queries)
    view_ms, view_runs = median_ms(view)
    raw_ms, raw_runs = median_ms(raw)
    tallies_ms, _runs = median_ms(raw_tallies)
    print(f"households: {city.path} round {round_.name}: {round_.cases.count():,} cases")
    print(f"dashboard view: median {view_ms:.1f} ms over {RUNS} runs ({len(captured)} queries)")
    print(f"raw SQL over the tallies the page reads ({len(RAW_TALLIES)} statements): median {tallies_ms:.1f} ms")
    print(f"raw SQL counting the cases live ({len(RAW)} statements): median {raw_ms:.1f} ms")
    print(f"ratio view / raw over tallies = {view_ms / tallies_ms:.2f}  (goal ≤ 2.0; view goal < 300 ms)")
    print(f"ratio view / raw live count = {view_ms / raw_ms:.2f}")
    slow = sorted(captured, key=lambda q: -float(q["time"]))[:5]
    print("slowest queries of one view run:")
    for q in slow:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:110]}")


if __name__ == "__main__":
    main()
