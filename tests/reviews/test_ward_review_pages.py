"""The approving unit's review of a ward list stays small whatever the ward's size (issue 17: 2,000
households on one page were 868 KB of HTML): counts from the tallies, one village a page at a time."""

from datetime import date

import pytest
from django.urls import reverse

from households.models import Household, Member
from reviews import tallies
from reviews.models import Case, WardList

pytestmark = pytest.mark.django_db


def add_cases(review, village, prefix, n):
    """``n`` households of ``village`` in the round, written in bulk, with a head each."""
    households = Household.objects.bulk_create(
        Household(code=f"{prefix}-{i:05d}", village=village, address=f"{i} Lê Lợi") for i in range(n)
    )
    Member.objects.bulk_create(
        Member(
            household=h,
            full_name=f"Nguyễn Văn Bình {h.code}",
            name_key=f"nguyen van binh {h.code.lower()}",
            date_of_birth=date(1980, 1, 1),
            sex="male",
            relationship="head",
        )
        for h in households
    )
    Case.objects.bulk_create(
        Case(round=review["round"], household=h, village=village, inclusion=Case.Inclusion.FORM_01) for h in households
    )


def review_page(client, review, **params):
    url = reverse("reviews:ward_review", args=[review["round"].pk, review["ward"].code])
    return client.get(url, params)


def test_the_review_of_a_ward_of_2000_households_stays_under_150_kb_with_fixed_queries(
    client_for, review, django_assert_num_queries
):
    WardList.objects.filter(round=review["round"], ward=review["ward"]).update(status=WardList.Status.SUBMITTED)
    client = client_for(review["personas"]["district_officer"])
    tallies.rebuild(review["round"].pk)
    # The view lists them (session, user, scope, ward, list, checks, tallies, villages, count, cases, their
    # results and heads, timeline): twelve here.
    with django_assert_num_queries(14) as small:  # the per-village table and the list's summary (complaints)
        first = review_page(client, review)
    add_cases(review, review["village"], "V1", 1000)
    add_cases(review, review["other_village"], "V2", 997)
    tallies.rebuild(review["round"].pk)
    with django_assert_num_queries(len(small.captured_queries)):
        big = review_page(client, review)
    assert first.status_code == big.status_code == 200
    for params in ({}, {"village": review["other_village"].code, "page": 10}):
        response = review_page(client, review, **params)
        assert len(response.content) < 150_000, len(response.content)
    # The ward's figures come from the tallies: every household, though only 100 are listed.
    assert big.context["totals"]["total"] == 2000
    assert [vl.counts["total"] for vl in big.context["village_lists"]] == [1002, 998]
    assert len(big.context["page"].object_list) == 100
    assert "V1-00000" in big.content.decode() and "V2-00000" not in big.content.decode()


def test_the_review_walks_every_household_of_a_village_once(client_for, review):
    add_cases(review, review["other_village"], "V2", 250)
    client = client_for(review["personas"]["district_officer"])
    seen = []
    for number in (1, 2, 3):
        page = review_page(client, review, village=review["other_village"].code, page=number).context["page"]
        seen += [c.household.code for c in page.object_list]
    assert sorted(seen) == seen and len(seen) == len(set(seen)) == 251  # HH-C and the 250
