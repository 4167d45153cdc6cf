"""The dashboards' per-village tallies stay equal to a fresh count through every write the services make."""

import pytest
from django.core.management import CommandError, call_command

from reviews import dashboards, services, tallies
from reviews.models import Case, CaseResult, VillageTally
from tests.conftest import make_household
from tests.reviews.conftest import survey

pytestmark = pytest.mark.django_db


def exact(review):
    assert tallies.differences(review["round"].pk) == {}


def test_opening_a_round_counts_every_case_of_every_village(review):
    exact(review)
    rows = VillageTally.objects.filter(round=review["round"], standard__isnull=True)
    assert sum(r.n for r in rows) == Case.objects.filter(round=review["round"]).count() == 4
    assert {r.status for r in rows} == {"to_screen"}


def test_every_survey_step_keeps_the_tallies_exact(review):
    p = review["personas"]
    case = review["cases"]["a"]
    case.refresh_from_db()
    services.case_screen(case=case, user=p["village_head"], items_met=[], read_version=case.version)
    exact(review)
    survey(case, p["village_head"])  # screened in, five sections, classified under both standards
    exact(review)
    assert VillageTally.objects.filter(round=review["round"], village=review["village"], indicator__gt="").exists()
    # Screened out after all: its results go, the case counts as not poor.
    case.refresh_from_db()
    services.case_screen(case=case, user=p["village_head"], items_met=["car"], read_version=case.version)
    exact(review)
    assert not CaseResult.objects.filter(case=case).exists()
    survey(review["cases"]["c"], p["other_village_head"])
    exact(review)


def test_a_household_added_to_the_round_is_counted(review):
    review["round"].widen_scope = True
    review["round"].save()
    household = make_household(review["village"], "HH-NEW", members=2)
    services.case_add(
        round_=review["round"], household=household, inclusion=Case.Inclusion.PROPOSED, user=review["personas"]["village_head"]
    )
    exact(review)
    assert dashboards.unit_dashboard(review["round"], review["city"]).total.cases == 5


def test_writes_outside_the_services_are_found_and_repaired_by_the_command(review):
    survey(review["cases"]["a"], review["personas"]["village_head"])
    Case.objects.filter(pk=review["cases"]["b"].pk).update(status=Case.Status.SURVEYED, result_class="poor")  # by hand
    assert tallies.differences(review["round"].pk)
    with pytest.raises(CommandError):
        call_command("rebuild_tallies", check=True, rounds=[review["round"].pk], verbosity=0)
    call_command("rebuild_tallies", verbosity=0)
    exact(review)
    call_command("rebuild_tallies", check=True, verbosity=0)
    d = dashboards.unit_dashboard(review["round"], review["city"])
    assert d.total.surveyed == Case.objects.filter(round=review["round"], status="surveyed").count() == 2


def test_unknown_round_is_refused():
    with pytest.raises(CommandError):
        call_command("rebuild_tallies", rounds=[999], verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_two_saves_in_one_village_at_the_same_moment_leave_exact_tallies(review):
    """Two households of one village saved at once, each in its own transaction and connection. On
    PostgreSQL both are written before either recounts, so without the lock on the village each recount
    would miss the other's change. (SQLite writes one transaction at a time: there they run in turn.)"""
    import threading

    from django.db import connection, transaction

    concurrent = connection.vendor == "postgresql"
    barrier = threading.Barrier(2, timeout=20)
    round_id, village_id = review["round"].pk, review["village"].pk
    errors = []

    def save(case_id, result_class):
        try:
            with transaction.atomic():
                Case.objects.filter(pk=case_id).update(status=Case.Status.SURVEYED, result_class=result_class)
                if concurrent:
                    barrier.wait()  # both changes are written, neither is committed
                tallies.refresh(round_id, [village_id])
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            from django.db import connection as thread_connection

            thread_connection.close()

    threads = [
        threading.Thread(target=save, args=(review["cases"]["a"].pk, "poor")),
        threading.Thread(target=save, args=(review["cases"]["b"].pk, "near_poor")),
    ]
    for t in threads:
        t.start()
        if not concurrent:
            t.join()
    for t in threads:
        t.join()
    assert errors == []
    exact(review)
    rows = VillageTally.objects.filter(round_id=round_id, village_id=village_id, standard__isnull=True)
    assert {(r.status, r.household_class, r.n) for r in rows} == {("surveyed", "poor", 1), ("surveyed", "near_poor", 1)}
