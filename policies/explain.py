"""Turn the engine's structured reasons into sentences a village head can read aloud.

The engine returns ``Reason(code, member_name, params)``; here each code has one translatable
template (English msgid, Vietnamese in policies/locale) and each parameter is formatted for people:
money as "1.500.000 đồng", enumeration values through ``policies.vocabulary``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from policies import facts as declared_facts
from policies import vocabulary as v
from policies.classification import ClassificationResult, Reason
from policies.money import whole_dong

REASON_TEMPLATES = {
    "unemployed": gettext_lazy("%(member_name)s, aged %(age)s, of working age, is unemployed"),
    "wage_without_contract": gettext_lazy(
        "%(member_name)s, aged %(age)s, of working age, works for wages without a labour contract"
    ),
    "dependants_over_half": gettext_lazy(
        "%(dependants)s of %(members)s members are dependants (%(definition)s), more than %(share)s of members"
    ),
    "child_stunted": gettext_lazy("%(member_name)s, aged %(age)s, is stunted"),
    "child_underweight": gettext_lazy("%(member_name)s, aged %(age)s, is underweight"),
    "no_health_insurance": gettext_lazy("%(member_name)s, aged %(age)s, has no health insurance card"),
    "adult_education_lacking": gettext_lazy(
        "%(member_name)s, aged %(age)s, has completed %(education)s, needs %(required)s, and is not studying"
    ),
    "child_not_in_school": gettext_lazy("%(member_name)s, aged %(age)s, is not attending school"),
    "non_durable_parts": gettext_lazy("%(count)s main parts of the dwelling are not durable: %(parts)s"),
    "floor_area_below": gettext_lazy("floor area is %(per_person)s m² per person, under the minimum of %(minimum)s m²"),
    "unsafe_water": gettext_lazy("the household's water source (%(source)s) is not a clean source"),
    "unhygienic_latrine": gettext_lazy("the household's latrine (%(latrine)s) is not hygienic"),
    "no_telecom": gettext_lazy("no member uses telecom or internet services"),
    "no_information_device": gettext_lazy("the household has none of %(devices)s and is out of reach of the village loudspeaker"),
    "household_answer": gettext_lazy("the answer to “%(question)s” is “%(answer)s”"),
    "member_answer": gettext_lazy("%(member_name)s, aged %(age)s: %(question)s: %(answer)s"),
    "members_share_answer": gettext_lazy(
        "%(count)s of %(members)s members in the age band: %(question)s: %(answers)s, more than %(share)s of them"
    ),
    "answers_missing": gettext_lazy("the survey has not answered %(questions)s yet, so no class is given on default answers"),
    "income_at_or_below_line": gettext_lazy("income is %(per_person)s per person per month, at or under the line of %(line)s"),
    "income_above_line": gettext_lazy("income is %(per_person)s per person per month, above the line of %(line)s"),
    "income_within_average_band": gettext_lazy(
        "income without state social allowances (%(social_allowance_12m)s over 12 months) is %(per_person)s "
        "per person per month, at or under the average-living-standard upper band of %(upper)s"
    ),
    "income_above_average_band": gettext_lazy(
        "income without state social allowances (%(social_allowance_12m)s over 12 months) is %(per_person)s "
        "per person per month, above the average-living-standard upper band of %(upper)s"
    ),
    "average_band_not_set": gettext_lazy("the standard has no average-living-standard band for %(area_type)s areas"),
    "deprivations_at_or_above_cutoff": gettext_lazy("deprived on %(count)s indicators, at or above the cut-off of %(cutoff)s"),
    "deprivations_below_cutoff": gettext_lazy("deprived on %(count)s indicators, below the cut-off of %(cutoff)s"),
    "standard_incomplete": gettext_lazy("the standard has no %(missing)s for %(area_type)s areas yet, so no class can be given"),
}

# Parameters that are money (đồng) and how each enumeration-valued parameter is labelled.
_MONEY = {"per_person", "line", "upper", "social_allowance_12m"}
# A parameter whose unit is not money although its name is in ``_MONEY``, by reason: the floor area
# per person is square metres (the sentence says "m²/người"), shown as a plain number.
_NOT_MONEY = {"floor_area_below": {"per_person"}}
# The income sentences compare the per-person amount with a line (the parameter named here): the
# whole đồng shown never crosses it.
_COMPARED_WITH = {
    "income_at_or_below_line": "line",
    "income_above_line": "line",
    "income_within_average_band": "upper",
    "income_above_average_band": "upper",
}
_ENUM = {
    "education": v.EDUCATION_CHOICES,
    "required": v.EDUCATION_CHOICES,
    "source": v.WATER_SOURCE_CHOICES,
    "latrine": v.LATRINE_CHOICES,
    "definition": v.DEPENDANT_DEFINITION_CHOICES,
}
_ENUM_LISTS = {"parts": v.HOUSING_PART_CHOICES, "devices": v.DEVICE_CHOICES, "missing": v.STANDARD_VALUE_CHOICES}
_AREA_IN_SENTENCE = {"urban": gettext_lazy("urban"), "rural": gettext_lazy("rural")}


def format_number(value: int | Decimal, decimals: int = 2) -> str:
    """Dot thousands separator, comma decimals, decimals shown only when not zero: 1.500.000 / 12,5."""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount).quantize(Decimal(1).scaleb(-decimals)) if decimals else abs(amount)
    whole, _dot, fraction = f"{amount:f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    fraction = fraction.rstrip("0")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def format_vnd(value: int | Decimal | None, line: int | None = None) -> str:
    """Money in whole đồng: "1.500.000 đồng"; 833.333,33 shows as 833.333 (the value itself stays
    exact). Given the ``line`` it is compared with, an amount above the line never shows as the line
    (``money.whole_dong``)."""
    if value is None:
        return _("not set yet")
    return _("%(amount)s đồng") % {"amount": format_number(whole_dong(value, line))}


# The shipped data writes its sources in English ("Decree 07/2021/NĐ-CP, Annex, indicator 8"); shown
# in Vietnamese they read as the documents are cited. Longest phrases first.
_SOURCE_PHRASES_VI = (
    (
        re.compile(r"\(indicator set; wording not yet read\), carried over from "),
        "(bộ chỉ số; chưa đọc nội dung), kế thừa từ ",
    ),
    (
        re.compile(r"Đà Nẵng city standard \(exists \[M\]\); thresholds not found, to be entered by the city department"),
        "Chuẩn nghèo thành phố Đà Nẵng (có văn bản); chưa tìm thấy các mức chuẩn, Sở nhập sau",
    ),
    (re.compile(r"validity extended to (\d{4})-(\d{2})-(\d{2}) by "), r"hiệu lực kéo dài đến \3/\2/\1 theo "),
    (re.compile(r"\bDecree\b"), "Nghị định"),
    (re.compile(r"\bCircular\b"), "Thông tư"),
    (re.compile(r"\bResolution\b"), "Nghị quyết"),
    (re.compile(r"\bDecision\b"), "Quyết định"),
    (re.compile(r"\bAnnex\b"), "Phụ lục"),
    (re.compile(r"\bArt\.\s*"), "Điều "),
    (re.compile(r"\bindicator\b"), "chỉ số"),
    (re.compile(r"\band\b"), "và"),
)


def format_source(text: str | None) -> str:
    """A source note of the data, in Vietnamese when the page is (other words are left as written)."""
    if not text:
        return ""
    text = str(text)
    if (get_language() or "").startswith("vi"):
        for pattern, replacement in _SOURCE_PHRASES_VI:
            text = pattern.sub(replacement, text)
    return text


def format_share(value: object) -> str:
    """A share written in the data as 0.5 shown as "50%"."""
    return f"{format_number(Decimal(str(value)) * 100)}%"


def _join(labels: Iterable[str]) -> str:
    return ", ".join(labels)


def _in_sentence(text: str) -> str:
    # Choice labels are capitalised for forms; inside a sentence they are not.
    return text[:1].lower() + text[1:]


def reason_params(reason: Reason) -> dict[str, str]:
    params: dict[str, str] = {"member_name": reason.member_name or ""}
    question = reason.params.get("question")
    for key, value in reason.params.items():
        if key == "question":
            params[key] = _in_sentence(str(v.fact_label(value)))  # type: ignore[arg-type]
        elif key == "answer":
            if isinstance(value, tuple | list | frozenset):
                params[key] = _join(_in_sentence(v.value_label(question, item)) for item in value)  # type: ignore[arg-type]
            else:
                params[key] = _in_sentence(v.value_label(question, value))  # type: ignore[arg-type]
        elif key == "answers":
            params[key] = _join(_in_sentence(v.value_label(question, item)) for item in value)  # type: ignore[arg-type, attr-defined]
        elif key == "questions":
            params[key] = _join(_in_sentence(str(v.fact_label(item))) for item in value)  # type: ignore[attr-defined]
        elif key in _MONEY and key not in _NOT_MONEY.get(reason.code, ()):
            line = reason.params.get(_COMPARED_WITH.get(reason.code, "")) if key == "per_person" else None
            params[key] = format_vnd(value, line)  # type: ignore[arg-type]
        elif key in _ENUM:
            params[key] = _in_sentence(v.label(_ENUM[key], value))  # type: ignore[arg-type]
        elif key in _ENUM_LISTS:
            params[key] = _join(_in_sentence(v.label(_ENUM_LISTS[key], item)) for item in value)  # type: ignore[attr-defined]
        elif key == "share":
            params[key] = format_share(value)
        elif key == "area_type":
            params[key] = str(_AREA_IN_SENTENCE.get(value, value))  # type: ignore[call-overload]
        elif isinstance(value, int | Decimal) and not isinstance(value, bool):
            params[key] = format_number(value)
        else:
            params[key] = str(value)
    return params


def explain_reason(reason: Reason) -> str:
    """One Vietnamese sentence for one reason; an unknown code is shown as the code (and a test fails)."""
    template = REASON_TEMPLATES.get(reason.code)
    if template is None:
        return reason.code
    sentence = str(template) % reason_params(reason)
    return sentence[:1].upper() + sentence[1:]


def class_label(household_class: str | None) -> str:
    if household_class is None:
        return _("No class: the standard is not complete yet")
    return v.label(v.CLASS_CHOICES, household_class)


def missing_by_section(missing: Iterable[str]) -> list[dict]:
    """The unanswered facts grouped by the survey section that asks them, in survey order:
    ``[{"section": "income", "title": "Thu nhập", "questions": ["Thu nhập 12 tháng qua"]}]``."""
    keys = set(missing)
    groups = []
    for section, title in v.SECTION_CHOICES:
        questions = [str(v.fact_label(f.key)) for f in declared_facts.FACTS.values() if f.section == section and f.key in keys]
        if questions:
            groups.append({"section": section, "title": str(title), "questions": questions})
    return groups


def explain_result(result: ClassificationResult) -> dict:
    """A template-ready view of one result: labels and sentences, values left for the template.

    A result with answers missing is provisional ("tạm tính"): it names what is missing, by
    section, and the class the answers so far point to, if the income is known."""
    provisional = bool(result.missing_answers)
    return {
        "class_code": result.household_class,
        "class_label": class_label(result.household_class),
        "provisional": provisional,
        "provisional_label": v.label(v.CLASS_CHOICES, result.provisional_class) if result.provisional_class else "",
        "missing": missing_by_section(result.missing_answers),
        "income_known": "income_12m" not in result.missing_answers,
        "reasons": [explain_reason(r) for r in result.reasons],
        "deprivations": [
            {
                "key": d.key,
                "name": d.name,
                "dimension": v.label(v.DIMENSION_CHOICES, d.dimension),
                "reasons": [explain_reason(r) for r in d.reasons],
            }
            for d in result.deprivations
        ],
    }


def result_rows(pairs: Iterable[tuple[object, ClassificationResult]]) -> list[dict]:
    """Template rows for ``policies/_result.html``: each standard (a PovertyStandard with its indicators
    prefetched) with its result and the explanation, each deprivation linked to its indicator row
    (for the values used and their confidence). Used by the calculator and by the review survey."""
    rows = []
    for standard, result in pairs:
        indicators = {indicator.key: indicator for indicator in standard.indicators.all()}
        explained = explain_result(result)
        for deprivation in explained["deprivations"]:
            deprivation["indicator"] = indicators[deprivation["key"]]
        rows.append({"standard": standard, "result": result, "explained": explained})
    return rows


# ----------------------------------------------------------------------------- entitlements

ENTITLEMENT_TEMPLATES = {
    "class_by_standard": gettext_lazy("%(household_class)s by the %(standard)s standard"),
    "escaped_within_years": gettext_lazy(
        "escaped %(from_class)s status by the %(standard)s standard on %(escaped_on)s, within %(years)s years"
    ),
    "member_age_in_band": gettext_lazy("%(member_name)s, aged %(age)s, is in the age band %(age_from)s to under %(age_to)s"),
    "member_in_school": gettext_lazy("%(member_name)s is attending school"),
    "member_has_disability": gettext_lazy("%(member_name)s has a disability"),
    "member_no_working_capacity": gettext_lazy("%(member_name)s has no working capacity"),
    "member_elderly": gettext_lazy("%(member_name)s, aged %(age)s, is elderly (from %(elderly_age)s)"),
}
STANDARD_LABELS = {
    "national-2022": gettext_lazy("national (Decree 07/2021)"),
    "national-2027": gettext_lazy("national (Decree 351/2025)"),
    "city-danang": gettext_lazy("Đà Nẵng city"),
}
_FROM_CLASS = {"poor": gettext_lazy("poor"), "near_poor": gettext_lazy("near-poor")}


def explain_entitlement_reason(reason) -> str:
    """One sentence for one ``policies.eligibility.Reason``; an unknown code is shown as the code."""
    template = ENTITLEMENT_TEMPLATES.get(reason.code)
    if template is None:
        return reason.code
    params: dict[str, str] = {"member_name": reason.member_name or ""}
    for key, value in reason.params.items():
        if key == "household_class":
            params[key] = _in_sentence(v.label(v.CLASS_CHOICES, value))
        elif key == "from_class":
            params[key] = str(_FROM_CLASS.get(value, value))
        elif key == "standard":
            params[key] = str(STANDARD_LABELS.get(value, value))
        elif hasattr(value, "strftime"):
            params[key] = value.strftime("%d/%m/%Y")
        elif value is None:
            params[key] = "—"
        else:
            params[key] = str(value)
    sentence = str(template) % params
    return sentence[:1].upper() + sentence[1:]


def explain_entitlement(reasons) -> list[str]:
    return [explain_entitlement_reason(r) for r in reasons]
