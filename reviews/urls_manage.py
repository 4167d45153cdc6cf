"""Ward, district and city pages of the review rounds (included by reviews.urls, namespace "reviews")."""

from django.urls import path

from reviews.views import approvals, complaints, holidays, manage, requests, rounds

ward = "rounds/<int:round_id>/wards/<str:ward_code>/"

urlpatterns = [
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_open, name="round_open"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/deadlines/", rounds.round_deadlines, name="round_deadlines"),
    path("rounds/<int:round_id>/close/", rounds.round_close, name="round_close"),
    path("holidays/", holidays.holiday_list, name="holiday_list"),
    path("holidays/<int:holiday_id>/remove/", holidays.holiday_remove, name="holiday_remove"),
    path("holidays/suggest/", holidays.holiday_suggest, name="holiday_suggest"),
    path("holidays/<int:holiday_id>/confirm/", holidays.holiday_confirm, name="holiday_confirm"),
    path("holidays/<int:holiday_id>/reject/", holidays.holiday_reject, name="holiday_reject"),
    path("my-ward/", manage.my_ward, name="my_ward"),
    path(ward, manage.ward_detail, name="ward_detail"),
    path(f"{ward}villages/<str:village_code>/meeting/", manage.meeting_record, name="meeting_record"),
    path(f"{ward}villages/<str:village_code>/meetings/<int:meeting_id>/minutes/", manage.meeting_minutes, name="meeting_minutes"),
    path(f"{ward}villages/<str:village_code>/return/", manage.village_return, name="village_return"),
    path(f"{ward}post/", manage.ward_post, name="ward_post"),
    path(f"{ward}submit/", manage.ward_submit, name="ward_submit"),
    path(f"{ward}decide/", manage.ward_decide, name="ward_decide"),
    path(f"{ward}complaints/new/", manage.complaint_record, name="complaint_record"),
    path(f"{ward}complaints/<int:complaint_id>/resolve/", manage.complaint_resolve, name="complaint_resolve"),
    path(f"{ward}decision-list/", manage.decision_list, name="decision_list"),
    path("rounds/<int:round_id>/complaints/<str:code>/", complaints.complaint_list, name="complaint_list"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("approvals/bulk/", approvals.approvals_bulk, name="approvals_bulk"),
    path(f"{ward}review/", approvals.ward_review, name="ward_review"),
    path(f"{ward}approve/", approvals.ward_approve, name="ward_approve"),
    path(f"{ward}return/", approvals.ward_return, name="ward_return"),
    path(f"{ward}reopen/", approvals.ward_reopen, name="ward_reopen"),
    path("requests/<str:code>/", requests.request_list, name="request_list"),
    path("requests/<str:code>/new/", requests.request_record, name="request_record"),
]
