"""Notifications (issue 16 item 5): who is told of each step and of what falls due, in the inbox and by
e-mail from the worker, once per event, never for a closed round, and e-mail can be turned off."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from reviews import notifications, services, workflow
from reviews.models import Complaint, Notification, ReviewRound, VillageList
from tests.reviews.test_manage_views import submit_both_villages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PORTAL_BASE_URL = "https://portal.example.gov.vn"


def kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


def test_a_village_list_sent_tells_the_wards_officer_in_the_inbox_and_by_e_mail(review, django_capture_on_commit_callbacks):
    p = review["personas"]
    with_email(p["ward_officer"], "phuong@example.gov.vn")
    with django_capture_on_commit_callbacks(execute=True):
        submit_both_villages(review)
    assert kinds(p["ward_officer"]) == ["village_list_sent", "village_list_sent"]
    # Only whoever does the next step: not the statistician (reads only), not another ward, not the heads.
    for other in ("statistician", "commune_officer", "village_head", "district_officer"):
        assert kinds(p[other]) == [], other
    assert len(mail.outbox) == 2 and mail.outbox[0].to == ["phuong@example.gov.vn"]
    assert "đã được gửi lên cấp xã" in mail.outbox[0].body and "https://portal.example.gov.vn/rounds/" in mail.outbox[0].body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_returned_village_list_tells_its_village_head_with_the_reason(review, django_capture_on_commit_callbacks):
    p = review["personas"]
    submit_both_villages(review)
    village_list = VillageList.objects.get(round=review["round"], village=review["village"])
    services.village_return(village_list=village_list, user=p["ward_officer"], reason="Hộ HH-B thiếu thu nhập")
    (note,) = Notification.objects.filter(user=p["village_head"])
    assert note.kind == "village_list_returned" and "Hộ HH-B thiếu thu nhập" in notifications.text(note)
    assert note.url == reverse("reviews:village_cases", args=[review["round"].pk, review["village"].code])
    assert kinds(p["other_village_head"]) == []


def test_a_ward_list_sent_tells_its_approving_level_only(review):
    p = review["personas"]
    workflow.record(round_=review["round"], user=p["ward_officer"], action="ward_submit", unit=review["ward"])
    assert kinds(p["district_officer"]) == ["ward_list_sent"]
    assert kinds(p["other_district_officer"]) == [] and kinds(p["city_officer"]) == []


def test_e_mail_turned_off_keeps_the_inbox(review, django_capture_on_commit_callbacks, client_for):
    p = review["personas"]
    with_email(p["ward_officer"], "phuong@example.gov.vn")
    client = client_for(p["ward_officer"])
    assert client.post(reverse("reviews:inbox_email"), {}).status_code == 302  # no "email=on": off
    with django_capture_on_commit_callbacks(execute=True):
        submit_both_villages(review)
    assert mail.outbox == [] and kinds(p["ward_officer"]) == ["village_list_sent", "village_list_sent"]


def test_nothing_for_a_closed_round(review):
    p = review["personas"]
    ReviewRound.objects.filter(pk=review["round"].pk).update(status=ReviewRound.Status.CLOSED)
    review["round"].refresh_from_db()
    workflow.record(round_=review["round"], user=p["ward_officer"], action="ward_submit", unit=review["ward"])
    assert not Notification.objects.exists()


def test_reminders_of_what_falls_due_come_once_however_often_they_run(review):
    p = review["personas"]
    today = date(2026, 11, 10)
    case = review["cases"]["a"]
    Complaint.objects.create(
        case=case,
        received_on=today - timedelta(days=2),
        complainant="Nguyễn Văn B",
        content="Hộ đã có xe máy mới",
        recheck_due_on=today + timedelta(days=1),
        recorded_by=p["ward_officer"],
    )
    ReviewRound.objects.filter(pk=review["round"].pk).update(village_deadline=today + timedelta(days=3))
    first = notifications.due_reminders(today)
    assert notifications.due_reminders(today) == 0  # idempotent
    assert first == len(Notification.objects.all())
    assert "complaint_due" in kinds(p["ward_officer"])
    # Every village head whose list is not sent hears of the village deadline; the text says the day.
    (deadline,) = Notification.objects.filter(user=p["village_head"], kind="deadline")
    assert "13/11/2026" in notifications.text(deadline)
    assert kinds(p["other_village_head"]) == ["deadline"]


def test_the_inbox_shows_ones_own_notifications_opens_them_and_refuses_anothers(review, client_for):
    p = review["personas"]
    submit_both_villages(review)
    client = client_for(p["ward_officer"])
    page = client.get(reverse("reviews:inbox")).content.decode()
    assert "Danh sách của Tổ dân phố 1 đã được gửi lên cấp xã" in page
    note = Notification.objects.filter(user=p["ward_officer"]).first()
    response = client.post(reverse("reviews:inbox_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    assert client_for(p["village_head"]).post(reverse("reviews:inbox_open", args=[note.pk])).status_code == 404


def test_a_ward_list_returned_tells_the_wards_officers(review):
    p = review["personas"]
    workflow.record(
        round_=review["round"], user=p["district_officer"], action="ward_return", unit=review["ward"], reason="Thiếu biên bản"
    )
    (note,) = Notification.objects.filter(user=p["ward_officer"])
    assert note.kind == "ward_list_returned" and "Thiếu biên bản" in notifications.text(note)
    assert kinds(p["commune_officer"]) == [] and kinds(p["village_head"]) == []


def test_a_complaint_that_reopens_a_survey_tells_the_village_head(review):
    p = review["personas"]
    case = review["cases"]["a"]
    workflow.record(round_=review["round"], user=p["ward_officer"], action="complaint_record", case=case)
    (note,) = Notification.objects.filter(user=p["village_head"])
    assert note.kind == "survey_reopened" and case.household.code in notifications.text(note)
    assert note.url == reverse("reviews:case_detail", args=[case.pk])


def test_a_request_due_tomorrow_reminds_the_wards_officers(review, django_capture_on_commit_callbacks):
    from reviews.models import ReviewRequest

    p = review["personas"]
    with_email(p["ward_officer"], "phuong@example.gov.vn")
    today = date(2026, 9, 19)  # the review fixture's requests are due on 20/9/2026
    with django_capture_on_commit_callbacks(execute=True):
        made = notifications.due_reminders(today)
    due = ReviewRequest.objects.filter(due_on=today + timedelta(days=1), household__village__parent=review["ward"]).count()
    assert made >= due > 0
    assert kinds(p["ward_officer"]).count("request_due") == due
    assert kinds(p["commune_officer"]).count("request_due") == 1  # the rural household's, in its commune
    assert any("20/09/2026" in m.body for m in mail.outbox)
