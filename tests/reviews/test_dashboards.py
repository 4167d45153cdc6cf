"""Dashboards of a round: figures, scope, drill-down and bounded queries."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from households.models import ResidentCount
from reviews import dashboards
from reviews.models import Case
from tests.conftest import make_household
from tests.reviews.conftest import survey


@pytest.fixture
def surveyed(review):
    """HH-A and HH-B surveyed poor (urban ward), HH-R surveyed in the rural commune; HH-C still to screen."""
    head = review["personas"]["village_head"]
    survey(review["cases"]["a"], head)
    survey(review["cases"]["b"], head)
    survey(review["cases"]["r"], review["personas"]["commune_officer"])
    return review


def test_city_dashboard_counts_classes_per_district_and_total(surveyed):
    w = surveyed
    d = dashboards.unit_dashboard(w["round"], w["city"])
    national = w["standards"]["national-2022"].pk
    by_code = {c.code: c for c in d.children}
    assert d.total.cases == 4
    assert d.total.done == 3
    assert by_code["492"].cases == 3
    assert by_code["497"].cases == 1
    classes = {c: getattr(d.total.figures(national), c) for c in ("poor", "near_poor", "average", "not_poor")}
    assert sum(classes.values()) == 3
    assert classes == {
        c: Case.objects.filter(round=w["round"], result_class=c).count() for c in ("poor", "near_poor", "average", "not_poor")
    }
    assert by_code["492"].figures(national).poor + by_code["497"].figures(national).poor == d.total.figures(national).poor


def test_rates_need_every_ward_figure_and_are_never_invented(surveyed):
    w = surveyed
    national = w["standards"]["national-2022"].pk
    ResidentCount.objects.create(unit=w["ward"], year=2026, households=200)
    d = dashboards.unit_dashboard(w["round"], w["city"])
    by_code = {c.code: c for c in d.children}
    assert by_code["492"].residents == 200
    assert by_code["492"].poor_rate(national) == Decimal(by_code["492"].figures(national).poor) / 200
    assert by_code["497"].residents is None
    assert by_code["497"].poor_rate(national) is None
    assert d.total.residents is None, "one commune missing: no city denominator"
    ResidentCount.objects.create(unit=w["commune"], year=2026, households=100)
    d = dashboards.unit_dashboard(w["round"], w["city"])
    assert d.total.residents == 300
    assert d.by_area["urban"].residents == 200
    assert d.by_area["rural"].residents == 100


def test_ward_dashboard_groups_by_village_and_counts_its_own_list(surveyed):
    w = surveyed
    d = dashboards.unit_dashboard(w["round"], w["ward"])
    by_code = {c.code: c for c in d.children}
    assert by_code["20236-001"].cases == 2
    assert by_code["20236-002"].cases == 1
    assert d.total.wards == 1
    assert d.total.villages == 2


def test_deprivation_counts_each_indicator_from_the_results(surveyed):
    w = surveyed
    from reviews.models import CaseResult

    standard = w["standards"]["national-2022"]
    shares, poor, near = dashboards.deprivation(w["round"], w["city"], standard)
    results = CaseResult.objects.filter(case__round=w["round"], standard=standard, household_class="poor")
    assert poor == results.count()
    for share in shares:
        expected = sum(1 for r in results if share.key in r.deprived_keys)
        assert share.poor == expected
    assert any(s.poor for s in shares)


def test_villages_behind_the_survey_count_only_after_the_deadline(surveyed):
    """HH-C of the first village is still to screen: its village is behind once the deadline has passed."""
    from datetime import date

    w = surveyed
    round_ = w["round"]
    round_.survey_deadline = date(2026, 10, 15)
    before = dashboards.unit_dashboard(round_, w["city"], today=date(2026, 10, 15))
    after = dashboards.unit_dashboard(round_, w["city"], today=date(2026, 10, 16))
    assert before.total.villages_behind_survey == 0
    assert after.total.villages_behind_survey == 1
    assert {c.code: c.villages_behind_survey for c in after.children} == {"492": 1, "497": 0}
    round_.survey_deadline = None
    assert dashboards.unit_dashboard(round_, w["city"], today=date(2027, 1, 1)).total.villages_behind_survey == 0


def test_trend_lists_every_round_of_the_kind(surveyed):
    points = dashboards.trend(surveyed["round"], surveyed["city"])
    assert [p.round for p in points] == [surveyed["round"]]
    assert points[0].poor + points[0].near_poor >= 1


def _households_in_many_villages(review, n):
    from tests.conftest import make_unit

    ward = review["ward"]
    for i in range(n):
        village = make_unit(f"20236-1{i:02d}", f"Tổ {i}", "village", ward)
        make_household(village, f"HH-X{i}", members=2)


def _dashboard_queries(client, review, django_assert_max_num_queries, max_queries):
    client.force_login(review["personas"]["city_officer"])
    url = reverse("reviews:dashboard", args=[review["round"].pk, review["ward"].code])
    with django_assert_max_num_queries(max_queries):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("villages", [2, 20])
def test_dashboard_query_count_does_not_grow_with_units(client, surveyed, django_assert_max_num_queries, villages):
    _households_in_many_villages(surveyed, villages)
    # session + user + assignment, round, unit, ancestors, rounds list, 9 aggregates, 3 deprivation, 2 trend.
    _dashboard_queries(client, surveyed, django_assert_max_num_queries, 24)


def test_city_officer_sees_the_city_with_links_down_to_districts(client, surveyed):
    w = surveyed
    client.force_login(w["personas"]["city_officer"])
    response = client.get(reverse("reviews:dashboard_home"))
    assert response.status_code == 302
    response = client.get(response["Location"])
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bảng tổng hợp" in body
    assert reverse("reviews:dashboard", args=[w["round"].pk, "492"]) in body
    assert "<svg" in body


def test_village_level_lists_households_with_links(client, surveyed):
    w = surveyed
    client.force_login(w["personas"]["ward_officer"])
    response = client.get(reverse("reviews:dashboard", args=[w["round"].pk, w["village"].code]))
    body = response.content.decode()
    assert "HH-A" in body and "HH-B" in body
    assert "HH-C" not in body
    assert reverse("reviews:household_reviews", kwargs={"code": "HH-A"}) in body


def test_district_officer_cannot_open_another_district(client, surveyed):
    w = surveyed
    client.force_login(w["personas"]["district_officer"])
    assert client.get(reverse("reviews:dashboard", args=[w["round"].pk, w["commune"].code])).status_code == 404
    assert client.get(reverse("reviews:dashboard", args=[w["round"].pk, w["city"].code])).status_code == 404


def test_village_head_may_not_use_dashboards(client, surveyed):
    client.force_login(surveyed["personas"]["village_head"])
    url = reverse("reviews:dashboard", args=[surveyed["round"].pk, surveyed["village"].code])
    assert client.get(url).status_code == 403


def test_missing_rate_is_shown_as_a_dash(client, surveyed):
    client.force_login(surveyed["personas"]["city_officer"])
    body = client.get(reverse("reviews:dashboard", args=[surveyed["round"].pk, "48"])).content.decode()
    assert "—" in body


# ----------------------------------------------------------------------------- labels, trend, order, fit


def test_a_long_chart_label_wraps_onto_two_lines_and_keeps_its_full_text():
    from reviews.svg import Series, hbar_chart, label_lines

    assert label_lines("Rà soát định kỳ năm 2025") == ["Rà soát định kỳ năm", "2025"]
    long = "Chuẩn nghèo đa chiều quốc gia giai đoạn 2022–2025 (Nghị định 07/2021/NĐ-CP)"
    lines = label_lines(long)
    assert len(lines) == 2 and lines[-1].endswith("…")
    svg = hbar_chart(
        title="t",
        labels=["Rà soát định kỳ năm 2025", "Rà soát định kỳ năm 2026", long],
        series=[Series("Nghèo", [1, 2, 3])],
        value_format=str,
    )
    # Both years are readable on the chart itself, and every label carries its full text.
    assert ">2025</tspan>" in svg and ">2026</tspan>" in svg
    for label in ("Rà soát định kỳ năm 2025", "Rà soát định kỳ năm 2026", long):
        assert f"<title>{label}</title>" in svg
    # Nothing shortened without the full text beside it.
    shortened = 0
    for full, tspans in re.findall(r'<text text-anchor="end" class="chart-label"><title>([^<]*)</title>(.*?)</text>', svg):
        shown = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", tspans))
        if shown.endswith("…"):
            shortened += 1
            assert full.startswith(shown[:-1]), (full, shown)
        else:
            assert shown == full
    assert shortened == 1


def _closed_round_2025(w):
    """Last year's round, closed, with a complete list: 3 poor and 2 near-poor in the ward's village."""
    from reviews.models import ReviewRound, VillageTally

    last = ReviewRound.objects.create(
        year=2025,
        name="Rà soát định kỳ năm 2025",
        starts_on=date(2025, 9, 1),
        ends_on=date(2025, 12, 14),
        effective_from=date(2026, 1, 1),
        primary_standard=w["round"].primary_standard,
        status=ReviewRound.Status.CLOSED,
    )
    for household_class, n in (("poor", 3), ("near_poor", 2)):
        VillageTally.objects.create(round=last, village=w["village"], status="surveyed", household_class=household_class, n=n)
    return last


def test_a_round_in_progress_is_drawn_as_partial_with_its_share_surveyed_not_as_a_drop(client, surveyed):
    w = surveyed
    last = _closed_round_2025(w)
    points = dashboards.trend(w["round"], w["city"])
    assert [p.round for p in points] == [last, w["round"]]
    assert not points[0].in_progress
    assert points[1].in_progress and (points[1].done, points[1].cases) == (3, 4)
    client.force_login(w["personas"]["city_officer"])
    body = client.get(reverse("reviews:dashboard", args=[w["round"].pk, w["city"].code])).content.decode()
    trend_svg = body[body.index('id="trend"') :].split("</svg>")[0]
    groups = trend_svg.split('class="chart-label"')[1:]
    assert len(groups) == 2
    # Last year's full list: solid bars; this year's: hatched, labelled with the share surveyed.
    assert "bar-partial" not in groups[0]
    assert groups[1].count('class="bar-partial"') == 2
    assert "đang rà soát, 75 %" in groups[1]
    assert "Đợt đang rà soát: số hộ đã rà soát đến nay" in trend_svg
    table = body[body.index('id="trend"') :].split("</table>")[0]
    assert "đang rà soát, 75 %" in table


def test_units_are_listed_in_natural_order(surveyed):
    from households.names import natural_key, natural_sorted
    from tests.conftest import make_unit

    assert [n for n in sorted(["Tổ 10", "Tổ 2", "Tổ 1", "Tổ 11"], key=natural_key)] == ["Tổ 1", "Tổ 2", "Tổ 10", "Tổ 11"]
    assert natural_sorted(["Thôn 3", "thôn 21", "Thôn 3A"], key=str) == ["Thôn 3", "Thôn 3A", "thôn 21"]
    ward = surveyed["ward"]
    for i in (10, 3, 11):
        make_unit(f"20236-1{i:02d}", f"Tổ dân phố {i}", "village", ward)
    d = dashboards.unit_dashboard(surveyed["round"], ward)
    assert [c.name for c in d.children] == [f"Tổ dân phố {i}" for i in (1, 2, 3, 10, 11)]


def test_the_city_table_wraps_its_headers_and_explains_overlapping_counts(client, surveyed):
    w = surveyed
    client.force_login(w["personas"]["city_officer"])
    body = client.get(reverse("reviews:dashboard", args=[w["round"].pk, w["city"].code])).content.decode()
    summary = body[body.index('id="summary"') : body.index('id="standards"')]
    assert "dash-table-fit" in summary
    assert '<th colspan="4"' in summary  # one header per standard over its four columns
    assert '<abbr title="Tỷ lệ hộ nghèo">%</abbr>' in summary
    assert "có thể nay là hộ cận nghèo và được tính ở cả hai cột" in summary
    css = (settings.BASE_DIR / "static" / "css" / "dashboard.css").read_text()
    assert ".dash-table-fit th" in css and "white-space: normal" in css
