"""The duplicate review: the rule (same ID number; same folded name and birth date across households),
the maintained table, the decisions (distinct, merge, withdraw) and the page."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from households import duplicates
from households.duplicates import (
    duplicate_mark_distinct,
    duplicate_merge,
    duplicate_withdraw,
    duplicates_rebuild,
    duplicates_refresh,
)
from households.models import DuplicateCandidate, DuplicateDecision, Household, Member
from households.names import name_key
from households.services import household_create, household_update, member_move
from tests.households.test_importing import workbook_bytes

pytestmark = pytest.mark.django_db

Status = DuplicateCandidate.Status
Kind = DuplicateCandidate.Kind
ID_1980_MALE = "048080001234"  # Đà Nẵng, male, born 1980: consistent with the members below


def person(name, born=date(1980, 1, 1), id_number="", sex="male", relationship="head", **extra):
    return {
        "full_name": name,
        "date_of_birth": born,
        "sex": sex,
        "relationship": relationship,
        "id_number": id_number,
        "ethnicity": "01",
        **extra,
    }


def household(village, code, *people):
    return household_create(village=village, code=code, address=f"{code} street", members=list(people))


def only_member(code):
    return Member.objects.get(household__code=code, left_on__isnull=True, relationship="head")


def candidates():
    return list(DuplicateCandidate.objects.order_by("id"))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nguyễn Văn Nam", "nguyen van nam"),
        ("Nguyễn Văn  Nam ", "NGUYEN VAN NAM"),
        ("Đặng Thị Thu Hà", "dang thi thu ha"),
        ("Trần\tĐức Đạt", "tran duc dat"),
    ],
)
def test_names_match_with_diacritics_d_case_and_spacing_folded(a, b):
    assert name_key(a) == name_key(b)


def test_a_different_name_keeps_a_different_key():
    assert name_key("Nguyễn Văn Nam") != name_key("Nguyễn Văn Năm Anh")


# --- the rule --------------------------------------------------------------------------------------


def test_the_same_id_number_in_two_households_is_a_candidate(territory):
    household(territory["village"], "HH-1", person("Nguyễn Văn An", id_number=ID_1980_MALE))
    household(territory["rural_village"], "HH-R", person("Lê Văn Bình", id_number=ID_1980_MALE))
    [candidate] = candidates()
    assert candidate.kind == Kind.ID_NUMBER
    assert candidate.status == Status.OPEN
    assert ID_1980_MALE not in candidate.key  # the table keeps a digest, not a second copy of the number


def test_the_same_folded_name_and_birth_date_across_households_is_a_candidate(territory):
    household(territory["village"], "HH-1", person("Nguyễn Văn Nam", id_number=ID_1980_MALE))
    household(territory["other_village"], "HH-2", person("nguyen  van NAM"))  # no ID number recorded
    [candidate] = candidates()
    assert candidate.kind == Kind.NAME_BIRTH
    assert candidate.key == "nguyen van nam|1980-01-01"


def test_the_same_name_with_another_birth_date_is_not_a_candidate(territory):
    household(territory["village"], "HH-1", person("Nguyễn Văn Nam"))
    household(territory["other_village"], "HH-2", person("Nguyễn Văn Nam", born=date(1980, 1, 2)))
    assert candidates() == []


def test_one_pair_found_by_both_rules_is_one_candidate_of_the_id_number_rule(territory):
    household(territory["village"], "HH-1", person("Nguyễn Văn Nam", id_number=ID_1980_MALE))
    household(territory["other_village"], "HH-2", person("Nguyen Van Nam", id_number=ID_1980_MALE))
    [candidate] = candidates()
    assert candidate.kind == Kind.ID_NUMBER


def test_a_corrected_id_number_makes_the_pair_no_longer_matching_and_the_rebuild_agrees(territory):
    household(territory["village"], "HH-1", person("Nguyễn Văn An", id_number=ID_1980_MALE))
    other = household(territory["rural_village"], "HH-R", person("Lê Văn Bình", id_number=ID_1980_MALE))
    member = only_member("HH-R")
    household_update(
        household=other, read_version=other.version, data={}, members=[{"id": member.pk, "id_number": "048080004321"}]
    )
    [candidate] = candidates()
    assert candidate.status == Status.GONE
    assert duplicates_rebuild().found == 0
    assert candidates()[0].status == Status.GONE


def test_the_command_finds_pairs_written_past_the_services_and_twice_changes_nothing(territory):
    household(territory["village"], "HH-1", person("Nguyễn Văn An"))
    household(territory["rural_village"], "HH-R", person("Lê Văn Bình"))
    Member.objects.update(id_number=ID_1980_MALE)  # a repair by hand: no refresh
    assert candidates() == []
    call_command("find_duplicates", verbosity=0)
    assert [c.kind for c in candidates()] == [Kind.ID_NUMBER]
    assert duplicates_rebuild().found == 0


def test_the_import_keeps_the_name_key_and_finds_its_pairs(territory):
    from households.importing import households_import

    household(territory["village"], "HH-1", person("Nguyễn Văn Nam", born=date(1980, 9, 5)))
    row = ["IMP-1", territory["other_village"].code, "1 Lê Lợi", "", "Không", "", "NGUYEN VAN NAM", "05/09/1980", "Nam"]
    result = households_import(file=workbook_bytes([[*row, "Kinh", "Chủ hộ", ""]]), unit=territory["ward"])
    assert not result.errors
    assert only_member("IMP-1").name_key == "nguyen van nam"
    [candidate] = candidates()
    assert candidate.kind == Kind.NAME_BIRTH


def test_the_demo_seed_writes_the_name_key_of_every_member(territory):
    from households.demo import seed_households

    seed_households(total=6, seed=3)
    members = list(Member.objects.all())
    assert members
    assert all(m.name_key == name_key(m.full_name) for m in members)


def test_the_data_migration_fills_the_key_of_members_recorded_before_it(territory):
    import importlib

    from django.apps import apps

    household(territory["village"], "HH-1", person("Đỗ Thị Ánh"))
    Member.objects.update(name_key="")
    importlib.import_module("households.migrations.0015_member_name_key_fill").fill(apps, None)
    assert only_member("HH-1").name_key == "do thi anh"


# --- decisions ------------------------------------------------------------------------------------


@pytest.fixture
def pair(territory):
    """One person recorded in two villages of ward 20236, the second time with a mistyped birth date
    but the same ID number."""
    household(territory["village"], "HH-1", person("Nguyễn Văn Nam", id_number=ID_1980_MALE))
    household(
        territory["other_village"],
        "HH-2",
        person("Nguyễn Thị Lan", sex="female", born=date(1982, 3, 3)),
        person("Nguyen Van Nam", born=date(1980, 1, 10), id_number=ID_1980_MALE, relationship="spouse"),
    )
    [candidate] = candidates()
    return candidate


def test_a_dismissed_pair_stays_dismissed_after_a_refresh_and_an_unrelated_edit(pair, personas):
    duplicate_mark_distinct(
        user=personas["ward_officer"], candidate=pair, read_version=pair.version, reason="Hai người khác nhau"
    )
    duplicates_rebuild()
    member = Member.objects.get(household__code="HH-2", relationship="spouse")
    house = member.household
    household_update(
        household=house,
        read_version=house.version,
        data={"address": "Số 2 đường B"},
        members=[{"id": member.pk, "education": Member.Education.UPPER_SECONDARY}],
    )
    duplicates_refresh(member_ids=[pair.member_a_id, pair.member_b_id])
    [candidate] = candidates()
    assert candidate.status == Status.DISTINCT
    assert candidate.decided_by == personas["ward_officer"]
    assert DuplicateDecision.objects.get().action == DuplicateDecision.Action.DISTINCT


def test_a_dismissed_pair_stays_dismissed_when_the_member_moves_to_another_household(pair, personas, territory):
    duplicate_mark_distinct(user=personas["ward_officer"], candidate=pair, read_version=pair.version, reason="Khác người")
    household(territory["village"], "HH-3", person("Trần Văn Ba", born=date(1970, 1, 1)))
    spouse = Member.objects.get(household__code="HH-2", relationship="spouse")
    member_move(member=spouse, to=Household.objects.get(code="HH-3"), relationship="other")
    assert {c.status for c in candidates()} == {Status.DISTINCT}


def test_a_merge_keeps_the_chosen_household_and_needs_a_choice_for_each_differing_value(pair, personas):
    officer = personas["ward_officer"]
    a, b = pair.member_a, pair.member_b
    with pytest.raises(ValidationError) as refused:
        duplicate_merge(user=officer, candidate=pair, read_version=pair.version, keep_id=a.pk, choices={}, reason="Một người")
    assert set(refused.value.message_dict) == {"full_name", "date_of_birth"}
    pair.refresh_from_db()
    assert pair.status == Status.OPEN  # refused: nothing written

    kept = duplicate_merge(
        user=officer,
        candidate=pair,
        read_version=pair.version,
        keep_id=a.pk,
        choices={"full_name": "a", "date_of_birth": "b"},
        reason="Cùng một người, đăng ký hai lần",
    )
    assert kept.pk == a.pk
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.household.code, a.full_name, a.date_of_birth, a.is_active) == ("HH-1", "Nguyễn Văn Nam", date(1980, 1, 10), True)
    assert (b.left_reason, b.merged_into_id, b.is_active) == (Member.LeftReason.MERGED, a.pk, False)
    assert b.full_name == "Nguyen Van Nam"  # the closed record keeps what it said
    pair.refresh_from_db()
    assert (pair.status, pair.kept_id) == (Status.MERGED, a.pk)
    decision = DuplicateDecision.objects.get()
    assert decision.data["changed"] == {"date_of_birth": ["1980-01-01", "1980-01-10"]}
    # The household's history shows the change and the decision, with who.
    history = a.history.order_by("-history_date").first()
    assert history.history_user == officer


def test_merging_two_records_that_agree_needs_no_choice(territory, personas):
    household(territory["village"], "HH-1", person("Nguyễn Văn Nam", id_number=ID_1980_MALE))
    household(territory["other_village"], "HH-2", person("Nguyễn Văn Nam", id_number=ID_1980_MALE))
    [candidate] = candidates()
    duplicate_merge(
        user=personas["ward_officer"],
        candidate=candidate,
        read_version=candidate.version,
        keep_id=candidate.member_b_id,
        choices={},
        reason="Một người",
    )
    assert Member.objects.get(pk=candidate.member_a_id).left_reason == Member.LeftReason.MERGED


def test_withdrawing_a_merge_brings_the_record_back_and_puts_the_values_back(pair, personas):
    officer = personas["ward_officer"]
    duplicate_merge(
        user=officer,
        candidate=pair,
        read_version=pair.version,
        keep_id=pair.member_a_id,
        choices={"full_name": "b", "date_of_birth": "b"},
        reason="Một người",
    )
    pair.refresh_from_db()
    duplicate_withdraw(user=officer, candidate=pair, read_version=pair.version, reason="Nhầm")
    a = Member.objects.get(pk=pair.member_a_id)
    b = Member.objects.get(pk=pair.member_b_id)
    assert (a.full_name, a.date_of_birth) == ("Nguyễn Văn Nam", date(1980, 1, 1))
    assert (b.is_active, b.left_reason, b.merged_into_id) == (True, "", None)
    pair.refresh_from_db()
    assert pair.status == Status.OPEN
    assert [d.action for d in DuplicateDecision.objects.order_by("id")] == ["merge", "withdraw"]


def test_withdrawing_a_dismissal_opens_the_pair_again(pair, personas):
    officer = personas["ward_officer"]
    duplicate_mark_distinct(user=officer, candidate=pair, read_version=pair.version, reason="Khác người")
    duplicate_withdraw(user=officer, candidate=pair, read_version=pair.version, reason="Xem lại")  # read after the decision
    pair.refresh_from_db()
    assert (pair.status, pair.decided_by) == (Status.OPEN, None)


def test_the_later_of_two_decisions_on_one_pair_is_refused(pair, personas, client_for):
    read_version = pair.version  # both officers opened the page at this version
    duplicate_mark_distinct(user=personas["ward_officer"], candidate=pair, read_version=read_version, reason="Khác người")
    with pytest.raises(ValidationError) as refused:
        duplicate_merge(
            user=personas["ward_officer"],
            candidate=pair,
            read_version=read_version,
            keep_id=pair.member_a_id,
            choices={"full_name": "a", "date_of_birth": "a"},
            reason="Một người",
        )
    assert refused.value.code == "stale"
    assert Member.objects.get(pk=pair.member_b_id).is_active
    # Through the page: the refusal in Vietnamese.
    client = client_for(personas["ward_officer"])
    response = client.post(
        reverse("households:duplicate_distinct", args=[pair.pk]),
        {"distinct-version": read_version, "distinct-reason": "Khác người"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    with translation.override("vi"):
        assert "Người khác đã quyết định" in response.content.decode()


def test_a_pair_across_two_wards_is_seen_by_both_and_each_closes_only_its_own_record(territory, personas, client_for):
    household(territory["village"], "HH-1", person("Nguyễn Văn Nam", id_number=ID_1980_MALE))
    household(territory["rural_village"], "HH-R", person("Nguyen Van Nam", born=date(1980, 2, 2), id_number=ID_1980_MALE))
    [candidate] = candidates()
    for officer in ("ward_officer", "commune_officer"):
        response = client_for(personas[officer]).get(reverse("households:duplicate_detail", args=[candidate.pk]))
        assert response.status_code == 200
    ward = personas["ward_officer"]
    here, there = candidate.member_a, candidate.member_b
    with pytest.raises(ValidationError) as refused:  # closing the commune's record
        duplicate_merge(user=ward, candidate=candidate, read_version=candidate.version, keep_id=here.pk, choices={}, reason="x")
    assert refused.value.code == "closed_outside"
    with pytest.raises(ValidationError) as refused:  # keeping the commune's record but changing its value
        duplicate_merge(
            user=ward,
            candidate=candidate,
            read_version=candidate.version,
            keep_id=there.pk,
            choices={"full_name": "a", "date_of_birth": "a"},
            reason="x",
        )
    assert refused.value.code == "kept_outside"
    duplicate_merge(
        user=ward,
        candidate=candidate,
        read_version=candidate.version,
        keep_id=there.pk,
        choices={"full_name": "b", "date_of_birth": "b"},
        reason="Đã chuyển về xã Hòa Bắc",
    )
    assert Member.objects.get(pk=here.pk).left_reason == Member.LeftReason.MERGED


def test_another_wards_pair_is_not_found(pair, personas, client_for):
    client = client_for(personas["commune_officer"])
    assert client.get(reverse("households:duplicate_detail", args=[pair.pk])).status_code == 404
    response = client.post(
        reverse("households:duplicate_distinct", args=[pair.pk]), {"distinct-version": 1, "distinct-reason": "x"}
    )
    assert response.status_code == 404
    assert client.get(reverse("households:data_quality")).context["rows"] == []
    pair.refresh_from_db()
    assert pair.status == Status.OPEN


def test_deciding_through_the_pages(pair, personas, client_for):
    client = client_for(personas["ward_officer"])
    page = client.get(reverse("households:duplicate_detail", args=[pair.pk]))
    assert ID_1980_MALE in page.content.decode()  # the ward officer sees the area's full numbers (logged)
    url = reverse("households:duplicate_merge", args=[pair.pk])
    data = {"merge-version": pair.version, "merge-keep": pair.member_a_id, "merge-reason": "Một người"}
    response = client.post(url, data)
    assert response.status_code == 200  # the differing values were not chosen
    assert response.context["merge_form"].errors.keys() == {"value_full_name", "value_date_of_birth"}
    response = client.post(url, {**data, "merge-value_full_name": "a", "merge-value_date_of_birth": "a"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == Status.MERGED
    history = client.get(reverse("households:detail", args=["HH-1"])).context["history"]
    assert any("Một người" in str(c.fields) for c in history)


def test_district_and_city_officers_read_the_page_and_cannot_decide(pair, personas, client_for):
    for name in ("district_officer", "city_officer", "statistician"):
        client = client_for(personas[name])
        page = client.get(reverse("households:duplicate_detail", args=[pair.pk]))
        assert page.status_code == 200
        assert "distinct_form" not in page.context
        assert ID_1980_MALE not in page.content.decode()
        response = client.post(reverse("households:duplicate_distinct", args=[pair.pk]), {})
        assert response.status_code == 403


# --- the page -------------------------------------------------------------------------------------


def make_pairs(territory, n):
    """``n`` pairs of namesakes, one record in each village of ward 20236 (written in bulk, then found)."""
    villages = (territory["village"], territory["other_village"])
    households, members = [], []
    for i in range(n):
        for v, village in enumerate(villages):
            households.append(Household(code=f"P{i}-{v}", village=village, address="-"))
    Household.objects.bulk_create(households)
    for h in Household.objects.filter(code__startswith="P"):
        i = int(h.code[1:].split("-")[0])
        name = f"Nguyễn Văn Tên{i}"
        members.append(
            Member(
                household=h,
                full_name=name,
                name_key=name_key(name),
                date_of_birth=date(1980, 1, 1),
                sex="male",
                relationship="head",
            )
        )
    Member.objects.bulk_create(members)
    duplicates_rebuild()
    assert DuplicateCandidate.objects.count() == n


@pytest.mark.parametrize("n", [3, 30])
def test_the_page_costs_the_same_queries_whatever_the_number_of_pairs(
    territory, personas, client_for, django_assert_max_num_queries, n
):
    make_pairs(territory, n)
    client = client_for(personas["ward_officer"])
    client.get(reverse("households:data_quality"))  # warm the session
    # session, user, assignment (scope), the counts, the page's count, one page of pairs
    with django_assert_max_num_queries(6):
        response = client.get(reverse("households:data_quality"))
    assert len(response.context["rows"]) == n


def test_a_full_page_is_well_under_150_kb(territory, personas, client_for):
    make_pairs(territory, 60)
    response = client_for(personas["ward_officer"]).get(reverse("households:data_quality"))
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.num_pages == 2
    assert len(response.content) < 150_000 / 2


def test_the_page_filters_by_rule_and_decision(pair, personas, client_for, territory):
    household(territory["village"], "HH-5", person("Phạm Thị Hoa", sex="female", born=date(1990, 5, 5)))
    household(territory["other_village"], "HH-6", person("Pham Thi Hoa", sex="female", born=date(1990, 5, 5)))
    duplicate_mark_distinct(user=personas["ward_officer"], candidate=pair, read_version=pair.version, reason="Khác người")
    client = client_for(personas["ward_officer"])
    url = reverse("households:data_quality")

    def kinds(**query):
        return [c.kind for c, _a, _b in client.get(url, query).context["rows"]]

    assert kinds() == [Kind.NAME_BIRTH]
    assert kinds(state="decided") == [Kind.ID_NUMBER]
    assert sorted(kinds(state="all")) == [Kind.ID_NUMBER, Kind.NAME_BIRTH]
    assert kinds(state="all", kind=Kind.ID_NUMBER) == [Kind.ID_NUMBER]
    counts = {label: (o, d) for label, o, d in client.get(url).context["counts_by_kind"]}
    assert counts == {Kind.ID_NUMBER.label: (0, 1), Kind.NAME_BIRTH.label: (1, 0)}


def test_two_refreshes_of_the_same_members_leave_one_row_per_pair(pair):
    before = duplicates.duplicates_refresh(member_ids=[pair.member_a_id])
    again = duplicates.duplicates_refresh(member_ids=[pair.member_a_id, pair.member_b_id])
    assert (before.found, again.found) == (0, 0)
    assert DuplicateCandidate.objects.count() == 1
