"""The home page's "Việc cần làm" per role, and blocked steps shown disabled with every reason, in Vietnamese.

Dates are pinned: the round of the review fixture runs 1 Sep – 14 Dec 2026; services take ``today=`` and
the pages read the day through ``today_is``.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from households.models import AdminUnit
from reviews import services, workflow
from reviews.models import Case, VillageList, WardList
from tests.conftest import make_household, make_unit

pytestmark = pytest.mark.django_db

OCT_1 = date(2026, 10, 1)


def content(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", content(response)).split())


def ward_list(review) -> WardList:
    return WardList.objects.get(round=review["round"], ward=review["ward"])


def add_villages(review, n, status=VillageList.Status.OPEN, start=0):
    """``n`` more villages of the ward ("Tổ 100", "Tổ 101" …), each with one household in scope."""
    villages = []
    for i in range(start, start + n):
        village = make_unit(f"20236-{100 + i}", f"Tổ {100 + i}", AdminUnit.Level.VILLAGE, review["ward"])
        household = make_household(village, f"HH-V{100 + i}", members=1)
        VillageList.objects.update_or_create(round=review["round"], village=village, defaults={"status": status})
        Case.objects.create(round=review["round"], household=household, village=village, inclusion="form01")
        villages.append(village)
    return villages


# ----------------------------------------------------------------------------- blocked steps


def test_posting_is_refused_naming_every_village_that_has_not_submitted_or_met(review):
    add_villages(review, 12)
    VillageList.objects.filter(round=review["round"], village=review["village"]).update(status=VillageList.Status.SUBMITTED)
    found = workflow.blockers("ward_post", ward_list(review), today=OCT_1)
    assert [b.message for b in found] == [
        "Các thôn/tổ sau chưa gửi danh sách",
        "Các thôn/tổ sau chưa thống nhất danh sách tại họp dân",
    ]
    assert found[0].names == ("Tổ dân phố 2", *(f"Tổ {100 + i}" for i in range(12)))
    assert found[1].names == ("Tổ dân phố 1",)
    # The service refuses with the same reasons (the rule lives once, in the workflow).
    with pytest.raises(workflow.WorkflowError) as refused:
        services.ward_post(ward_list=ward_list(review), user=review["personas"]["ward_officer"], starts_on=OCT_1, today=OCT_1)
    assert refused.value.messages == [str(b) for b in found]
    assert refused.value.messages[0].endswith("Tổ 108 và 3 thôn/tổ khác")


def test_the_ward_page_shows_posting_disabled_with_ten_villages_then_the_rest_folded(client_for, review, today_is):
    today_is(OCT_1)
    add_villages(review, 40)
    page = client_for(review["personas"]["ward_officer"]).get(
        reverse("reviews:ward_detail", args=[review["round"].pk, review["ward"].code])
    )
    html = content(page)
    [blocked] = re.findall(r'<div class="card card-body blocked-step" data-blocked-step="ward_post">.*?</ul>', html, re.S)
    assert re.search(r"<button[^>]*disabled[^>]*>Niêm yết công khai danh sách</button>", blocked)
    shown, more, rest = re.search(
        r"<li>Các thôn/tổ sau chưa gửi danh sách: (.*?)<details.*?<summary[^>]*>(.*?)</summary>(.*?)</details>", blocked, re.S
    ).groups()
    # 42 villages: Tổ dân phố 1 and 2 of the fixture, then Tổ 100 … Tổ 139.
    assert shown.strip() == "Tổ dân phố 1, Tổ dân phố 2, " + ", ".join(f"Tổ {100 + i}" for i in range(8))
    assert more == "và 32 thôn/tổ khác"
    assert rest.strip() == ", ".join(f"Tổ {108 + i}" for i in range(32))
    # The next step is shown too, disabled: first the posting, with the same villages.
    [after] = re.findall(r'data-blocked-step="ward_submit">.*?</ul>', html, re.S)
    assert "Cần làm trước: Niêm yết công khai danh sách." in after and "và 32 thôn/tổ khác" in after
    assert 'action="/rounds/' not in blocked  # no form behind a disabled button


def test_sending_is_disabled_while_complaints_are_open_naming_each_household(client_for, review, today_is):
    today_is(date(2026, 11, 2))
    VillageList.objects.filter(round=review["round"]).update(status=VillageList.Status.MEETING_PASSED)
    WardList.objects.filter(pk=ward_list(review).pk).update(
        status=WardList.Status.POSTED, posting_starts_on=date(2026, 10, 5), posting_ends_on=date(2026, 10, 9)
    )
    for key in ("a", "b"):
        services.complaint_record(
            case=review["cases"][key],
            user=review["personas"]["ward_officer"],
            received_on=date(2026, 10, 6),
            complainant="Lê Thị B",
            content="Hộ có xe",
            today=date(2026, 10, 6),
        )
    page = text(
        client_for(review["personas"]["ward_officer"]).get(
            reverse("reviews:ward_detail", args=[review["round"].pk, review["ward"].code])
        )
    )
    assert "Báo cáo, xin ý kiến về danh sách xã/phường Chưa thực hiện được vì: Còn 2 khiếu nại đang phúc tra: HH-A, HH-B" in page


def test_the_statistician_sees_no_step_of_the_ward_list_enabled_or_disabled(client_for, review, today_is):
    today_is(OCT_1)
    html = content(
        client_for(review["personas"]["statistician"]).get(
            reverse("reviews:ward_detail", args=[review["round"].pk, review["ward"].code])
        )
    )
    assert "blocked-step" not in html and "Niêm yết công khai danh sách" not in html


def test_the_village_head_sees_submitting_disabled_with_every_household_left(client_for, review, today_is):
    today_is(OCT_1)
    for i in range(11):
        household = make_household(review["village"], f"HH-X{i:02d}", members=1)
        Case.objects.create(round=review["round"], household=household, village=review["village"], inclusion="form01")
    html = content(
        client_for(review["personas"]["village_head"]).get(
            reverse("reviews:village_cases", args=[review["round"].pk, review["village"].code])
        )
    )
    [blocked] = re.findall(r'data-blocked-step="village_submit">.*?</ul>', html, re.S)
    assert re.search(r"<button[^>]*disabled[^>]*>Gửi danh sách thôn/tổ</button>", blocked)
    assert "Còn 13 hộ chưa được nhận diện nhanh hoặc rà soát: Nguyễn Văn HH-A-0 (HH-A)" in blocked
    assert "và 3 hộ khác" in blocked and "Nguyễn Văn HH-X10-0 (HH-X10)" in blocked
