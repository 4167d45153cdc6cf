"""Ward officers manage their village heads' accounts; a password someone else chose must be changed.

Personas (tests/conftest.py): ``ward_officer`` of ward 20236 (villages 20236-001 with ``head1`` and
20236-002 with ``head2``), ``commune_officer`` of commune 20293 (village 20293-001, no head), and one
officer per level above.
"""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from households import accounts
from households.models import AccountEvent, AdminUnit, Assignment
from tests.conftest import make_unit

User = get_user_model()


def head_of(user):
    return Assignment.objects.select_related("user", "unit").get(user=user)


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- services -----------------------------------------------------------------------------------------


def test_a_ward_officer_creates_a_village_head_with_a_temporary_password(territory, personas):
    village = territory["rural_village"]
    user, password = accounts.village_head_create(
        actor=personas["commune_officer"],
        village=village,
        username="thon1.hoabac",
        full_name="Lê  Văn   Tư",
        phone="0905 123 456",
    )
    assignment = head_of(user)
    assert (assignment.role, assignment.unit, assignment.phone) == ("village_head", village, "0905 123 456")
    assert assignment.must_change_password
    assert user.first_name == "Lê Văn Tư"
    assert user.check_password(password)
    assert password not in user.password  # only the hash is stored
    event = AccountEvent.objects.get(account=user)
    assert (event.action, event.actor, event.unit) == ("create", personas["commune_officer"], village)
    assert assignment.history.first().history_user == personas["commune_officer"]


def test_temporary_passwords_are_random_and_pass_the_validators():
    passwords = {accounts.temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) == 14 and p.count("-") == 2 for p in passwords)


def test_a_second_active_head_for_a_village_is_refused_in_vietnamese(territory, personas):
    with pytest.raises(ValidationError) as exc:
        accounts.village_head_create(
            actor=personas["ward_officer"], village=territory["village"], username="head1b", full_name="Trần Thị B"
        )
    assert "đã có" in exc.value.messages[0] and "head1" in exc.value.messages[0]
    assert not User.objects.filter(username="head1b").exists()


def test_the_database_also_refuses_two_current_heads_in_one_village(territory, personas):
    from django.db import IntegrityError, transaction

    user = User.objects.create_user("x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(user=user, role="village_head", unit=territory["village"])


def test_a_taken_username_is_refused(territory, personas):
    with pytest.raises(ValidationError) as exc:
        accounts.village_head_create(
            actor=personas["commune_officer"], village=territory["rural_village"], username="HEAD1", full_name="A"
        )
    assert "username" in exc.value.error_dict


def test_an_officer_of_another_ward_or_another_role_may_not_create(territory, personas):
    for actor in (personas["district_officer"], personas["village_head"]):
        with pytest.raises(PermissionDenied):
            accounts.village_head_create(actor=actor, village=territory["other_village"], username="new", full_name="A")
    with pytest.raises(Http404):  # another ward's village is not found
        accounts.village_head_create(
            actor=personas["commune_officer"], village=territory["other_village"], username="new", full_name="A"
        )


def test_a_reset_gives_a_new_temporary_password_and_forces_a_change(personas):
    head = head_of(personas["village_head"])
    password = accounts.account_password_reset(actor=personas["ward_officer"], assignment=head, read_version=1, reason="quên")
    head.refresh_from_db()
    head.user.refresh_from_db()
    assert head.user.check_password(password)
    assert head.must_change_password and head.version == 2
    assert AccountEvent.objects.filter(account=head.user, action="reset_password", reason="quên").exists()


def test_a_stale_action_is_refused(personas):
    head = head_of(personas["village_head"])
    accounts.account_password_reset(actor=personas["ward_officer"], assignment=head, read_version=1)
    other_officer_view = head_of(personas["village_head"])
    with pytest.raises(ValidationError) as exc:
        accounts.account_deactivate(actor=personas["ward_officer"], assignment=other_officer_view, read_version=1, reason="x")
    assert exc.value.code == "stale"
    assert User.objects.get(pk=head.user_id).is_active


def test_officer_accounts_are_out_of_reach(personas):
    with pytest.raises(PermissionDenied):  # in the ward, but not a village head's account
        accounts.account_password_reset(
            actor=personas["ward_officer"], assignment=head_of(personas["ward_officer"]), read_version=1
        )
    with pytest.raises(Http404):  # outside the ward: not found
        accounts.account_password_reset(
            actor=personas["ward_officer"], assignment=head_of(personas["district_officer"]), read_version=1
        )


def test_deactivating_keeps_the_user_and_frees_the_village(territory, personas):
    head = head_of(personas["village_head"])
    accounts.account_deactivate(actor=personas["ward_officer"], assignment=head, read_version=1, reason="Nghỉ hưu")
    head.refresh_from_db()
    assert head.ended_at is not None
    assert not User.objects.get(pk=head.user_id).is_active
    assert head.history.first().history_change_reason == "Nghỉ hưu"
    user, _password = accounts.village_head_create(
        actor=personas["ward_officer"], village=territory["village"], username="head1.new", full_name="B"
    )
    assert head_of(user).unit == territory["village"]


def test_a_head_deactivated_in_the_admin_can_still_be_handed_over(territory, personas):
    User.objects.filter(pk=personas["village_head"].pk).update(is_active=False)
    user, _password = accounts.village_hand_over(
        actor=personas["ward_officer"], village=territory["village"], read_version=1, username="n", full_name="N", reason="r"
    )
    assert head_of(personas["village_head"]).ended_at is not None
    assert Assignment.objects.current_heads().get(unit=territory["village"]).user == user


def test_a_deactivated_account_cannot_log_in(client, personas):
    head = head_of(personas["village_head"])
    accounts.account_deactivate(actor=personas["ward_officer"], assignment=head, read_version=1, reason="x")
    assert login(client, "head1", "pw-head1").status_code == 200  # the form again: refused


def test_hand_over_deactivates_the_old_head_and_creates_the_new_one(territory, personas):
    user, password = accounts.village_hand_over(
        actor=personas["ward_officer"],
        village=territory["village"],
        read_version=1,
        username="head1.2027",
        full_name="Phạm Văn C",
        reason="Quyết định 12/QĐ-UBND",
    )
    old = head_of(personas["village_head"])
    assert old.ended_at is not None and not old.user.is_active
    assert Assignment.objects.current_heads().get(unit=territory["village"]).user == user
    assert set(AccountEvent.objects.values_list("action", flat=True)) == {"hand_over", "create"}


def test_hand_over_is_all_or_nothing(territory, personas):
    with pytest.raises(ValidationError):
        accounts.village_hand_over(
            actor=personas["ward_officer"],
            village=territory["village"],
            read_version=1,
            username="head2",
            full_name="C",
            reason="r",
        )
    old = head_of(personas["village_head"])
    assert old.ended_at is None and old.user.is_active and old.version == 1
    assert not AccountEvent.objects.exists()


def test_the_password_is_in_no_history_event_or_log(personas, caplog):
    head = head_of(personas["village_head"])
    with caplog.at_level(logging.DEBUG):
        password = accounts.account_password_reset(actor=personas["ward_officer"], assignment=head, read_version=1)
    assert password not in caplog.text
    for row in head.history.values():
        assert password not in str(row)
    for row in AccountEvent.objects.values():
        assert password not in str(row)


# --- pages --------------------------------------------------------------------------------------------


def test_the_list_shows_each_village_with_its_head(client_for, territory, personas):
    response = client_for(personas["ward_officer"]).get(reverse("households:account_list", args=["20236"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "head1" in html and "head2" in html and "Tổ dân phố 1" in html
    assert "ward1</code>" not in html  # officers are not listed


@pytest.mark.parametrize("villages", [2, 20])
def test_the_list_costs_a_bounded_number_of_queries(client_for, territory, personas, villages, django_assert_max_num_queries):
    ward = territory["ward"]
    for i in range(3, villages + 1):
        village = make_unit(f"20236-{i:03d}", f"Tổ {i}", AdminUnit.Level.VILLAGE, ward)
        accounts.village_head_create(actor=personas["ward_officer"], village=village, username=f"h{i}", full_name=f"H {i}")
    client = client_for(personas["ward_officer"])
    # session, user, assignment (scope), the ward, its villages, their head accounts with users, which of them
    # are locked out (failed logins), recent events
    with django_assert_max_num_queries(8):
        response = client.get(reverse("households:account_list", args=["20236"]))
    assert response.content.decode().count("btn-outline-danger") == villages


@pytest.mark.parametrize(
    ("persona", "status"),
    [("ward_officer", 200), ("commune_officer", 404), ("district_officer", 403), ("city_officer", 403), ("village_head", 403)],
)
def test_who_reaches_the_accounts_of_ward_20236(client_for, personas, persona, status):
    client = client_for(personas[persona])
    assert client.get(reverse("households:account_list", args=["20236"])).status_code == status
    assert client.get(reverse("households:account_reset", args=[personas["village_head"].pk])).status_code == status


def test_acting_on_an_officer_account_is_forbidden(client_for, personas):
    client = client_for(personas["ward_officer"])
    for target in ("ward_officer", "district_officer"):
        assert client.get(reverse("households:account_reset", args=[personas[target].pk])).status_code in (403, 404)
    # Inside the ward: readable, but not a village head's account.
    assert (
        client.post(
            reverse("households:account_deactivate", args=[personas["ward_officer"].pk]), {"version": 1, "reason": "x"}
        ).status_code
        == 403
    )
    assert User.objects.get(pk=personas["ward_officer"].pk).is_active


def test_creating_shows_the_password_once_and_uncached(client_for, territory, personas):
    client = client_for(personas["commune_officer"])
    url = reverse("households:account_create", args=["20293-001"])
    response = client.post(url, {"username": "thon1", "full_name": "Lê Văn D", "phone": ""})
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert User.objects.get(username="thon1").check_password(password)
    again = client.post(url, {"username": "thon1b", "full_name": "Lê Văn D"})  # the reload of that page
    assert "password" not in again.context
    assert "đã có" in again.content.decode()


def test_a_reset_page_refuses_a_stale_form(client_for, personas):
    client = client_for(personas["ward_officer"])
    url = reverse("households:account_reset", args=[personas["village_head"].pk])
    first = client.post(url, {"version": 1, "reason": ""})
    assert first.status_code == 200 and "password" in first.context
    assert "no-store" in first["Cache-Control"]
    second = client.post(url, {"version": 1, "reason": ""})
    assert "password" not in second.context
    assert "thay đổi" in second.content.decode()


def test_deactivate_page(client_for, personas):
    client = client_for(personas["ward_officer"])
    url = reverse("households:account_deactivate", args=[personas["village_head"].pk])
    assert client.post(url, {"version": 1, "reason": ""}).status_code == 200  # reason required
    response = client.post(url, {"version": 1, "reason": "Chuyển đi"})
    assert response.status_code == 302
    assert not User.objects.get(pk=personas["village_head"].pk).is_active


def test_hand_over_page(client_for, territory, personas):
    client = client_for(personas["ward_officer"])
    url = reverse("households:account_hand_over", args=["20236-002"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": 1, "username": "head2.new", "full_name": "Võ Thị E", "reason": "Bầu lại"})
    assert response.status_code == 200 and "password" in response.context
    assert Assignment.objects.current_heads().get(unit=territory["other_village"]).user.username == "head2.new"


def test_hand_over_without_a_head_leads_to_create(client_for, territory, personas):
    response = client_for(personas["commune_officer"]).get(reverse("households:account_hand_over", args=["20293-001"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("households:account_create", args=["20293-001"])


# --- forced password change ---------------------------------------------------------------------------


@pytest.fixture
def new_head(territory, personas):
    user, password = accounts.village_head_create(
        actor=personas["commune_officer"], village=territory["rural_village"], username="thon1", full_name="Lê Văn D"
    )
    return user, password


def test_a_new_head_is_sent_to_change_their_password_everywhere(client, new_head):
    user, password = new_head
    assert login(client, user.username, password).status_code == 302
    change = reverse("password_change")
    for url in (reverse("home"), reverse("households:list"), reverse("policies:calculator"), "/rounds/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == change, url
    assert client.get(change).status_code == 200
    assert client.get(reverse("households:list"), headers={"HX-Request": "true"})["HX-Redirect"] == change
    assert client.get("/static/css/portal.css").status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_the_same_password_is_refused_and_a_new_one_frees_the_user(client, new_head):
    user, password = new_head
    login(client, user.username, password)
    change = reverse("password_change")
    same = client.post(change, {"old_password": password, "new_password1": password, "new_password2": password})
    assert same.status_code == 200
    weak = client.post(change, {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200  # Django's validators apply
    response = client.post(change, {"old_password": password, "new_password1": "Hoa-sen-2026!", "new_password2": "Hoa-sen-2026!"})
    assert response.status_code == 302
    assert not head_of(user).must_change_password
    assert client.get(reverse("households:list")).status_code == 200
    assert AccountEvent.objects.filter(account=user, action="password_changed", actor=user).exists()


def test_users_whose_password_nobody_else_set_are_not_forced(client_for, personas):
    assert client_for(personas["village_head"]).get(reverse("households:list")).status_code == 200


# --- reactivation -------------------------------------------------------------------------------------


def test_a_deactivated_head_is_reactivated_with_a_new_temporary_password(client, territory, personas):
    head = head_of(personas["village_head"])
    accounts.account_deactivate(actor=personas["ward_officer"], assignment=head, read_version=1, reason="Nhầm")
    head.refresh_from_db()
    password = accounts.account_reactivate(
        actor=personas["ward_officer"], assignment=head, read_version=head.version, reason="Khóa nhầm tài khoản"
    )
    head.refresh_from_db()
    assert head.ended_at is None and head.user.is_active and head.must_change_password
    assert head.user.check_password(password) and not head.user.check_password("pw-head1")
    assert Assignment.objects.current_heads().get(unit=territory["village"]).user == head.user
    event = AccountEvent.objects.filter(account=head.user).order_by("-id").first()
    assert (event.action, event.actor, event.reason) == ("reactivate", personas["ward_officer"], "Khóa nhầm tài khoản")
    assert login(client, "head1", password).status_code == 302


def test_a_former_head_is_not_reactivated_while_the_village_has_another(territory, personas):
    accounts.village_hand_over(
        actor=personas["ward_officer"], village=territory["village"], read_version=1, username="moi", full_name="M", reason="r"
    )
    old = head_of(personas["village_head"])
    with pytest.raises(ValidationError) as refused:
        accounts.account_reactivate(actor=personas["ward_officer"], assignment=old, read_version=old.version, reason="x")
    assert "moi" in refused.value.messages[0]
    old.refresh_from_db()
    assert old.ended_at is not None and not old.user.is_active


def test_reactivation_needs_a_deactivated_account_a_reason_and_a_fresh_page(personas):
    head = head_of(personas["village_head"])
    with pytest.raises(ValidationError):  # still active
        accounts.account_reactivate(actor=personas["ward_officer"], assignment=head, read_version=head.version, reason="x")
    accounts.account_deactivate(actor=personas["ward_officer"], assignment=head, read_version=1, reason="y")
    head.refresh_from_db()
    with pytest.raises(ValidationError):  # no reason
        accounts.account_reactivate(actor=personas["ward_officer"], assignment=head, read_version=head.version, reason=" ")
    with pytest.raises(ValidationError):  # read before the deactivation
        accounts.account_reactivate(actor=personas["ward_officer"], assignment=head, read_version=1, reason="z")
    with pytest.raises(Http404):  # another ward's officer: not found
        accounts.account_reactivate(actor=personas["commune_officer"], assignment=head, read_version=head.version, reason="z")
    head.refresh_from_db()
    assert head.ended_at is not None


def test_reactivate_page_shows_the_password_once_and_the_list_offers_it(client_for, personas):
    client = client_for(personas["ward_officer"])
    head = head_of(personas["village_head"])
    accounts.account_deactivate(actor=personas["ward_officer"], assignment=head, read_version=1, reason="y")
    url = reverse("households:account_reactivate", args=[personas["village_head"].pk])
    assert url in client.get(reverse("households:account_list", args=["20236"])).content.decode()
    head.refresh_from_db()
    response = client.post(url, {"version": head.version, "reason": "Khóa nhầm"})
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    assert "Mật khẩu tạm" in response.content.decode()
    again = client.post(url, {"version": head.version, "reason": "Khóa nhầm"})
    assert "Tài khoản này đang hoạt động." in again.content.decode()  # refused: shown once, never again
    assert url not in client.get(reverse("households:account_list", args=["20236"])).content.decode()
