"""The tampering class of the URL × persona tests: ids sent by the browser.

Every form that posts ids of existing rows is posted with ids of another area's or another object's
rows (also ticked DELETE); the tables it could write are compared before and after, row by row, and
must not have changed. Also: a section saved without the version it was read at is refused, and an
assignment that has ended gives no access.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import Assignment, Household, Member
from reviews.models import Case, CaseMember, Transition, VillageList
from tests.conftest import make_household
from tests.reviews import conftest as review_fixtures

pytestmark = pytest.mark.django_db

# The review world of tests/reviews (an open 2026 round over the test territory), shared here.
standards = review_fixtures.standards
review = review_fixtures.review

FOREIGN_ROW = "không thuộc hồ sơ này"
MISSING_VERSION = "thiếu phiên bản"


def snapshot(*models) -> dict:
    """Every row of every table, every column: what "nothing changed" is checked against."""
    return {model.__name__: sorted(model.objects.order_by("pk").values_list()) for model in models}


# ----------------------------------------------------------------------------- survey: members section


def members_post(case, rows=None, read_version=True) -> dict:
    """The members section as the page posts it: one form per member of ``case``, then an empty one."""
    rows = list(case.members.order_by("id")) if rows is None else rows
    data = {
        "m-TOTAL_FORMS": str(len(rows) + 1),
        "m-INITIAL_FORMS": str(len(rows)),
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "1000",
    }
    if read_version:
        case.refresh_from_db()
        data["read_version"] = str(case.version)
    for i, m in enumerate(rows):
        data.update(
            {
                f"m-{i}-id": str(m.pk),
                f"m-{i}-full_name": m.full_name,
                f"m-{i}-date_of_birth": m.date_of_birth.isoformat(),
                f"m-{i}-sex": m.sex,
                f"m-{i}-schooling": m.schooling or "none",
                f"m-{i}-education": m.education or "none",
                f"m-{i}-employment": m.employment or "other_not_working",
                f"m-{i}-working_capacity": m.working_capacity or "full",
                f"m-{i}-nutrition": m.nutrition or "normal",
            }
        )
        if m.has_health_insurance:
            data[f"m-{i}-has_health_insurance"] = "on"
    return data


def screened(case, user):
    from reviews import services

    case.refresh_from_db()
    services.case_screen(case=case, user=user, items_met=[], read_version=case.version)
    case.refresh_from_db()
    return case


SURVEY_TABLES = (CaseMember, Case, Transition)


@pytest.mark.parametrize("target", ["another area's case", "another case of the same village"])
@pytest.mark.parametrize("action", ["overwrite", "delete"])
def test_a_members_post_naming_a_member_of_another_case_changes_nothing(client_for, review, target, action):
    p = review["personas"]
    case = screened(review["cases"]["a"], p["village_head"])
    other = review["cases"]["r"] if target == "another area's case" else review["cases"]["b"]
    victim = other.members.order_by("id").first()
    data = members_post(case)
    # The first form now names the other case's member; the page's own rows stay as they are.
    data["m-0-id"] = str(victim.pk)
    data["m-0-full_name"] = "Kẻ Gian"
    if action == "delete":
        data["m-0-DELETE"] = "on"
    before = snapshot(*SURVEY_TABLES)

    response = client_for(p["village_head"]).post(reverse("reviews:case_survey", args=[case.pk, "members"]), data)

    assert response.status_code == 200
    assert snapshot(*SURVEY_TABLES) == before
    assert FOREIGN_ROW in response.content.decode()


def test_a_members_post_naming_another_case_on_a_locked_list_changes_nothing(client_for, review):
    """The other village's list has been submitted: its members are out of everyone's reach but the ward's."""
    p = review["personas"]
    case = screened(review["cases"]["a"], p["village_head"])
    VillageList.objects.filter(round=review["round"], village=review["other_village"]).update(status=VillageList.Status.SUBMITTED)
    victim = review["cases"]["c"].members.get()
    data = members_post(case) | {"m-1-id": str(victim.pk), "m-1-DELETE": "on"}
    before = snapshot(*SURVEY_TABLES)

    response = client_for(p["village_head"]).post(reverse("reviews:case_survey", args=[case.pk, "members"]), data)

    assert snapshot(*SURVEY_TABLES) == before
    assert FOREIGN_ROW in response.content.decode()


def test_an_added_member_row_carrying_an_existing_id_changes_nothing(client_for, review):
    p = review["personas"]
    case = screened(review["cases"]["a"], p["village_head"])
    victim = review["cases"]["r"].members.order_by("id").first()
    data = members_post(case)
    n = len(case.members.all())
    data |= {f"m-{n}-id": str(victim.pk), f"m-{n}-full_name": "Kẻ Gian", f"m-{n}-date_of_birth": "1990-01-01"}
    data |= {f"m-{n}-sex": "male", f"m-{n}-schooling": "none", f"m-{n}-education": "none"}
    data |= {f"m-{n}-employment": "self_employed", f"m-{n}-working_capacity": "full", f"m-{n}-nutrition": "normal"}
    before = snapshot(*SURVEY_TABLES)

    response = client_for(p["village_head"]).post(reverse("reviews:case_survey", args=[case.pk, "members"]), data)

    assert snapshot(*SURVEY_TABLES) == before
    assert FOREIGN_ROW in response.content.decode()


def test_the_live_preview_ignores_a_member_of_another_case(client_for, review):
    p = review["personas"]
    case = screened(review["cases"]["a"], p["village_head"])
    victim = review["cases"]["r"].members.order_by("id").first()
    data = members_post(case) | {"m-0-id": str(victim.pk)}
    before = snapshot(*SURVEY_TABLES)

    response = client_for(p["village_head"]).post(reverse("reviews:case_preview", args=[case.pk, "members"]), data)

    assert response.status_code == 200
    assert snapshot(*SURVEY_TABLES) == before


def test_the_members_section_saved_without_its_read_version_is_refused(client_for, review):
    p = review["personas"]
    case = screened(review["cases"]["a"], p["village_head"])
    data = members_post(case, read_version=False)
    data["m-0-full_name"] = "Tên Mới"
    before = snapshot(*SURVEY_TABLES)

    response = client_for(p["village_head"]).post(reverse("reviews:case_survey", args=[case.pk, "members"]), data)

    assert response.status_code == 200
    assert snapshot(*SURVEY_TABLES) == before
    assert MISSING_VERSION in response.content.decode()


def test_a_survey_section_saved_without_its_read_version_says_why(client_for, review):
    p = review["personas"]
    case = screened(review["cases"]["a"], p["village_head"])
    data = {"durable_walls": "on", "durable_columns": "on", "durable_roof": "on", "floor_area_m2": "80"}
    before = snapshot(*SURVEY_TABLES)

    response = client_for(p["village_head"]).post(reverse("reviews:case_survey", args=[case.pk, "housing"]), data)

    assert response.status_code == 200
    assert snapshot(*SURVEY_TABLES) == before
    assert MISSING_VERSION in response.content.decode()


# ----------------------------------------------------------------------------- households: edit form

HOUSEHOLD_TABLES = (Member, Household)
MEMBER_DEFAULTS = {
    "ethnicity": "01",
    "schooling": "none",
    "education": "none",
    "employment": "other_not_working",
    "working_capacity": "full",
    "nutrition": "normal",
}


def member_fields(i, m: Member, **changes) -> dict:
    fields = MEMBER_DEFAULTS | {
        "id": m.pk,
        "household": m.household_id,
        "full_name": m.full_name,
        "date_of_birth": m.date_of_birth.strftime("%d/%m/%Y"),
        "sex": m.sex,
        "relationship": m.relationship,
        "id_number": m.id_number,
        "ethnicity": m.ethnicity,
    }
    return {f"members-{i}-{k}": v for k, v in (fields | changes).items()}


def edit_post(household: Household, rows: list[Member], **changes) -> dict:
    data = {
        "village": household.village_id,
        "address": household.address,
        "version": household.version,
        "members-TOTAL_FORMS": str(len(rows)),
        "members-INITIAL_FORMS": str(len(rows)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(rows):
        data |= member_fields(i, m)
    return data | changes


@pytest.fixture
def households(territory):
    return {
        "own": make_household(territory["village"], "HH-1", members=2),
        "neighbour": make_household(territory["village"], "HH-2", members=2),
        "other_area": make_household(territory["rural_village"], "HH-R", members=2),
    }


@pytest.mark.parametrize("target", ["neighbour", "other_area"])
def test_a_household_edit_naming_a_member_of_another_household_changes_nothing(client_for, personas, households, target):
    own = households["own"]
    victim = households[target].members.get(relationship="child")
    head = own.members.get(relationship="head")
    data = edit_post(own, [head, victim])
    data["members-1-household"] = own.pk
    data["members-1-full_name"] = "Kẻ Gian"
    before = snapshot(*HOUSEHOLD_TABLES)

    response = client_for(personas["village_head"]).post(reverse("households:edit", args=[own.code]), data)

    assert response.status_code == 200
    assert snapshot(*HOUSEHOLD_TABLES) == before
    assert FOREIGN_ROW in response.content.decode()


def test_a_household_edit_naming_its_own_member_twice_changes_nothing(client_for, personas, households):
    own = households["own"]
    head = own.members.get(relationship="head")
    data = edit_post(own, [head, head])
    data["members-1-full_name"] = "Người Thứ Hai"
    data["members-1-relationship"] = "child"
    before = snapshot(*HOUSEHOLD_TABLES)

    response = client_for(personas["village_head"]).post(reverse("households:edit", args=[own.code]), data)

    assert response.status_code == 200
    assert snapshot(*HOUSEHOLD_TABLES) == before


def test_a_new_household_posting_an_existing_members_id_changes_nothing(client_for, personas, households, territory):
    victim = households["other_area"].members.get(relationship="child")
    data = {
        "code": "HH-NEW",
        "village": territory["village"].pk,
        "address": "1 Lê Lợi",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    } | member_fields(0, victim, household="", relationship="head", full_name="Kẻ Gian")
    before = snapshot(*HOUSEHOLD_TABLES)

    response = client_for(personas["village_head"]).post(reverse("households:create"), data)

    assert response.status_code == 200
    assert snapshot(*HOUSEHOLD_TABLES) == before


def test_a_household_edit_without_its_version_is_refused_as_such(client_for, personas, households):
    own = households["own"]
    data = edit_post(own, list(own.members.order_by("id")), address="99 Trần Phú")
    del data["version"]
    before = snapshot(*HOUSEHOLD_TABLES)

    response = client_for(personas["village_head"]).post(reverse("households:edit", args=[own.code]), data)

    assert response.status_code == 200
    assert snapshot(*HOUSEHOLD_TABLES) == before
    assert MISSING_VERSION in response.content.decode()


def test_a_split_naming_members_of_another_household_changes_nothing(client_for, personas, households):
    own = households["own"]
    victims = list(households["other_area"].members.all())
    child = victims[1]
    before = snapshot(*HOUSEHOLD_TABLES)

    client_for(personas["village_head"]).post(
        reverse("households:split", args=[own.code]),
        {"code": "HH-1B", "members": [m.pk for m in victims], "new_head": child.pk},
    )

    assert snapshot(*HOUSEHOLD_TABLES) == before


@pytest.mark.parametrize("name", ["households:member_leave", "households:member_move", "households:reveal_id"])
def test_a_member_action_naming_another_households_member_answers_404(client_for, personas, households, name):
    own = households["own"]
    victim = households["neighbour"].members.get(relationship="child")
    before = snapshot(*HOUSEHOLD_TABLES)

    response = client_for(personas["village_head"]).post(
        reverse(name, args=[own.code, victim.pk]),
        {"left_on": "01/01/2026", "reason": "married", "to_code": "HH-1", "relationship": "child"},
    )

    assert response.status_code == 404
    assert snapshot(*HOUSEHOLD_TABLES) == before


# ----------------------------------------------------------------------------- ended assignments


def test_an_ended_assignment_gives_no_access_even_to_an_active_user(client, review):
    head = review["personas"]["village_head"]
    Assignment.objects.filter(user=head).update(ended_at=timezone.make_aware(timezone.datetime(2026, 11, 1)))
    head.is_active = True
    head.save()
    client.force_login(head)

    assert client.get(reverse("reviews:case_detail", args=[review["cases"]["a"].pk])).status_code == 404
    assert client.get(reverse("households:detail", args=["HH-A"])).status_code == 404
    assert client.get(reverse("households:list")).status_code == 403


def test_an_ended_assignment_cannot_save_a_survey(client, review):
    p = review["personas"]
    case = screened(review["cases"]["a"], p["village_head"])
    Assignment.objects.filter(user=p["village_head"]).update(ended_at=timezone.now())
    before = snapshot(*SURVEY_TABLES)
    client.force_login(p["village_head"])

    response = client.post(reverse("reviews:case_survey", args=[case.pk, "members"]), members_post(case))

    assert response.status_code == 404
    assert snapshot(*SURVEY_TABLES) == before


def test_an_account_action_without_its_version_is_refused_and_says_why(client_for, personas):
    head = personas["village_head"]
    before = snapshot(Assignment)

    response = client_for(personas["ward_officer"]).post(
        reverse("households:account_deactivate", args=[head.pk]), {"reason": "Chuyển công tác"}
    )

    assert response.status_code == 200
    assert snapshot(Assignment) == before
    assert MISSING_VERSION in response.content.decode()
