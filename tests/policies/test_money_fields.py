"""MoneyField and its "read as" line (policies/money_fields.py, policies:money_preview)."""

import re

import pytest
from django import forms
from django.urls import reverse

from policies.forms import StandardChangeForm, SupportPolicyVersionForm
from policies.money_fields import MoneyField, MoneyInput


class OneAmount(forms.Form):
    amount = MoneyField(label="Tiền lương", max_value=100_000_000_000, members=4, none_button=True)


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("36.000.000", 36_000_000),
        ("36 triệu", 36_000_000),
        ("36tr", 36_000_000),
        ("1,5 tỷ", 1_500_000_000),
        ("0", 0),
        ("Không có", 0),
        ("", None),
    ],
)
def test_the_field_saves_whole_dong_and_an_empty_box_is_not_answered(typed, saved):
    form = OneAmount({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == saved


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("36.000000", "không rõ nghĩa"),
        ("1.500 triệu", "Nhập 1,5 triệu hoặc 1500 triệu"),
        ("-5", "không được âm"),
        ("ba triệu", "không phải là số tiền"),
        ("36,5", "đồng chẵn"),
        ("200 tỷ", "lớn bất thường"),
    ],
)
def test_the_field_refuses_what_it_will_not_guess_at_in_vietnamese(typed, message):
    form = OneAmount({"amount": typed})
    assert not form.is_valid()
    assert message in " ".join(form.errors["amount"])


def test_the_box_is_a_numeric_text_box_never_a_number_field_and_shows_how_it_reads_the_amount():
    html = str(OneAmount(initial={"amount": 36_000_000})["amount"])
    assert 'type="text"' in html and 'type="number"' not in html
    assert 'inputmode="numeric"' in html
    assert 'value="36.000.000"' in html  # a saved amount reads back through the parser
    assert "Hiểu là 36.000.000 đ" in html and "750.000 đ/người/tháng" in html
    assert 'hx-get="/money/"' in html or 'hx-get="' + reverse("policies:money_preview") + '"' in html
    assert 'data-money-none="id_amount"' in html and "Không có" in html
    # CSP: no inline handlers or styles in what the widget renders.
    assert not re.search(r"\son\w+=|style=", html)


def test_an_unanswered_box_is_empty_not_zero():
    html = str(OneAmount()["amount"])
    assert "value=" not in html.split("<input", 1)[1].split(">", 1)[0]


def test_the_standards_and_support_policy_forms_use_the_one_money_field():
    for form_class, names in (
        (StandardChangeForm, ("urban_income_line", "urban_average_upper", "rural_income_line", "rural_average_upper")),
        (SupportPolicyVersionForm, ("amount", "base_amount")),
    ):
        for name in names:
            field = form_class.base_fields[name]
            assert isinstance(field, MoneyField) and isinstance(field.widget, MoneyInput), (form_class, name)
            assert field.clean("1.500.000") == 1_500_000
            with pytest.raises(forms.ValidationError):
                field.clean("1.500000")


def test_the_preview_says_how_the_typed_amount_is_read_and_per_person_per_month(client_for, personas):
    client = client_for(personas["village_head"])
    url = reverse("policies:money_preview")
    body = client.get(url, {"money_field": "income_wages", "income_wages": "36 triệu", "members": "4"}).content.decode()
    assert "36.000.000 đ" in body and "750.000 đ/người/tháng" in body
    body = client.get(url, {"money_field": "income_wages", "income_wages": "36.000000"}).content.decode()
    assert "không rõ nghĩa" in body and "36 đ" not in body
    body = client.get(url, {"money_field": "amount", "amount": "0"}).content.decode()
    assert "Không có (0 đ)" in body
    assert client.get(url, {"money_field": "amount", "amount": ""}).content.decode().strip() == ""
    # A nonsense member count is ignored, not an error.
    assert client.get(url, {"money_field": "a", "a": "1.000.000", "members": "x"}).status_code == 200
    assert client.post(url).status_code == 405


def test_the_admin_forms_use_the_one_money_field_too(rf, personas):
    from django.contrib import admin

    from policies.models import PovertyStandard, SupportPolicy

    request = rf.get("/")
    request.user = personas["admin"]
    standard_admin = admin.site._registry[PovertyStandard]
    form_class = standard_admin.get_form(request)
    assert isinstance(form_class.base_fields["urban_income_line"], MoneyField)
    inline = next(i for i in admin.site._registry[SupportPolicy].get_inline_instances(request))
    formset = inline.get_formset(request)
    assert isinstance(formset.form.base_fields["amount"], MoneyField)
    assert isinstance(formset.form.base_fields["base_amount"], MoneyField)
