"""Every engine code and enumeration value has a Vietnamese sentence or label; money reads as Vietnamese."""

import re
import string
from decimal import Decimal

import pytest
from django.utils import translation

from policies import classification as engine
from policies import explain
from policies import vocabulary as v
from policies.classification import REASON_CODES, Reason


def placeholders_of_engine_code(code: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(REASON_CODES[code]) if name}


SAMPLE_PARAMS = {
    "age": 34,
    "dependants": 3,
    "members": 4,
    "definition": "age_or_incapacity",
    "share": "0.5",
    "education": "primary",
    "required": "upper_secondary",
    "count": 2,
    "parts": ("walls", "roof"),
    "per_person": Decimal("1500000.00"),
    "minimum": Decimal("8"),
    "source": "surface_water",
    "latrine": "simple_pit",
    "devices": ("tv", "radio"),
    "line": 1_500_000,
    "upper": 2_250_000,
    "social_allowance_12m": 0,
    "area_type": "rural",
    "cutoff": 3,
    "missing": ("income_line", "deprivation_cutoff"),
    "question": "household_waste",
    "answer": "burned",
    "answers": ("burned", "discarded"),
    "questions": ("household_waste", "digital_services"),
}


def test_every_engine_reason_code_has_a_template_and_no_template_is_left_over():
    assert set(explain.REASON_TEMPLATES) == set(REASON_CODES)


@pytest.mark.parametrize("code", sorted(REASON_CODES))
def test_each_template_uses_the_same_placeholders_as_the_engine_code(code):
    in_template = set(re.findall(r"%\((\w+)\)s", str(explain.REASON_TEMPLATES[code])))
    assert in_template == placeholders_of_engine_code(code)


@pytest.mark.parametrize("code", sorted(REASON_CODES))
def test_each_reason_reads_as_a_translated_vietnamese_sentence(code):
    params = {name: SAMPLE_PARAMS[name] for name in placeholders_of_engine_code(code) if name != "member_name"}
    reason = Reason(code, member_ref="1", member_name="Nguyễn Văn A", params=params)
    with translation.override("en"):
        english = str(explain.REASON_TEMPLATES[code])
    with translation.override("vi"):
        sentence = explain.explain_reason(reason)
        assert str(explain.REASON_TEMPLATES[code]) != english, f"{code} is not translated"
    assert "%(" not in sentence and "{" not in sentence
    if "member_name" in placeholders_of_engine_code(code):
        assert "Nguyễn Văn A" in sentence


@pytest.mark.parametrize("constant", sorted(v.ENGINE_VOCABULARY))
def test_every_engine_enumeration_value_has_a_translated_label(constant):
    choices = v.ENGINE_VOCABULARY[constant]
    assert [value for value, _ in choices] == list(getattr(engine, constant))
    for value, label in choices:
        with translation.override("en"):
            english = str(label)
        with translation.override("vi"):
            assert str(label) != english, f"{constant}.{value} is not translated"


def test_the_dimensions_and_dependant_definitions_in_the_shipped_data_have_labels():
    import json

    from policies.services import FIXTURE

    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    dimensions = {i["dimension"] for s in data for i in s["indicators"]}
    definitions = {i["params"]["dependant_definition"] for s in data for i in s["indicators"] if i["rule"] == "dependants"}
    assert dimensions <= dict(v.DIMENSION_CHOICES).keys()
    assert definitions <= dict(v.DEPENDANT_DEFINITION_CHOICES).keys()
    params = {key for s in data for i in s["indicators"] for key in i["params"]}
    assert params <= v.PARAM_LABELS.keys()


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1_500_000, "1.500.000 đồng"),
        (0, "0 đồng"),
        (999, "999 đồng"),
        (Decimal("1500000.00"), "1.500.000 đồng"),
        (Decimal("83333.33"), "83.333 đồng"),  # whole đồng on the page; the value stays exact
        (Decimal("1500000.50"), "1.500.001 đồng"),
    ],
)
def test_money_is_shown_in_dong_with_dot_thousands_separators(amount, text):
    with translation.override("vi"):
        assert explain.format_vnd(amount) == text


def test_the_class_labels_are_the_legal_vietnamese_terms():
    with translation.override("vi"):
        assert [explain.class_label(c) for c in engine.CLASSES] == [
            "Hộ nghèo",
            "Hộ cận nghèo",
            "Hộ có mức sống trung bình",
            "Không thuộc hộ nghèo, cận nghèo",
        ]


def test_a_reason_names_the_member_and_labels_the_facts_in_vietnamese():
    with translation.override("vi"):
        assert explain.explain_reason(Reason("unsafe_water", params={"source": "surface_water"})) == (
            "Nguồn nước sinh hoạt của hộ (nước mặt (sông, hồ, ao)) không phải nguồn nước sạch"
        )
        assert explain.explain_reason(
            Reason("no_health_insurance", member_ref="1", member_name="Trần Thị B", params={"age": 40})
        ) == ("Trần Thị B, 40 tuổi, không có thẻ bảo hiểm y tế")
