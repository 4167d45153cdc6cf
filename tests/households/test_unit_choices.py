"""Village choices: ward → village for a list that spans wards, natural order within each."""

import re

from django.urls import reverse

from tests.conftest import make_unit


def _options(body: str) -> str:
    return body[body.index('name="village"') :].split("</select>")[0]


def test_the_city_officers_village_filter_goes_ward_then_village_in_natural_order(client, territory, personas):
    for i in (10, 3):
        make_unit(f"20236-1{i:02d}", f"Tổ dân phố {i}", "village", territory["ward"])
    client.force_login(personas["city_officer"])
    # The city chooses a ward first (no city-wide select of villages), then that ward's villages, in natural order.
    assert re.findall(r'value="\d+"', _options(client.get(reverse("households:list")).content.decode())) == []
    page = client.get(reverse("households:list"), {"ward": territory["ward"].pk}).content.decode()
    villages = re.findall(r'value="\d+"[^>]*>([^<]+)</option>', _options(page))
    assert villages == ["Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 3", "Tổ dân phố 10"]


def test_a_ward_officers_filter_is_one_flat_list(client, territory, personas):
    client.force_login(personas["ward_officer"])
    select = _options(client.get(reverse("households:list")).content.decode())
    assert "<optgroup" not in select
    assert re.findall(r'value="\d+"[^>]*>([^<]+)</option>', select) == ["Tổ dân phố 1", "Tổ dân phố 2"]
