"""Per-village counts of a round (``VillageTally``): kept by the services, added up by the dashboards.

Counting a round live costs more than half a second at city scale (200,000 cases and twice as many
results; ``bench/bench_dashboard.py``), and the city and district dashboards are the pages that need
every one of them. So each village's counts are recomputed from its own cases whenever one of them
changes — a case added, screened, surveyed or classified — and the dashboards add up a few rows per
village instead.

Exactness rests on three rules:

* Only ``reviews.services`` writes cases and results, and every function there that changes a case's
  status, movement or result, or its results, ends with ``refresh`` for the case's village, in the
  same transaction. Bulk writers outside the services (the demo and bench generators) call
  ``rebuild`` when they are done; so does ``manage.py rebuild_tallies`` after a repair by hand.
* ``refresh`` recomputes a village from scratch (never "+1"), under a lock on the village's row, so
  two saves in one village cannot interleave their counts (PostgreSQL; SQLite writes one at a time).
* ``differences`` compares the stored rows with a fresh count; the tests check it after every
  workflow they run, and the command reports it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

from django.db import transaction
from django.db.models import Count

POOR_OR_NEAR = ("poor", "near_poor")
# Above this many villages, one pass over the round is cheaper than a list of village ids.
WHOLE_ROUND_ABOVE = 500

Key = tuple  # (village_id, standard_id, status, movement, household_class, indicator)


def count(case_model, result_model, round_id: int, village_ids: Collection[int] | None = None) -> Counter:
    """A fresh count of the round (or of ``village_ids`` in it) from its cases and results.

    The models are passed in so that a migration can run this on its historical models.
    """
    cases = case_model.objects.filter(round_id=round_id)
    results = result_model.objects.filter(case__round_id=round_id)
    if village_ids is not None:
        cases = cases.filter(village_id__in=list(village_ids))
        results = results.filter(case__village_id__in=list(village_ids))
    counts: Counter = Counter()
    for village_id, status, movement, result_class, n in (
        cases.values_list("village_id", "status", "movement", "result_class").annotate(n=Count("id")).order_by()
    ):
        counts[(village_id, None, status, movement, result_class, "")] += n
    for village_id, standard_id, household_class, n in (
        results.exclude(household_class="")
        .values_list("case__village_id", "standard_id", "household_class")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[(village_id, standard_id, "", "", household_class, "")] += n
    # Deprived indicators of poor and near-poor results: a few keys per result, counted here so that
    # the same code runs on SQLite and PostgreSQL.
    for village_id, standard_id, household_class, keys in (
        results.filter(household_class__in=POOR_OR_NEAR)
        .values_list("case__village_id", "standard_id", "household_class", "deprived_keys")
        .iterator(chunk_size=5000)
    ):
        for key in keys or ():
            counts[(village_id, standard_id, "", "", household_class, key)] += 1
    return counts


def _rows(tally_model, round_id: int, counts: Counter) -> Iterable:
    for (village_id, standard_id, status, movement, household_class, indicator), n in counts.items():
        if n:
            yield tally_model(
                round_id=round_id,
                village_id=village_id,
                standard_id=standard_id,
                status=status,
                movement=movement,
                household_class=household_class,
                indicator=indicator,
                n=n,
            )


def stored(tally_model, round_id: int, village_ids: Collection[int] | None = None) -> Counter:
    rows = tally_model.objects.filter(round_id=round_id)
    if village_ids is not None:
        rows = rows.filter(village_id__in=list(village_ids))
    return Counter(
        {
            (v, s, status, movement, c, i): n
            for v, s, status, movement, c, i, n in rows.values_list(
                "village_id", "standard_id", "status", "movement", "household_class", "indicator", "n"
            )
        }
    )


def _models():
    from reviews.models import Case, CaseResult, VillageTally

    return Case, CaseResult, VillageTally


def refresh(round_id: int, village_ids: Collection[int]) -> None:
    """Recompute the tallies of ``village_ids`` in the round (all of the round's if there are many)."""
    from households.models import AdminUnit

    case_model, result_model, tally_model = _models()
    village_ids = sorted(set(village_ids))
    if not village_ids:
        return
    if len(village_ids) > WHOLE_ROUND_ABOVE:
        rebuild(round_id)
        return
    with transaction.atomic():
        # Lock the villages' rows (in id order: no deadlock between two refreshes) until commit; a save
        # in the same village waits here, then counts what this one wrote. FOR NO KEY UPDATE does not
        # block inserts that merely reference the village.
        list(AdminUnit.objects.select_for_update(no_key=True).filter(pk__in=village_ids).order_by("pk").values_list("pk"))
        tally_model.objects.filter(round_id=round_id, village_id__in=village_ids).delete()
        tally_model.objects.bulk_create(_rows(tally_model, round_id, count(case_model, result_model, round_id, village_ids)))


def rebuild(round_id: int, *, models=None) -> int:
    """Recompute every tally of the round; returns the number of rows."""
    case_model, result_model, tally_model = models or _models()
    with transaction.atomic():
        tally_model.objects.filter(round_id=round_id).delete()
        rows = tally_model.objects.bulk_create(
            _rows(tally_model, round_id, count(case_model, result_model, round_id)), batch_size=5000
        )
    return len(rows)


def differences(round_id: int) -> dict[Key, tuple[int, int]]:
    """Keys whose stored tally differs from a fresh count: {key: (stored, counted)}; empty when exact."""
    case_model, result_model, tally_model = _models()
    have, want = stored(tally_model, round_id), count(case_model, result_model, round_id)
    return {k: (have.get(k, 0), want.get(k, 0)) for k in set(have) | set(want) if have.get(k, 0) != want.get(k, 0)}
