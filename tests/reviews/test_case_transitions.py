"""Case and complaint status changes go through reviews.workflow: illegal ones are refused and log
nothing; legal ones are logged with who, when and why."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from reviews import services, workflow
from reviews.models import Case, Complaint, Transition
from tests.reviews.conftest import survey
from tests.reviews.test_workflow import bring_ward_to_posted


def _log(action):
    return Transition.objects.filter(action=action)


def test_case_transitions_are_declared_in_the_workflow():
    for name in ("case_screen", "case_complete", "complaint_record", "complaint_resolve"):
        assert name in workflow.ACTIONS


def test_a_screen_is_logged_with_who_from_and_to(review):
    case = review["cases"]["a"]
    head = review["personas"]["village_head"]
    services.case_screen(case=case, user=head, items_met=["car"], read_version=case.version)
    row = _log("case_screen").get(case=case)
    assert (row.actor, row.from_status, row.to_status, row.household_id) == (head, "to_screen", "screened_out", case.household_id)
    assert row.data == {"items_met": ["car"]} and row.at is not None
    assert Case.objects.get(pk=case.pk).status == "screened_out"


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("other_village_head", Http404),
        ("commune_officer", Http404),
        ("district_officer", PermissionDenied),
        ("statistician", PermissionDenied),
        ("admin", PermissionDenied),
    ],
)
def test_a_screen_by_someone_who_may_not_is_refused_and_logs_nothing(review, persona, error):
    case = review["cases"]["a"]
    with pytest.raises(error):
        services.case_screen(case=case, user=review["personas"][persona], items_met=[], read_version=case.version)
    assert not _log("case_screen").exists()
    assert Case.objects.get(pk=case.pk).status == "to_screen"


def test_a_screen_after_the_village_list_was_submitted_is_refused_and_logs_nothing(review):
    head = review["personas"]["village_head"]
    for key in ("a", "b"):
        survey(review["cases"][key], head)
    village_list = review["round"].village_lists.get(village=review["village"])
    services.village_submit(village_list=village_list, user=head)
    before = _log("case_screen").count()
    case = Case.objects.get(pk=review["cases"]["a"].pk)
    with pytest.raises(workflow.WorkflowError):
        services.case_screen(case=case, user=head, items_met=["car"], read_version=case.version)
    assert _log("case_screen").count() == before
    assert Case.objects.get(pk=case.pk).status == "surveyed"


def test_the_last_section_completes_the_survey_in_the_log(review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    assert case.status == "surveyed"
    row = _log("case_complete").get(case=case)
    assert (row.actor, row.from_status, row.to_status) == (head, "to_survey", "surveyed")


def test_a_complaint_is_logged_and_its_resolution_with_the_reason(review):
    p = review["personas"]
    bring_ward_to_posted(review)
    case = Case.objects.get(pk=review["cases"]["b"].pk)
    complaint = services.complaint_record(
        case=case,
        user=p["ward_officer"],
        received_on=date(2026, 10, 9),
        complainant="Lê Văn X",
        content="Hộ có xe ô tô",
        today=date(2026, 10, 9),
    )
    row = _log("complaint_record").get()
    assert (row.actor, row.from_status, row.to_status, row.reason, row.case) == (
        p["ward_officer"],
        "",
        "open",
        "Hộ có xe ô tô",
        case,
    )
    with pytest.raises(ValidationError):  # no resolution given
        services.complaint_resolve(complaint=complaint, user=p["ward_officer"], resolution=" ")
    with pytest.raises(PermissionDenied):
        services.complaint_resolve(complaint=complaint, user=p["statistician"], resolution="x")
    with pytest.raises(Http404):
        services.complaint_resolve(complaint=complaint, user=p["commune_officer"], resolution="x")
    assert not _log("complaint_resolve").exists()
    services.complaint_resolve(complaint=complaint, user=p["ward_officer"], resolution="Phúc tra xong")
    row = _log("complaint_resolve").get()
    assert (row.from_status, row.to_status, row.reason) == ("open", "resolved", "Phúc tra xong")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RESOLVED
    with pytest.raises(workflow.WorkflowError, match="đã được giải quyết"):
        services.complaint_resolve(complaint=complaint, user=p["ward_officer"], resolution="again")
    assert _log("complaint_resolve").count() == 1


def test_a_complaint_before_the_posting_or_by_another_ward_is_refused_and_logs_nothing(review):
    p = review["personas"]
    case = review["cases"]["b"]
    kwargs = dict(case=case, received_on=date(2026, 10, 9), complainant="X", content="-", today=date(2026, 10, 9))
    with pytest.raises(workflow.WorkflowError):  # the list is not posted yet
        services.complaint_record(user=p["ward_officer"], **kwargs)
    with pytest.raises(Http404):
        services.complaint_record(user=p["commune_officer"], **kwargs)
    with pytest.raises(PermissionDenied):
        services.complaint_record(user=p["village_head"], **kwargs)
    assert not _log("complaint_record").exists() and not Complaint.objects.exists()
