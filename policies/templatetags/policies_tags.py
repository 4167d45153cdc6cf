"""Display helpers for standards and results: money, confidence badges, rule parameters."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policies import explain
from policies import vocabulary as v
from policies.models import Confidence

register = template.Library()

_PARAM_ENUMS = {
    "parts": v.HOUSING_PART_CHOICES,
    "devices": v.DEVICE_CHOICES,
    "dependant_definition": v.DEPENDANT_DEFINITION_CHOICES,
}


@register.filter
def vnd(value) -> str:
    """1500000 -> "1.500.000 đồng"; None -> "not set yet"."""
    return explain.format_vnd(value)


@register.simple_tag
def confidence(code) -> str:
    """The confidence of a value as a small badge: [H] read in a source … [L] unverified.

    Free-text confidences in the data ("not set", "H for the change, …") are shown as they are."""
    if not code:
        return ""
    labels = dict(Confidence.choices)
    if code in labels:
        colour = {"H": "success", "M-H": "success", "M": "warning", "L-M": "danger", "L": "danger"}[code]
        return format_html('<span class="badge text-bg-{} align-text-top" title="{}">[{}]</span>', colour, labels[code], code)
    return format_html('<span class="badge text-bg-light border text-wrap align-text-top">[{}]</span>', code)


def _param_value(key: str, value) -> str:
    if key == "acceptable":
        choices = v.WATER_SOURCE_CHOICES + v.LATRINE_CHOICES
        return ", ".join(v.label(choices, item) for item in value)
    if key in _PARAM_ENUMS:
        if isinstance(value, list | tuple):
            return ", ".join(v.label(_PARAM_ENUMS[key], item) for item in value)
        return v.label(_PARAM_ENUMS[key], value)
    if key == "share":
        return explain.format_share(value)
    if key == "bands":
        return "; ".join(
            _("%(age_from)s–%(age_to)s years: %(required)s%(vocational)s")
            % {
                "age_from": band["age_from"],
                "age_to": band["age_to"],
                "required": v.label(v.EDUCATION_CHOICES, band["required_education"]),
                "vocational": _(" or vocational training") if band["vocational_counts"] else "",
            }
            for band in value
        )
    return str(value)


@register.simple_tag
def indicator_params(indicator) -> str:
    """Each parameter of an indicator with its value and confidence, as a definition list."""
    rows = [
        (
            str(v.PARAM_LABELS.get(key, key)),
            _param_value(key, value),
            confidence(indicator.confidence.get(key, "")),
        )
        for key, value in indicator.params.items()
    ]
    if not rows:
        return format_html('<span class="text-muted">{}</span>', _("no parameters"))
    items = format_html_join("", "<li>{}: <strong>{}</strong> {}</li>", rows)
    return format_html('<ul class="list-unstyled small mb-0">{}</ul>', items)


_TARGET_KINDS = {
    "poor": gettext_lazy("poor households"),
    "near_poor": gettext_lazy("near-poor households"),
    "average": gettext_lazy("average-living-standard households"),
    "escaped_poverty": gettext_lazy("households that escaped poverty"),
    "escaped_near_poverty": gettext_lazy("households that escaped near-poverty"),
}


@register.simple_tag
def target_group(group: dict) -> str:
    """{"kind": "escaped_poverty", "standard": "national-2022", "within_years": 3} as a phrase."""
    kind = str(_TARGET_KINDS.get(group.get("kind"), group.get("kind")))
    standard = str(explain.STANDARD_LABELS.get(group.get("standard"), group.get("standard")))
    text = _("%(kind)s by the %(standard)s standard") % {"kind": kind, "standard": standard}
    if group.get("within_years"):
        text += " " + _("within %(years)s years") % {"years": group["within_years"]}
    return text


@register.simple_tag
def member_condition(condition: dict) -> str:
    parts = []
    if condition.get("age_from") is not None or condition.get("age_to") is not None:
        parts.append(
            _("aged %(from)s to under %(to)s") % {"from": condition.get("age_from") or 0, "to": condition.get("age_to") or "—"}
        )
    if condition.get("in_school"):
        parts.append(_("attending school"))
    if condition.get("has_disability"):
        parts.append(_("with a disability"))
    if condition.get("no_working_capacity"):
        parts.append(_("without working capacity"))
    if condition.get("elderly_from") is not None:
        parts.append(_("elderly, from %(age)s") % {"age": condition["elderly_from"]})
    return ", ".join(parts) or _("every member")
