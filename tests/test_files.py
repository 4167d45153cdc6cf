"""Stored files are reached only through access-checked views; oversized bodies are refused unread."""

import importlib
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import clear_url_caches, reverse

from reviews.models import VillageList, VillageMeeting
from tests.conftest import make_household
from tests.reviews import conftest as reviews_conftest

pytestmark = pytest.mark.django_db

# The review world of tests/reviews (fixtures are only collected from the conftest above a test).
standards = reviews_conftest.standards
review = reviews_conftest.review

PDF = b"%PDF-1.4 signed minutes of the village meeting"


@pytest.fixture
def meeting(review, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    village_list = VillageList.objects.get(round=review["round"], village=review["village"])
    meeting = VillageMeeting(
        village_list=village_list,
        held_on=date(2026, 10, 1),
        attendees=10,
        votes_for=6,
        votes_against=4,
        passed=True,
        recorded_by=review["personas"]["ward_officer"],
    )
    meeting.minutes.save("bien-ban.pdf", ContentFile(PDF), save=False)
    meeting.save()
    return meeting


def minutes_url(review, meeting):
    return reverse(
        "reviews:meeting_minutes",
        kwargs={
            "round_id": review["round"].pk,
            "ward_code": review["ward"].code,
            "village_code": review["village"].code,
            "meeting_id": meeting.pk,
        },
    )


def test_the_ward_officer_downloads_the_minutes_as_an_attachment_that_is_never_sniffed(client_for, review, meeting):
    response = client_for(review["personas"]["ward_officer"]).get(minutes_url(review, meeting))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_the_ward_page_links_the_minutes_through_their_view_not_the_media_url(client_for, review, meeting):
    page = client_for(review["personas"]["ward_officer"]).get(
        reverse("reviews:ward_detail", args=[review["round"].pk, review["ward"].code])
    )
    html = page.content.decode()
    assert minutes_url(review, meeting) in html
    assert "/media/" not in html


@pytest.mark.parametrize("persona", ["commune_officer", "other_district_officer"])
def test_the_minutes_of_another_area_are_not_found(client_for, review, meeting, persona):
    assert client_for(review["personas"][persona]).get(minutes_url(review, meeting)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page_for_the_minutes(client, review, meeting):
    response = client.get(minutes_url(review, meeting))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _reload_urls():
    import povertyportal.urls

    importlib.reload(povertyportal.urls)
    clear_url_caches()


def test_media_root_is_not_routed_even_in_debug(client, territory, settings, tmp_path):
    """In the demo (DEBUG on) anonymous visitors fetched finished exports under /media/exports/…"""
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "poor-48-2026.xlsx").write_bytes(b"PK full ID numbers")
    make_household(territory["village"], "HH-1")
    try:
        with override_settings(DEBUG=True):
            _reload_urls()
            assert client.get("/media/exports/poor-48-2026.xlsx").status_code == 404
    finally:
        _reload_urls()


def test_a_body_larger_than_the_limit_is_refused_with_a_vietnamese_413_page(client, db, settings):
    settings.REQUEST_MAX_MB = 1
    settings.REQUEST_MAX_BYTES = 1024
    response = client.post(reverse("login"), {"username": "x" * 4000, "password": "y"})
    assert response.status_code == 413
    assert "Quá lớn" in response.content.decode()


def test_an_oversized_body_is_refused_before_it_is_read(client, db, settings):
    settings.REQUEST_MAX_BYTES = 1024
    # The declared length is a lie: reading the body would raise in the test client's payload.
    response = client.generic(
        "POST", reverse("login"), b"username=a", content_type="application/x-www-form-urlencoded", CONTENT_LENGTH="50000000"
    )
    assert response.status_code == 413


def test_a_body_within_the_limit_is_served(client, db):
    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
