"""The admin lets administrators read the review data; the audit log and official statuses stay read-only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "admin:households_adminunit_changelist",
    "admin:households_household_changelist",
    "admin:households_assignment_changelist",
    "admin:households_accountevent_changelist",
    "admin:policies_povertystandard_changelist",
    "admin:policies_supportpolicy_changelist",
    "admin:reviews_reviewround_changelist",
    "admin:reviews_wardlist_changelist",
    "admin:reviews_transition_changelist",
    "admin:reviews_officialstatus_changelist",
    "admin:reviews_exportjob_changelist",
    "admin:reviews_publicholiday_changelist",
    "admin:households_importjob_changelist",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_an_administrator_opens_every_admin_list(client, personas, name):
    client.force_login(personas["admin"])
    assert client.get(reverse(name)).status_code == 200


def test_the_audit_log_cannot_be_edited_or_deleted_in_the_admin(client, personas):
    client.force_login(personas["admin"])
    assert client.get(reverse("admin:reviews_transition_add")).status_code == 403
    assert client.get(reverse("admin:households_accountevent_add")).status_code == 403


def test_officers_without_staff_status_cannot_open_the_admin(client, personas):
    client.force_login(personas["city_officer"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
