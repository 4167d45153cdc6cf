"""The one money parser (policies/money.py): what a village head may type, and what is refused."""

import ast
from pathlib import Path

import pytest

from policies.money import MAX_DONG, MoneyError, group_dong, parse_money, per_person_month

READ = [
    ("36.000.000", 36_000_000),
    ("36000000", 36_000_000),
    ("36 000 000", 36_000_000),
    ("36\u00a0000\u00a0000", 36_000_000),  # copied from a bank slip: no-break spaces
    ("  36.000.000 đ ", 36_000_000),
    ("36.000.000đ", 36_000_000),
    ("36.000.000 đồng", 36_000_000),
    ("36.000.000 VND", 36_000_000),
    ("36 triệu", 36_000_000),
    ("36 Triệu", 36_000_000),
    ("36 trieu", 36_000_000),
    ("36tr", 36_000_000),
    ("36 tr", 36_000_000),
    ("36 triệu đồng", 36_000_000),
    ("1,5 tỷ", 1_500_000_000),
    ("1,5 tỉ", 1_500_000_000),
    ("1 ty", 1_000_000_000),
    ("1.5 triệu", 1_500_000),  # a dot before one or two digits cannot group thousands
    ("2tr5", 2_500_000),
    ("1tr250", 1_250_000),
    ("1 tỷ 200 triệu", 1_200_000_000),
    ("500k", 500_000),
    ("500 nghìn", 500_000),
    ("500 ngàn", 500_000),
    ("36.000", 36_000),  # the Vietnamese grouping: 36 thousand
    ("1,500,000", 1_500_000),  # two comma groups can only be grouping
    ("1.500.000,00", 1_500_000),  # zero cents, as a spreadsheet prints it
    ("0", 0),
    ("không", 0),
    ("Không có", 0),
    (str(MAX_DONG), MAX_DONG),
]

REFUSED = [
    ("36.000000", "number_field"),  # what a number field sends for 36.000.000: never 36
    ("36.0000000", "number_field"),
    ("1.500 triệu", "ambiguous_unit"),  # 1,5 triệu or 1.500 triệu?
    ("36,000", "single_comma"),
    ("36,5", "fraction"),
    ("1.000,5", "fraction"),
    ("1,0000005 triệu", "fraction"),
    ("36.000.00", "grouping"),
    ("12.5", "grouping"),
    ("3 6", "grouping"),
    ("-5", "negative"),
    ("−36.000.000", "negative"),
    ("- 36 triệu", "negative"),
    ("", "empty"),
    ("   ", "empty"),
    ("abc", "invalid"),
    ("tr", "invalid"),
    ("triệu 5", "invalid"),
    ("36 triệu abc", "invalid"),
    ("5 triệu 2 tỷ", "invalid"),
    ("36$", "invalid"),
    ("1e6", "invalid"),
    ("0x10", "invalid"),
    ("đ", "invalid"),
    (str(MAX_DONG + 1), "too_large"),
    ("9" * 5000, "too_large"),
    ("2.000.000 tỷ", "ambiguous_unit"),
    ("2000000 tỷ", "too_large"),
]


@pytest.mark.parametrize(("text", "expected"), READ)
def test_an_amount_typed_the_vietnamese_way_is_read_in_whole_dong(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize(("text", "code"), REFUSED)
def test_an_ambiguous_or_malformed_amount_is_refused_with_a_reason(text, code):
    with pytest.raises(MoneyError) as refused:
        parse_money(text)
    assert refused.value.code == code
    assert isinstance(refused.value, ValueError)
    assert str(refused.value)  # a sentence, with the text filled in


def test_what_a_number_field_sends_for_36_million_never_becomes_36():
    for text in ("36.000000", "36.00000", "36.0000"):
        with pytest.raises(MoneyError) as refused:
            parse_money(text)
        assert "36.000.000" in str(refused.value)


def test_the_refusal_of_an_ambiguous_unit_suggests_both_readings():
    with pytest.raises(MoneyError) as refused:
        parse_money("1.500 triệu")
    assert refused.value.params == {"decimal": "1,5 triệu", "thousands": "1500 triệu"}


def test_amounts_are_grouped_with_dots_and_divided_per_person_per_month():
    assert group_dong(36_000_000) == "36.000.000"
    assert group_dong(0) == "0"
    assert group_dong(999) == "999"
    assert per_person_month(36_000_000, 4) == 750_000
    assert per_person_month(100, 12) == 1  # 0,69… rounds half up
    assert per_person_month(5, 1) == 0
    with pytest.raises(ValueError):
        per_person_month(1, 0)


def test_the_parser_imports_nothing_of_django_or_the_project():
    tree = ast.parse(Path("policies/money.py").read_text(encoding="utf-8"))
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {"__future__", "re", "unicodedata", "fractions"}
