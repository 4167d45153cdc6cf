"""The review demo: a round in progress outside the demo users' ward, deterministic and idempotent."""

from datetime import date

import pytest
from django.core.management import call_command

from households.models import Assignment, Member
from reviews.models import Case, CaseResult, ReviewRequest, ReviewRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEMO_DATA_ALLOWED = True
    call_command("seed_demo", households=1500, seed=7, villages_per_ward=(2, 3), verbosity=0)
    call_command("seed_review_demo", seed=7, verbosity=0)
    return ReviewRound.objects.get(kind=ReviewRound.Kind.PERIODIC, year=2026)


def test_the_open_round_is_surveyed_outside_the_demo_ward_only(demo):
    ward = Assignment.objects.get(user__username="phuong.haichau").unit
    in_ward = Case.objects.filter(round=demo, village__path__startswith=ward.path)
    outside = Case.objects.filter(round=demo).exclude(village__path__startswith=ward.path)
    assert in_ward.exists() and not in_ward.exclude(status=Case.Status.TO_SCREEN).exists(), "left for the demo users"
    surveyed = outside.filter(status=Case.Status.SURVEYED)
    assert 0.5 < surveyed.count() / outside.count() < 0.9
    # Classified by the engine under every standard of the round, with a mix of classes.
    standards = demo.standards.count()
    assert CaseResult.objects.filter(case__in=surveyed).count() == surveyed.count() * standards
    assert {"poor", "near_poor", "not_poor"} <= set(surveyed.values_list("result_class", flat=True))
    assert Member.objects.filter(date_of_birth__gt=date(2026, 9, 1)).count() == 0


def test_running_the_review_demo_again_changes_nothing(demo, settings):
    before = (Case.objects.count(), CaseResult.objects.count(), ReviewRequest.objects.count())
    surveyed = sorted(Case.objects.filter(status=Case.Status.SURVEYED).values_list("id", "result_class"))
    call_command("seed_review_demo", seed=7, verbosity=0)
    assert (Case.objects.count(), CaseResult.objects.count(), ReviewRequest.objects.count()) == before
    assert sorted(Case.objects.filter(status=Case.Status.SURVEYED).values_list("id", "result_class")) == surveyed
