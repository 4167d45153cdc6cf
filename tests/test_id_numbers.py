"""ID numbers: the household list's ID search is no oracle, and full numbers leave no trace in caches.

A district officer sees ``0480******34``: the birth year fixes two hidden digits, so about 10^4
whole-number guesses remain. Searching matches whole numbers only, is recorded and is throttled.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import IdNumberDisclosure, IdNumberSearch, Member
from reviews.models import OfficialStatus
from tests.conftest import make_household
from tests.reviews import conftest as reviews_conftest

pytestmark = pytest.mark.django_db

# The review world of tests/reviews (fixtures are only collected from the conftest above a test).
standards = reviews_conftest.standards
review = reviews_conftest.review

NUMBER = "048080001234"  # born 1980, male: consistent with make_household's members
LIST = "households:list"


@pytest.fixture
def holder(territory):
    household = make_household(territory["village"], "HH-1", members=1)
    Member.objects.filter(household=household).update(id_number=NUMBER)
    make_household(territory["village"], "HH-2", members=1)
    return household


def search(client, q, **extra):
    return client.post(reverse(LIST), {"q": q, **extra}, follow=True)


def codes(response):
    return [h.code for h in response.context["page"].object_list]


def page_text(response):
    return response.content.decode()


# ----------------------------------------------------------------------------- whole numbers only


@pytest.mark.parametrize("partial", ["0480800012", "04808000123", "080001234", "0480 8000 12"])
def test_a_piece_of_an_id_number_finds_nothing_and_asks_for_all_12_digits(client_for, personas, holder, partial):
    response = search(client_for(personas["district_officer"]), partial)
    assert response.status_code == 200
    assert codes(response) == []
    assert "Để tìm theo số định danh, hãy nhập đủ 12 chữ số." in page_text(response)


def test_a_whole_id_number_finds_the_household_and_the_search_is_recorded_without_the_number(client_for, personas, holder):
    response = search(client_for(personas["district_officer"]), "048 080 001 234")
    assert codes(response) == ["HH-1"]
    assert "0480******34" in page_text(response)
    record = IdNumberSearch.objects.get()
    assert (record.user, record.found, record.refused) == (personas["district_officer"], 1, False)
    assert record.number_masked == "0480******34"
    stored = " ".join(str(v) for v in IdNumberSearch.objects.values_list().get())
    assert NUMBER not in stored


def test_a_whole_number_outside_the_users_area_finds_nothing(client_for, personas, holder):
    response = search(client_for(personas["other_district_officer"]), NUMBER)
    assert codes(response) == []
    assert IdNumberSearch.objects.get().found == 0


def test_the_same_number_searched_twice_gives_the_same_digest_and_another_number_another(client_for, personas, holder):
    client = client_for(personas["district_officer"])
    search(client, NUMBER)
    search(client, NUMBER)
    search(client, "048080001235")
    digests = list(IdNumberSearch.objects.order_by("pk").values_list("number_digest", flat=True))
    assert digests[0] == digests[1] != digests[2]


# ----------------------------------------------------------------------------- throttle


def test_id_searches_beyond_the_hourly_limit_are_refused_in_vietnamese_and_recorded(client_for, personas, holder, settings):
    settings.ID_SEARCHES_PER_HOUR = 3
    client = client_for(personas["district_officer"])
    for guess in ("048080001231", "048080001232", "048080001233"):
        search(client, guess)
    response = search(client, NUMBER)
    assert codes(response) == []
    assert "Bạn đã tìm theo số định danh 3 lần trong một giờ qua." in page_text(response)
    assert IdNumberSearch.objects.filter(refused=True).count() == 1
    # An hour later the user may search again.
    IdNumberSearch.objects.update(searched_at=timezone.now() - timedelta(minutes=61))
    assert codes(search(client, NUMBER)) == ["HH-1"]


def test_the_limit_is_per_user(client_for, personas, holder, settings):
    settings.ID_SEARCHES_PER_HOUR = 1
    search(client_for(personas["district_officer"]), "048080001231")
    assert codes(search(client_for(personas["city_officer"]), NUMBER)) == ["HH-1"]


def test_a_village_head_who_may_reveal_numbers_is_recorded_but_not_throttled(client_for, personas, holder, settings):
    settings.ID_SEARCHES_PER_HOUR = 1
    client = client_for(personas["village_head"])
    search(client, "048080001231")
    assert codes(search(client, NUMBER)) == ["HH-1"]
    assert IdNumberSearch.objects.filter(user=personas["village_head"], refused=False).count() == 2


# ----------------------------------------------------------------------------- never in a URL


def test_the_search_form_posts_and_its_redirect_carries_no_id_number(client_for, personas, holder):
    client = client_for(personas["district_officer"])
    page = page_text(client.get(reverse(LIST)))
    assert 'method="post"' in page
    response = client.post(reverse(LIST), {"q": NUMBER, "status": "active"})
    assert response.status_code == 302
    assert "0480" not in response["Location"] and "1234" not in response["Location"]
    assert "status=active" in response["Location"]
    followed = client.get(response["Location"])
    assert codes(followed) == ["HH-1"]
    assert NUMBER not in page_text(followed)
    assert NUMBER not in str(dict(client.session))


def test_an_id_number_typed_into_the_url_is_taken_out_of_it(client_for, personas, holder):
    client = client_for(personas["district_officer"])
    response = client.get(reverse(LIST), {"q": NUMBER})
    assert response.status_code == 302
    assert NUMBER not in response["Location"]
    assert codes(client.get(response["Location"])) == ["HH-1"]
    assert IdNumberSearch.objects.count() == 1


def test_names_and_codes_are_still_searched_in_the_url(client_for, personas, holder):
    client = client_for(personas["district_officer"])
    response = client.post(reverse(LIST), {"q": "HH-2"})
    assert response["Location"].endswith("?q=HH-2")
    assert codes(client.get(response["Location"])) == ["HH-2"]


def test_the_pages_of_an_id_search_keep_the_search_without_the_number(client_for, personas, territory):
    for i in range(55):  # one number held in 55 households (a data mistake the ward must clean up)
        household = make_household(territory["village"], f"D-{i:02}", members=1)
        Member.objects.filter(household=household).update(id_number=NUMBER)
    make_household(territory["village"], "ZZ-1", members=1)
    client = client_for(personas["district_officer"])
    first = search(client, NUMBER)
    assert len(first.context["page"].object_list) == 50 and first.context["page"].has_next
    next_link = f"?{first.context['query']}&after={first.context['page'].next_after}"
    assert f'href="{next_link}"'.replace("&", "&amp;") in page_text(first)
    assert NUMBER not in next_link
    second = client.get(reverse(LIST) + next_link)
    assert len(second.context["page"].object_list) == 5
    assert IdNumberSearch.objects.count() == 1  # turning a page is not another search


def test_the_export_of_an_id_search_holds_only_the_households_found(client_for, personas, holder):
    client = client_for(personas["district_officer"])
    response = client.post(reverse(LIST), {"q": NUMBER})
    export = client.get(reverse("households:export") + "?" + response["Location"].split("?", 1)[1])
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(export.streaming_content)), read_only=True).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "HH-1" in values and "HH-2" not in values


# ----------------------------------------------------------------------------- pages and files with full numbers


def test_the_edit_page_is_not_cached_and_records_whose_numbers_were_shown(client_for, personas, holder):
    response = client_for(personas["village_head"]).get(reverse("households:edit", args=["HH-1"]))
    assert NUMBER in page_text(response)
    assert "no-store" in response["Cache-Control"]
    record = IdNumberDisclosure.objects.get()
    assert (record.user, record.kind, list(record.households.all())) == (
        personas["village_head"],
        IdNumberDisclosure.Kind.EDIT_PAGE,
        [holder],
    )


def test_the_export_with_full_numbers_is_not_cached_and_records_the_households(client_for, personas, holder):
    response = client_for(personas["ward_officer"]).get(reverse("households:export"))
    assert "no-store" in response["Cache-Control"]
    record = IdNumberDisclosure.objects.get(kind=IdNumberDisclosure.Kind.HOUSEHOLD_EXPORT)
    assert record.household_count == 2
    assert {h.code for h in record.households.all()} == {"HH-1", "HH-2"}


def test_a_masked_export_is_not_recorded_as_showing_full_numbers(client_for, personas, holder):
    response = client_for(personas["district_officer"]).get(reverse("households:export"))
    assert "no-store" in response["Cache-Control"]
    assert not IdNumberDisclosure.objects.exists()


def test_the_certificate_is_not_cached_and_records_the_household(client_for, review):
    household = review["households"]["a"]
    Member.objects.filter(household=household, relationship="head").update(id_number=NUMBER)
    status = OfficialStatus.objects.create(
        household=household,
        round=review["round"],
        case=review["cases"]["a"],
        ward=review["ward"],
        year=2026,
        standard=review["standards"]["national-2022"],
        household_class="poor",
        decision_number="1/QĐ",
        decision_date=date(2026, 11, 1),
        effective_from=date(2027, 1, 1),
    )
    ward_officer = review["personas"]["ward_officer"]
    response = client_for(ward_officer).get(reverse("reviews:certificate", args=[status.pk]))
    assert NUMBER in page_text(response)
    assert "no-store" in response["Cache-Control"]
    record = IdNumberDisclosure.objects.get()
    assert (record.user, record.kind, list(record.households.all())) == (
        ward_officer,
        IdNumberDisclosure.Kind.CERTIFICATE,
        [household],
    )


def test_the_ward_officers_list_of_poor_households_is_not_cached_and_records_the_households(client_for, review):
    from tests.reviews.conftest import survey

    survey(review["cases"]["a"], review["personas"]["village_head"])
    ward_officer = review["personas"]["ward_officer"]
    url = reverse("reviews:report", args=[review["round"].pk, review["ward"].code, "poor"])
    response = client_for(ward_officer).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    record = IdNumberDisclosure.objects.get()
    assert (record.user, record.kind) == (ward_officer, IdNumberDisclosure.Kind.LIST_REPORT)
    assert [h.code for h in record.households.all()] == ["HH-A"]


def test_a_district_officers_masked_list_is_not_recorded_as_full_numbers(client_for, review):
    url = reverse("reviews:report", args=[review["round"].pk, review["ward"].code, "poor"])
    response = client_for(review["personas"]["district_officer"]).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert not IdNumberDisclosure.objects.exists()
