"""The household list costs the same at any size (issue 17): keyset pages, searches decided by the
shape of the text, and the ward chosen before the village."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import IdNumberSearch, Member
from tests.conftest import make_household, make_unit

pytestmark = pytest.mark.django_db

LIST = reverse("households:list")


def codes(response):
    return [h.code for h in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("persona", "params"),
    [
        ("ward_officer", {}),
        ("city_officer", {}),
        ("city_officer", {"q": "nguyen van"}),
        ("city_officer", {"q": "A-0"}),
        ("district_officer", {"ward": "ward"}),
    ],
)
def test_the_list_costs_the_same_queries_for_3_and_30_households(
    client_for, personas, territory, django_assert_num_queries, persona, params
):
    client = client_for(personas[persona])
    if params.get("ward"):
        params = {**params, "ward": territory["ward"].pk}
    for i in range(3):
        make_household(territory["village"], f"A-{i:02}", members=3)
    # session, user, assignment (scope), the filter's ward or village choices, one page of rows (no count);
    # a ward chosen adds its validation and its villages' choices.
    expected = 7 if "ward" in params else 5
    with django_assert_num_queries(expected):
        first = client.get(LIST, params)
    for i in range(27):
        make_household(territory["other_village"], f"A-0{i + 3:02}", members=3)
    with django_assert_num_queries(expected):
        second = client.get(LIST, params)
    assert len(first.context["page"].object_list) == 3
    assert len(second.context["page"].object_list) == 30
    assert {h.member_count for h in second.context["page"].object_list} == {3}


def test_no_query_of_the_list_groups_or_counts_the_scope(client_for, personas, territory):
    make_household(territory["village"], "A-1", members=2)
    with CaptureQueriesContext(connection) as queries:
        response = client_for(personas["city_officer"]).get(LIST)
    assert codes(response) == ["A-1"] and response.context["page"].object_list[0].member_count == 2
    page_query = [q["sql"] for q in queries if "households_household" in q["sql"]]
    assert len(page_query) == 1
    assert "LIMIT 51" in page_query[0]
    # Only the member count's subquery (of one household) groups; nothing groups or counts the scope.
    outer = page_query[0][page_query[0].index('FROM "households_household"') :]
    assert "GROUP BY" not in outer and "COUNT(" not in outer


def test_keyset_pages_visit_every_household_once_in_order_both_ways(client_for, personas, territory):
    expected = sorted(f"H-{i:03}" for i in range(123))
    for i, code in enumerate(expected):
        make_household(territory["village" if i % 2 else "other_village"], code, members=1)
    client = client_for(personas["ward_officer"])
    seen, pages, params = [], [], {"status": "active"}
    while True:
        response = client.get(LIST, params)
        page = response.context["page"]
        seen += codes(response)
        pages.append(page)
        if not page.has_next:
            break
        assert f"after={page.next_after}" in response.content.decode()
        params = {"status": "active", "after": page.next_after}
    assert seen == expected
    assert [len(p.object_list) for p in pages] == [50, 50, 23]
    assert not pages[0].has_previous and pages[1].has_previous
    back, params = [], {"status": "active", "before": pages[-1].previous_before}
    while True:
        page = client.get(LIST, params).context["page"]
        back = [h.code for h in page.object_list] + back
        if not page.has_previous:
            break
        params = {"status": "active", "before": page.previous_before}
    assert back == expected[:100]


def test_a_whole_id_number_is_an_equality_on_the_column_and_is_still_recorded(client_for, personas, territory):
    household = make_household(territory["village"], "HH-1", members=1)
    make_household(territory["village"], "HH-2", members=1)
    Member.objects.filter(household=household).update(id_number="048080001234")
    client = client_for(personas["district_officer"])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(LIST, {"q": "048 080 001 234"}, follow=True)
    assert codes(response) == ["HH-1"]
    sql = [q["sql"] for q in queries]
    assert any('"id_number" = ' in s for s in sql)
    for s in sql:  # the scope's path prefix is the only LIKE
        assert not re.search(r'"(code|full_name|name_key|id_number)"\s*(::text\s*)?(I?LIKE)', s, re.I), s
    [search] = IdNumberSearch.objects.all()
    assert search.user == personas["district_officer"] and search.found == 1 and search.number_masked != "048080001234"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("nguyen van nam", ["HH-1"]),
        ("Nguyễn Văn Nam", ["HH-1"]),
        ("NGUYEN nam", ["HH-1"]),
        ("van na", ["HH-1"]),
        ("  nguyễn   VĂN ", ["HH-1", "HH-2"]),  # the other head is "Nguyễn Văn HH-2-0"
        ("Trần", []),
    ],
)
def test_a_name_is_found_with_or_without_diacritics_and_by_pieces(client_for, personas, territory, text, found):
    household = make_household(territory["village"], "HH-1", members=1)
    make_household(territory["village"], "HH-2", members=1)
    member = household.members.get()
    member.full_name = "Nguyễn Văn Nam"
    member.save()  # keeps name_key
    response = client_for(personas["ward_officer"]).get(LIST, {"q": text})
    assert codes(response) == found


def test_a_name_search_reads_only_the_folded_column_and_a_code_search_only_a_prefix(client_for, personas, territory):
    make_household(territory["village"], "20236-001-00001")
    make_household(territory["village"], "20236-001-00002")
    make_household(territory["other_village"], "20236-002-00001")
    client = client_for(personas["ward_officer"])
    with CaptureQueriesContext(connection) as queries:
        assert codes(client.get(LIST, {"q": "20236-001"})) == ["20236-001-00001", "20236-001-00002"]
    [page] = [q["sql"] for q in queries if "households_household" in q["sql"]]
    assert "20236-001%" in page and "%20236-001" not in page and "name_key" not in page
    with CaptureQueriesContext(connection) as queries:
        assert codes(client.get(LIST, {"q": "Trần 20236"})) == []  # a space: a name, never a code as well
    [page] = [q["sql"] for q in queries if "households_household" in q["sql"]]
    page = page.replace("::text", "")  # PostgreSQL casts a varchar column
    assert 'name_key" LIKE' in page and 'full_name" LIKE' not in page and '"code" LIKE' not in page


def test_the_city_officer_chooses_a_ward_then_sees_only_its_villages(client_for, personas, territory):
    make_household(territory["village"], "A-1")
    make_household(territory["rural_village"], "R-1")
    other = make_unit("20236-003", "Tổ dân phố 3", "village", territory["ward"])
    client = client_for(personas["city_officer"])
    page = client.get(LIST)
    village_field = page.context["filter"].form.fields["village"]
    assert list(village_field.queryset) == []  # no 2,760-option select: the ward comes first
    wards = list(page.context["filter"].form.fields["ward"].queryset)
    assert territory["ward"] in wards and territory["commune"] in wards
    assert 'hx-get="/households/village-options/"' in page.content.decode()

    chosen = client.get(LIST, {"ward": territory["ward"].pk})
    offered = set(chosen.context["filter"].form.fields["village"].queryset)
    assert offered == {territory["village"], territory["other_village"], other}
    assert codes(chosen) == ["A-1"]
    assert codes(client.get(LIST, {"ward": territory["commune"].pk})) == ["R-1"]
    assert codes(client.get(LIST, {"ward": territory["ward"].pk, "village": territory["village"].pk})) == ["A-1"]

    options = client.get(reverse("households:village_options"), {"ward": territory["commune"].pk}).content.decode()
    assert territory["rural_village"].name in options and territory["village"].name not in options


def test_the_village_options_of_a_ward_outside_the_area_do_not_exist(client_for, personas, territory):
    client = client_for(personas["district_officer"])
    url = reverse("households:village_options")
    assert client.get(url, {"ward": territory["commune"].pk}).status_code == 404
    assert client.get(url, {"ward": "x"}).status_code == 404


def test_a_ward_officer_picks_a_village_directly(client_for, personas, territory):
    response = client_for(personas["ward_officer"]).get(LIST)
    form = response.context["filter"].form
    assert "ward" not in form.fields
    assert set(form.fields["village"].queryset) == {territory["village"], territory["other_village"]}
