"""Support policy pages: list, versions, a new version (reason required, audited)."""

from datetime import date

import pytest
from django.urls import reverse

from policies.models import SupportPolicy, SupportPolicyVersion
from policies.services import support_policies_load


@pytest.fixture
def policy(db):
    support_policies_load()
    return SupportPolicy.objects.get(code="electricity-support")


def form_data(**overrides):
    data = {
        "valid_from": "2026-07-01",
        "valid_to": "",
        "legal_document": "Nghị quyết thử nghiệm",
        "legal_article": "Điều 3",
        "target_groups": '[{"kind": "poor", "standard": "city-danang"}]',
        "member_conditions": "[]",
        "per": "household",
        "period": "monthly",
        "amount": "60.000",
        "percentage": "",
        "base": "",
        "base_amount": "",
        "duration_months": "",
        "notes": "",
        "reason": "Nghị quyết sửa đổi mức hỗ trợ tiền điện",
    }
    data.update(overrides)
    return data


def test_the_policy_list_shows_every_shipped_policy_and_amount_not_set(client_for, personas, policy):
    page = client_for(personas["ward_officer"]).get(reverse("policies:support_policy_list")).content.decode()
    assert "Hỗ trợ tiền điện" in page
    assert "chưa có mức hỗ trợ" in page
    assert "Chính sách hỗ trợ" in page  # the nav item and the title


def test_the_policy_detail_shows_both_versions_with_their_legal_basis(client_for, personas, policy):
    page = client_for(personas["city_officer"]).get(reverse("policies:support_policy_detail", args=[policy.pk])).content.decode()
    assert "Nghị quyết 75/2021/NQ-HĐND (17/12/2021)" in page
    assert "sửa đổi bởi Nghị quyết 45/2022/NQ-HĐND (14/07/2022)" in page
    assert "14/07/2022" in page
    assert "hộ nghèo theo chuẩn thành phố Đà Nẵng" in page


def test_the_city_officer_creates_a_new_version_and_the_history_keeps_who_and_why(client_for, personas, policy):
    client = client_for(personas["city_officer"])
    response = client.post(reverse("policies:support_policy_new_version", args=[policy.pk]), form_data())
    assert response.status_code == 302
    new = SupportPolicyVersion.objects.get(policy=policy, version=3)
    assert (new.valid_from, new.amount, new.created_by) == (date(2026, 7, 1), 60_000, personas["city_officer"])
    assert new.target_groups == [{"kind": "poor", "standard": "city-danang"}]
    record = new.history.latest()
    assert record.history_user == personas["city_officer"]
    assert record.history_change_reason == "Nghị quyết sửa đổi mức hỗ trợ tiền điện"
    old = SupportPolicyVersion.objects.get(policy=policy, version=2)
    assert old.amount is None and old.valid_to is None  # the amended version is never edited
    page = client.get(reverse("policies:support_policy_detail", args=[policy.pk])).content.decode()
    assert "Nghị quyết sửa đổi mức hỗ trợ tiền điện" in page


def test_a_new_version_needs_a_reason(client_for, personas, policy):
    response = client_for(personas["city_officer"]).post(
        reverse("policies:support_policy_new_version", args=[policy.pk]), form_data(reason="")
    )
    assert response.status_code == 200
    assert not SupportPolicyVersion.objects.filter(policy=policy, version=3).exists()


def test_a_new_version_must_start_after_the_version_it_amends(client_for, personas, policy):
    response = client_for(personas["city_officer"]).post(
        reverse("policies:support_policy_new_version", args=[policy.pk]), form_data(valid_from="2022-07-14")
    )
    assert response.status_code == 200
    assert "Phiên bản mới phải bắt đầu sau phiên bản được sửa đổi (từ 14/07/2022)" in response.content.decode()
    assert not SupportPolicyVersion.objects.filter(policy=policy, version=3).exists()


def test_target_groups_the_engine_does_not_know_are_refused(client_for, personas, policy):
    response = client_for(personas["city_officer"]).post(
        reverse("policies:support_policy_new_version", args=[policy.pk]),
        form_data(target_groups='[{"kind": "rich", "standard": "city-danang"}]'),
    )
    assert response.status_code == 200
    assert "Giá trị của phiên bản chính sách không hợp lệ" in response.content.decode()


def test_demo_amounts_carry_a_demo_badge(client_for, personas, policy, settings):
    from django.core.management import call_command

    settings.DEMO_DATA_ALLOWED = True
    call_command("seed_policy_demo", verbosity=0)
    page = client_for(personas["city_officer"]).get(reverse("policies:support_policy_detail", args=[policy.pk])).content.decode()
    assert "50.000 đồng" in page
    assert "minh họa" in page
