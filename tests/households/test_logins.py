"""Logins: throttled per user name + address, unlocked by the ward officer, failures logged without the
password, passwords of at least 12 characters, and sessions that end when left idle.

Personas (tests/conftest.py): ``head1`` heads village 20236-001 of ward 20236 (``ward1``); ``commune1``
is the officer of commune 20293. Every persona's password is ``pw-<username>``.
"""

import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import AccountEvent, Assignment, ImportJob

OFFICE = "203.113.1.10"  # a ward office behind NAT: everyone there shares this address
HOME = "14.161.2.20"


def login(client, username, password, address=OFFICE):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address=OFFICE):
    for _i in range(times):
        login(client, username, "wrong-password", address)


def lock_head1(client):
    fail(client, "head1", 5)
    client.cookies.clear()


def test_five_failures_lock_the_user_name_from_that_address_only(client, personas):
    fail(client, "head1", 4)
    assert login(client, "head1", "pw-head1").status_code == 302  # four were not enough
    client.post(reverse("logout"))
    fail(client, "head1", 5)
    locked = login(client, "head1", "pw-head1")
    assert locked.status_code == 429  # the right password is refused too, for now
    assert "_auth_user_id" not in client.session
    # The same person from home, and a colleague in the same office, still log in.
    assert login(client, "head1", "pw-head1", address=HOME).status_code == 302
    client.post(reverse("logout"))
    assert login(client, "head2", "pw-head2", address=OFFICE).status_code == 302


def test_a_successful_login_clears_the_count(client, personas):
    fail(client, "head1", 4)
    assert login(client, "head1", "pw-head1").status_code == 302
    client.post(reverse("logout"))
    fail(client, "head1", 4)
    assert login(client, "head1", "pw-head1").status_code == 302


def test_the_lockout_page_is_in_vietnamese_with_status_429(client, personas, settings):
    fail(client, "head1", 4)
    response = login(client, "head1", "wrong-password")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Tạm khóa đăng nhập" in body
    assert "không đăng nhập được từ mạng của máy này trong 15 phút" in body
    assert "wrong-password" not in body


def test_the_ward_officer_unlocks_a_head_of_their_ward(client, client_for, personas):
    lock_head1(client)
    officer = client_for(personas["ward_officer"])
    accounts_page = officer.get(reverse("households:account_list", args=["20236"])).content.decode()
    unlock_url = reverse("households:account_unlock", args=[personas["village_head"].pk])
    assert "bị khóa đăng nhập" in accounts_page and unlock_url in accounts_page
    version = Assignment.objects.get(user=personas["village_head"]).version
    response = officer.post(unlock_url, {"version": version, "reason": "Đã gọi điện xác minh"})
    assert response.status_code == 302
    event = AccountEvent.objects.get(account=personas["village_head"], action="unlock")
    assert (event.actor, event.reason) == (personas["ward_officer"], "Đã gọi điện xác minh")
    officer.post(reverse("logout"))
    assert login(client, "head1", "pw-head1").status_code == 302


def test_unlocking_needs_a_post_with_a_csrf_token(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    lock_head1(client)
    client.force_login(personas["ward_officer"])
    unlock_url = reverse("households:account_unlock", args=[personas["village_head"].pk])
    assert client.post(unlock_url, {"version": 1}).status_code == 403
    assert not AccountEvent.objects.filter(action="unlock").exists()


def test_an_officer_of_another_area_cannot_unlock(client, client_for, personas):
    lock_head1(client)
    other = client_for(personas["commune_officer"])
    unlock_url = reverse("households:account_unlock", args=[personas["village_head"].pk])
    assert other.get(unlock_url).status_code == 404
    assert other.post(unlock_url, {"version": 1}).status_code == 404
    assert not AccountEvent.objects.filter(action="unlock").exists()
    other.post(reverse("logout"))
    assert login(client, "head1", "pw-head1").status_code == 429


def test_an_account_that_is_not_locked_is_not_unlocked(client_for, personas):
    officer = client_for(personas["ward_officer"])
    unlock_url = reverse("households:account_unlock", args=[personas["village_head"].pk])
    response = officer.post(unlock_url, {"version": 1})
    assert response.status_code == 200
    assert "Tài khoản này không bị khóa đăng nhập" in response.content.decode()
    assert not AccountEvent.objects.filter(action="unlock").exists()


def test_a_failed_login_is_logged_with_name_time_and_address_but_no_password(client, personas, caplog):
    with caplog.at_level(logging.INFO, logger="povertyportal.logins"):
        login(client, "head1", "Sai-mat-khau-bi-mat")
    records = [r for r in caplog.records if r.name == "povertyportal.logins"]
    assert len(records) == 1
    line = records[0].getMessage()
    assert "head1" in line and OFFICE in line and timezone.localtime().strftime("%Y-%m-%d") in line
    assert all("Sai-mat-khau-bi-mat" not in r.getMessage() for r in caplog.records)


def test_a_password_of_eleven_characters_is_refused(client, personas):
    login(client, "head1", "pw-head1")
    change = reverse("password_change")
    short = client.post(change, {"old_password": "pw-head1", "new_password1": "Hoa-sen-26!", "new_password2": "Hoa-sen-26!"})
    assert short.status_code == 200
    assert "ít nhất 12 ký tự" in short.content.decode()
    twelve = client.post(change, {"old_password": "pw-head1", "new_password1": "Hoa-sen-226!", "new_password2": "Hoa-sen-226!"})
    assert twelve.status_code == 302


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now())
    monkeypatch.setattr("django.utils.timezone.now", clock)
    return clock


def test_an_idle_session_ends_after_the_idle_timeout(client, personas, clock):
    login(client, "ward1", "pw-ward1")
    home = reverse("home")
    clock.now += timedelta(minutes=29)
    assert client.get(home).status_code == 200  # activity: the idle clock starts again
    clock.now += timedelta(minutes=29)
    assert client.get(home).status_code == 200
    clock.now += timedelta(minutes=30)
    response = client.get(home)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert "lâu không thao tác" in client.get(response["Location"]).content.decode()


def test_progress_polling_does_not_keep_a_session_alive(client, personas, territory, clock):
    job = ImportJob.objects.create(user=personas["ward_officer"], ward=territory["ward"], status="running", rows_done=10)
    poll = reverse("households:import_job_progress", args=[job.pk])
    login(client, "ward1", "pw-ward1")
    for _minute in range(29):
        clock.now += timedelta(minutes=1)
        assert client.get(poll, headers={"HX-Request": "true"}).status_code == 200
    clock.now += timedelta(minutes=1)
    response = client.get(poll, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/households/import/"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_a_session_ends_eight_hours_after_login_even_when_busy(client, personas, clock):
    login(client, "ward1", "pw-ward1")
    for _step in range(16):
        clock.now += timedelta(minutes=29)
        assert client.get(reverse("home")).status_code == 200
    clock.now += timedelta(minutes=20)  # 8 h 4 min after login
    assert client.get(reverse("home")).status_code == 302


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(settings):
    from django.test import RequestFactory

    from households.logins import client_address

    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, " + OFFICE)
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_address(request) == "127.0.0.1"  # not behind a proxy: the header is the client's word
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_address(request) == OFFICE  # the first entry ("1.2.3.4") could be forged
