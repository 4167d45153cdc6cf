"""The review procedure's numbers as dated data: parsed with their sources, chosen by date, read by the
workflow, the forms and the pages (policies/procedure.py, policies/fixtures/procedure.json)."""

import copy
import json
from datetime import date
from fractions import Fraction

import pytest
from django.urls import reverse

from policies import procedure
from policies.apps import check_procedure
from reviews import services
from reviews.models import ReviewRequest, ReviewRound
from tests.reviews.test_manage_views import content, submit_both_villages

SHIPPED = json.loads(procedure.PROCEDURE_FILE.read_text(encoding="utf-8"))


def document_with_a_later_period(**later_values) -> dict:
    """The shipped record ended on 31/12/2027 and a hypothetical record from 1/1/2028 with other numbers."""
    doc = copy.deepcopy(SHIPPED)
    first = doc["versions"][0]
    first["valid_to"] = "2027-12-31"
    later = copy.deepcopy(first)
    later.update(code="hypothetical-2028", valid_from="2028-01-01", valid_to=None)
    for key, value in later_values.items():
        later["values"][key]["value"] = value
    doc["versions"].append(later)
    return doc


@pytest.fixture
def procedure_is(monkeypatch):
    def use(document: dict):
        records = procedure.parse(document)
        monkeypatch.setattr(procedure, "versions", lambda: records)
        return records

    return use


def test_the_shipped_record_holds_the_procedures_numbers_each_with_basis_source_and_confidence():
    (record,) = procedure.versions()
    assert record.request_answer_days == 15
    assert record.meeting_agree_share == Fraction(1, 2)
    assert record.periodic_window(2026) == (date(2026, 9, 1), date(2026, 12, 14))
    assert (record.posting_working_days, record.recheck_working_days) == (5, 3)
    assert set(record.sources) == set(procedure.VALUE_KEYS)
    for sourced in record.sources.values():
        assert sourced.basis and sourced.source and sourced.confidence in procedure.CONFIDENCE_MARKS
    # The posting period for this procedure was not found in the law: the data says so.
    assert record.sources["posting_working_days"].confidence == "L"


@pytest.mark.parametrize(
    ("attendees", "votes_for", "passes"), [(10, 5, True), (10, 4, False), (3, 2, True), (3, 1, False), (0, 0, False)]
)
def test_the_meeting_passes_at_the_records_share(attendees, votes_for, passes):
    assert procedure.versions()[0].meeting_passes(attendees, votes_for) is passes


def test_a_later_record_applies_from_its_first_day_and_earlier_acts_keep_the_earlier_numbers():
    records = procedure.parse(document_with_a_later_period(request_answer_days=10, meeting_agree_share="2/3"))
    assert procedure.rules_on(date(2027, 12, 31), records).request_answer_days == 15
    later = procedure.rules_on(date(2028, 1, 1), records)
    assert later.request_answer_days == 10 and later.meeting_passes(9, 5) is False and later.meeting_passes(9, 6)
    # Before the first record: the first one, so old data stays readable.
    assert procedure.rules_on(date(2020, 1, 1), records).code == "decision-24-2021"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: v["values"]["request_answer_days"].pop("source"), "legal basis and source"),
        (lambda v: v["values"]["meeting_agree_share"].update(confidence="sure"), "confidence must be one of"),
        (lambda v: v["values"]["meeting_agree_share"].update(value="3/2"), "at most 1"),
        (lambda v: v["values"]["posting_working_days"].update(value=0), "positive whole number"),
        (lambda v: v["values"]["posting_working_days"].update(value="5"), "positive whole number"),
        (lambda v: v["values"]["periodic_window"].update(value={"from": "12-14", "to": "09-01"}), "must end after"),
        (lambda v: v["values"]["periodic_window"].update(value={"from": "02-30", "to": "12-14"}), "month-day"),
        (lambda v: v["values"].pop("recheck_working_days"), "missing ['recheck_working_days']"),
        (lambda v: v["values"].update(extra={"value": 1}), "unknown ['extra']"),
    ],
)
def test_a_broken_record_is_refused_with_where_it_is_broken(change, message):
    doc = copy.deepcopy(SHIPPED)
    change(doc["versions"][0])
    with pytest.raises(procedure.ProcedureError, match=message.replace("[", r"\[").replace("]", r"\]")):
        procedure.parse(doc)


def test_overlapping_periods_are_refused():
    doc = document_with_a_later_period()
    doc["versions"][0]["valid_to"] = "2028-01-01"
    with pytest.raises(procedure.ProcedureError, match="overlaps"):
        procedure.parse(doc)
    doc["versions"][0]["valid_to"] = None
    with pytest.raises(procedure.ProcedureError, match="overlaps"):
        procedure.parse(doc)


def test_the_system_check_stops_the_portal_on_a_broken_file(monkeypatch, tmp_path):
    assert check_procedure() == []
    broken = copy.deepcopy(SHIPPED)
    broken["versions"][0]["values"]["request_answer_days"]["confidence"] = ""
    path = tmp_path / "procedure.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    monkeypatch.setattr(procedure, "PROCEDURE_FILE", path)
    try:
        errors = check_procedure()
        assert [e.id for e in errors] == ["policies.E001"] and "request_answer_days" in errors[0].msg
    finally:
        monkeypatch.undo()
        procedure.versions.cache_clear()


def test_a_request_is_due_by_the_record_in_force_on_the_day_it_was_received(review, procedure_is, today_is):
    procedure_is(document_with_a_later_period(request_answer_days=10))
    today_is(date(2028, 2, 1))
    ward_officer = review["personas"]["ward_officer"]
    household = review["households"]["c"]
    early = services.request_record(
        household=household, form="form04", received_on=date(2027, 12, 30), channel="in_person", note="", user=ward_officer
    )
    late = services.request_record(
        household=review["households"]["r"],
        form="form04",
        received_on=date(2028, 1, 5),
        channel="in_person",
        note="",
        user=review["personas"]["commune_officer"],
    )
    assert early.due_on == date(2028, 1, 14) and late.due_on == date(2028, 1, 15)
    assert ReviewRequest.objects.filter(due_on=date(2028, 1, 15)).count() == 1


def test_the_request_pages_say_the_answer_time_of_the_record(client_for, review, procedure_is, today_is):
    procedure_is(document_with_a_later_period(request_answer_days=10))
    client = client_for(review["personas"]["ward_officer"])
    ward = review["ward"].code
    today_is(date(2027, 6, 1))
    assert "trong 15 ngày kể từ ngày nhận (Quyết định 24/2021/QĐ-TTg)" in content(
        client.get(reverse("reviews:request_list", args=[ward]))
    )
    today_is(date(2028, 6, 1))
    page = content(client.get(reverse("reviews:request_record", args=[ward])))
    assert "trong 10 ngày kể từ ngày nhận" in page and "15 ngày" not in page


def test_a_new_round_starts_from_the_procedures_window_and_periods(client_for, review, procedure_is, today_is):
    procedure_is(
        document_with_a_later_period(
            periodic_window={"from": "08-15", "to": "11-30"}, posting_working_days=7, recheck_working_days=4
        )
    )
    today_is(date(2028, 3, 1))
    client = client_for(review["personas"]["city_officer"])
    form = client.get(reverse("reviews:round_open"))
    fields = form.context["form"].fields
    assert (fields["starts_on"].initial, fields["ends_on"].initial) == (date(2028, 8, 15), date(2028, 11, 30))
    assert (fields["posting_working_days"].initial, fields["recheck_working_days"].initial) == (7, 4)
    page = content(form)
    assert "Để trống: ngày 15/08 của năm (rà soát định kỳ, Kế hoạch 126/KH-UBND)." in page
    assert "Theo quy trình: 7 ngày làm việc (chưa xác minh;" in page
    # Opened by the service without dates or periods: the record's, too.
    national = review["standards"]["national-2022"]
    round_ = services.round_open(
        user=review["personas"]["city_officer"], year=2028, standards=[national], primary_standard=national
    )
    assert (round_.starts_on, round_.ends_on) == (date(2028, 8, 15), date(2028, 11, 30))
    assert (round_.posting_working_days, round_.recheck_working_days) == (7, 4)
    # A round keeps what it was opened with.
    assert ReviewRound.objects.get(year=2026).posting_working_days == 5


def test_the_meeting_rule_follows_the_record_in_force_on_the_meeting_day(review, procedure_is, today_is):

    procedure_is(document_with_a_later_period(meeting_agree_share="2/3"))
    today_is(date(2026, 11, 20))
    submit_both_villages(review)
    meeting = services.meeting_record(
        village_list=review["round"].village_lists.get(village=review["village"]),
        user=review["personas"]["ward_officer"],
        held_on=date(2026, 11, 20),
        attendees=9,
        votes_for=5,
        votes_against=4,
        today=date(2026, 11, 20),
    )
    assert meeting.passed  # 5 of 9 is over half: the 2021 record applies in 2026
    assert not procedure.rules_on(date(2028, 1, 1)).meeting_passes(9, 5)


def test_officers_read_the_procedure_with_sources_and_village_heads_do_not(client_for, review, today_is):
    today_is(date(2026, 12, 4))
    page = content(client_for(review["personas"]["ward_officer"]).get(reverse("policies:procedure")))
    assert "Quy trình rà soát" in page and "Đang hiệu lực" in page
    for text in ("15 ngày", "ít nhất 50%", "01/09 – 14/12", "5 ngày làm việc", "3 ngày làm việc", "Kế hoạch 126/KH-UBND"):
        assert text in page, text
    assert client_for(review["personas"]["village_head"]).get(reverse("policies:procedure")).status_code == 403
