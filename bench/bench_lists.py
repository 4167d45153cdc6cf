"""The household list and the approving unit's ward review, timed as each role beside the raw SQL
(issue 17). Not a test: run it against a seeded bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_lists .venv/bin/python bench/bench_lists.py

"Page" is the whole request through Django's test client (middleware, session, scoping, filter, ORM,
template), logged in as a bench user of the role; "SQL" is the page's own household query (captured
from the page, then run again with a bare cursor): what the database alone costs. Median and 95th
percentile of ``RUNS`` (20) after a warm-up. The ward review needs a round (bench/make_round.py).
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
os.environ.setdefault("SECRET_KEY", "bench-only")

import django

django.setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import AdminUnit, Assignment, Household, Member

RUNS = int(os.environ.get("RUNS", "20"))
settings.ALLOWED_HOSTS = ["*"]


def stats(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return f"{statistics.median(samples):8.1f} {p95:8.1f}"


def bench_user(role: str, unit: AdminUnit):
    user, created = get_user_model().objects.get_or_create(username=f"bench.{role}")
    if created:
        Assignment.objects.create(user=user, role=role, unit=unit)
    return user


def time_page(client: Client, url: str, data: dict) -> tuple[list[float], str, int]:
    client.get(url, data)  # warm-up
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url, data)
        samples.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, (url, data, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, data)
    heavy = max(queries.captured_queries, key=lambda q: float(q["time"]))["sql"]
    return samples, heavy, len(response.content)


def time_sql(sql: str, params: tuple = ()) -> list[float]:
    samples = []
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            start = time.perf_counter()
            cursor.execute(sql, params or None)
            cursor.fetchall()
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    city = AdminUnit.objects.get(level=AdminUnit.Level.CITY, valid_to__isnull=True)
    ward = AdminUnit.objects.wards().current().filter(children__households__isnull=False).order_by("code").first()
    district = ward.parent if ward.parent.level == AdminUnit.Level.DISTRICT else city
    village = AdminUnit.objects.villages().current().filter(parent=ward).order_by("code").first()
    member = Member.objects.filter(household__village__path__startswith=ward.path).exclude(id_number="").first()
    middle = Household.objects.order_by("code").values_list("code", flat=True)[Household.objects.count() // 2]
    users = {
        "city": bench_user(Assignment.Role.CITY_OFFICER, city),
        "district": bench_user(Assignment.Role.DISTRICT_OFFICER, district),
        "ward": bench_user(Assignment.Role.WARD_OFFICER, ward),
    }
    url = reverse("households:list")
    cases = [
        ("city", "page 1", {}),
        ("city", "deep page (middle of the city)", {"after": middle}),
        ("city", "name 'nguyen van'", {"q": "nguyen van"}),
        ("city", "name, diacritics", {"q": member.full_name}),
        ("city", "household code prefix", {"q": ward.code}),
        ("city", "one ward chosen", {"ward": ward.pk}),
        ("district", "page 1", {}),
        ("ward", "page 1", {}),
        ("ward", "one village", {"village": village.pk}),
    ]
    print(f"{Household.objects.count():,} households, {Member.objects.count():,} members; {connection.vendor}; runs={RUNS}")
    print(f"{'role':9} {'page':34} {'page ms':>8} {'p95':>8} {'SQL ms':>8} {'p95':>8} {'KB':>6}")
    for role, label, data in cases:
        client = Client()
        client.force_login(users[role])
        samples, sql, size = time_page(client, url, data)
        print(f"{role:9} {label:34} {stats(samples)} {stats(time_sql(sql))} {size / 1024:6.0f}")

    # The ID search: a posted whole number, then the list of the households found.
    client = Client()
    client.force_login(users["city"])
    client.post(url, {"q": member.id_number})
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.post(url, {"q": member.id_number}, follow=True)
        samples.append((time.perf_counter() - start) * 1000)
    raw = time_sql("SELECT household_id FROM households_member WHERE id_number = %s", (member.id_number,))
    print(f"{'city':9} {'whole ID number (post + list)':34} {stats(samples)} {stats(raw)}")

    from reviews.models import WardList

    ward_list = (
        WardList.objects.filter(ward__children__isnull=False).select_related("ward", "approver").order_by("-round__year").first()
    )
    if ward_list is None or ward_list.approver is None:
        print("ward review: no round (run bench/make_round.py)")
        return
    approver = bench_user(
        Assignment.Role.DISTRICT_OFFICER
        if ward_list.approver.level == AdminUnit.Level.DISTRICT
        else Assignment.Role.CITY_OFFICER,
        ward_list.approver,
    )
    client = Client()
    client.force_login(approver)
    review_url = reverse("reviews:ward_review", args=[ward_list.round_id, ward_list.ward.code])
    samples, sql, size = time_page(client, review_url, {})
    print(f"{'approver':9} {'ward review, first village':34} {stats(samples)} {stats(time_sql(sql))} {size / 1024:6.0f}")


if __name__ == "__main__":
    main()
