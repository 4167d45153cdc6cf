"""Display helpers for standards and results: money, confidence badges, rule parameters."""

from __future__ import annotations

import re

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
def vnd(value, line=None) -> str:
    """1500000 -> "1.500.000 đồng", 4444444.44 -> "4.444.444 đồng" (whole đồng, for display only);
    None -> "not set yet". ``amount|vnd:line``: an amount above the line never shows as the line."""
    return explain.format_vnd(value, line)


def shows_sources(context) -> bool:
    """Whether the page's user sees the sources and confidence of the values (officers); a village
    head reads the values and the reasons in plain words only."""
    # The capabilities come from the context processor (households.context_processors): policies does not
    # import the registry (tests/policies/test_boundaries.py).
    return "see_sources" in context.get("portal_caps", ())


@register.simple_tag(takes_context=True)
def sources_shown(context) -> bool:
    """``{% sources_shown as show_sources %}``: ``shows_sources`` for a template."""
    return shows_sources(context)


# The free-text confidences of the shipped data that carry no code, in words.
_FREE_CONFIDENCES = {"not set": gettext_lazy("not set yet"), "not confirmed": gettext_lazy("not confirmed yet")}
_LEADING_CODE = re.compile(r"^(M-H|L-M|H|M|L)\b")


def _confidence_badge(code) -> str:
    if not code:
        return ""
    labels = dict(Confidence.choices)
    if code not in labels:
        # "H for the change; …", "M (assumed …)": the code it starts with; "not set": in words.
        match = _LEADING_CODE.match(code)
        if match is None:
            text = _FREE_CONFIDENCES.get(code.strip().lower(), gettext_lazy("see the notes"))
            return format_html('<span class="badge text-bg-light border text-wrap align-text-top">[{}]</span>', text)
        code = match.group(1)
    colour = {"H": "success", "M-H": "success", "M": "warning", "L-M": "danger", "L": "danger"}[code]
    return format_html('<span class="badge text-bg-{} align-text-top" title="{}">[{}]</span>', colour, labels[code], code)


@register.simple_tag(takes_context=True)
def confidence(context, code) -> str:
    """The confidence of a value as a small badge: [H] read in a source … [L] unverified; nothing
    for a user who does not see sources (``see_sources``)."""
    return _confidence_badge(code) if shows_sources(context) else ""


@register.filter
def legal_source(text) -> str:
    """An indicator's or standard's source as the officers read it (``explain.format_source``)."""
    return explain.format_source(text)


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
def dimension_label(code) -> str:
    """An indicator's dimension ("housing") as the survey names it ("Nhà ở")."""
    return v.label(v.DIMENSION_CHOICES, code)


@register.simple_tag(takes_context=True)
def indicator_params(context, indicator) -> str:
    """Each parameter of an indicator with its value (and confidence, for ``see_sources``), as a list."""
    show = shows_sources(context)
    rows = [
        (
            str(v.PARAM_LABELS.get(key, key)),
            _param_value(key, value),
            _confidence_badge(indicator.confidence.get(key, "")) if show else "",
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
