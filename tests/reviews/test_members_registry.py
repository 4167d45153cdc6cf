"""One list of members (issue 14 item 6): the survey starts from the register, and a member added, corrected
or no longer in the household in the survey reaches the register on the same save, with its history; the
cards ask only the questions of the person's age and confirm a removal."""

import re
from datetime import date

import pytest
from django.urls import reverse

from households.models import Household, Member
from reviews.models import CaseMember
from tests.reviews.test_survey_views import members_post

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 5)


@pytest.fixture
def screened(client, review, today_is):
    today_is(TODAY)
    client.force_login(review["personas"]["village_head"])
    case = review["cases"]["a"]
    client.post(reverse("reviews:case_screen", args=[case.pk]), {"read_version": case.version})
    case.refresh_from_db()
    return case


def save_members(client, case, data):
    case.refresh_from_db()
    data["read_version"] = str(case.version)
    return client.post(reverse("reviews:case_survey", args=[case.pk, "members"]), data)


def new_member(data, index, **values):
    data["m-TOTAL_FORMS"] = str(index + 1)
    row = {
        "full_name": "Trần Thị Bé",
        "date_of_birth": "2018-03-02",
        "sex": "female",
        "relationship": "grandchild",
        "has_health_insurance": "on",
        "schooling": "primary",
        "education": "none",
        "employment": "other_not_working",
        "working_capacity": "full",
        "nutrition": "normal",
        **values,
    }
    data.update({f"m-{index}-{k}": v for k, v in row.items()})
    return data


def test_a_member_added_in_the_survey_joins_the_register_on_saving(client, screened):
    case = screened
    household = case.household
    version = Household.objects.get(pk=household.pk).version
    data = members_post(case)
    response = save_members(client, case, new_member(data, case.members.count()))
    assert response.status_code == 302
    person = Member.objects.get(household=household, full_name="Trần Thị Bé")
    assert (person.date_of_birth, person.sex, person.relationship, person.left_on) == (
        date(2018, 3, 2),
        "female",
        "grandchild",
        None,
    )
    assert CaseMember.objects.get(case=case, full_name="Trần Thị Bé").member == person
    assert person.history.first().history_change_reason == f"Rà soát: {case.round.name}"
    assert Household.objects.get(pk=household.pk).version == version + 1  # an open household page is now stale
    # Saved again unchanged: nobody is added twice.
    assert save_members(client, case, members_post(case)).status_code == 302
    assert Member.objects.filter(household=household, full_name="Trần Thị Bé").count() == 1


def test_a_new_member_needs_the_relationship_and_nothing_is_saved_without_it(client, screened):
    case = screened
    data = new_member(members_post(case), case.members.count(), relationship="")
    response = save_members(client, case, data)
    assert response.status_code == 200
    assert "Chọn quan hệ với chủ hộ" in response.content.decode()
    assert not Member.objects.filter(full_name="Trần Thị Bé").exists()
    assert not CaseMember.objects.filter(full_name="Trần Thị Bé").exists()


def test_a_correction_in_the_survey_reaches_the_registered_person_and_only_what_changed(client, screened):
    case = screened
    first = case.members.order_by("id").first()
    person = first.member
    Member.objects.filter(pk=person.pk).update(id_number="048080000123")
    data = members_post(case)
    data["m-0-full_name"] = "Nguyễn Văn Sửa"
    data["m-0-date_of_birth"] = "1980-05-06"  # the ID number says 1980: the register checks it
    assert save_members(client, case, data).status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.date_of_birth, person.id_number) == ("Nguyễn Văn Sửa", date(1980, 5, 6), "048080000123")


def test_a_person_no_longer_in_the_household_leaves_the_register_with_the_reason(client, screened):
    case = screened
    second = case.members.order_by("id")[1]
    data = members_post(case)
    data["m-1-DELETE"] = "on"
    response = save_members(client, case, data)
    assert response.status_code == 200 and "Cho biết vì sao" in response.content.decode()  # the reason is asked
    assert Member.objects.get(pk=second.member_id).left_on is None
    data["m-1-left_reason"] = "moved"
    assert save_members(client, case, data).status_code == 302
    person = Member.objects.get(pk=second.member_id)
    assert (person.left_on, person.left_reason) == (TODAY, "moved")
    assert not CaseMember.objects.filter(pk=second.pk).exists()


def test_the_head_cannot_leave_in_the_survey_while_others_stay_and_nothing_changes(client, screened):
    case = screened
    head = case.members.order_by("id").first()
    data = members_post(case)
    data.update({"m-0-DELETE": "on", "m-0-left_reason": "died"})
    response = save_members(client, case, data)
    assert response.status_code == 200
    assert "trước khi chủ hộ rời hộ" in response.content.decode()
    assert CaseMember.objects.filter(pk=head.pk).exists() and Member.objects.get(pk=head.member_id).left_on is None


def test_cards_ask_only_the_questions_of_the_persons_age(client, screened):
    case = screened
    grandmother, child = list(case.members.order_by("id"))[:2]
    CaseMember.objects.filter(pk=grandmother.pk).update(full_name="Bà Nội", date_of_birth=date(1956, 1, 1))
    CaseMember.objects.filter(pk=child.pk).update(full_name="Bé Tám", date_of_birth=date(2018, 1, 1))
    body = client.get(reverse("reviews:case_survey", args=[case.pk, "members"])).content.decode()
    cards = {
        name: card for card in re.findall(r"<details.*?</details>", body, re.S) for name in ("Bà Nội", "Bé Tám") if name in card
    }

    def shown(card, fact):
        box = re.search(rf'<div data-fact="{fact}"[^>]*>', card).group(0)
        return " hidden" not in box

    assert "70 tuổi" in cards["Bà Nội"] and "8 tuổi" in cards["Bé Tám"]
    assert not shown(cards["Bà Nội"], "nutrition") and shown(cards["Bà Nội"], "working_capacity")
    assert shown(cards["Bé Tám"], "nutrition") and not shown(cards["Bé Tám"], "working_capacity")
    assert not shown(cards["Bé Tám"], "employment") and not shown(cards["Bé Tám"], "has_vocational_training")
    # Registered people leave with a confirmation; the add button adds a card without a round trip.
    assert "data-confirm=" in cards["Bà Nội"] and "Không còn sống trong hộ này" in cards["Bà Nội"]
    assert 'data-formset-add="m"' in body and '<template id="member-template">' in body


def test_a_member_added_in_the_survey_who_is_registered_elsewhere_is_a_duplicate_candidate(client, screened, review):
    from households.models import DuplicateCandidate
    from tests.conftest import make_household

    elsewhere = make_household(review["other_village"], "HH-ELSE", members=1)
    Member.objects.create(
        household=elsewhere, full_name="Tran Thi Be", date_of_birth=date(2018, 3, 2), sex="female", relationship="child"
    )
    case = screened
    assert save_members(client, case, new_member(members_post(case), case.members.count())).status_code == 302
    added = Member.objects.get(household=case.household, full_name="Trần Thị Bé")
    assert (
        DuplicateCandidate.objects.filter(member_a__in=[added], kind="name_birth").exists()
        or DuplicateCandidate.objects.filter(member_b__in=[added], kind="name_birth").exists()
    )
