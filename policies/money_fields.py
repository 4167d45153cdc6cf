"""The form layer of the one money parser (``policies.money``): ``MoneyField`` for every money input
of the portal, its ``MoneyInput`` widget, and the "understood as" line shown beside it.

The widget is a text box (``inputmode="numeric"``), never ``type="number"``: a browser's number
field turns a typed ``36.000.000`` into ``36.000000`` and Django's integer field then saved 36
đồng. As the amount is typed, htmx asks ``policies:money_preview`` how it is read and shows the
grouped amount (and, for a year's income, per person per month) under the box; the page shows the
same line on load, rendered here. "Không có" fills an explicit 0 (``static/js/portal.js``): an
empty box means *not answered*, never 0.
"""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from policies.money import MoneyError, group_dong, parse_money, per_person_month

UNDERSTOOD_TEMPLATE = "policies/_money_understood.html"


def money_error_text(error: MoneyError) -> str:
    """The refusal as a sentence in the active language."""
    return gettext(error.message) % error.all_params


def understood(text: object, *, members: int | None = None) -> dict:
    """What the "understood as" line says about ``text``: the amount grouped (and, for a year's
    amount of a household of ``members``, per person per month), or why it is refused; nothing
    when empty."""
    raw = "" if text is None else str(text).strip()
    if not raw:
        return {"state": "empty"}
    try:
        amount = parse_money(raw)
    except MoneyError as exc:
        return {"state": "refused", "message": money_error_text(exc)}
    context: dict = {"state": "read", "amount": amount, "grouped": group_dong(amount)}
    if members:
        context["per_person_month"] = group_dong(per_person_month(amount, members))
    return context


def render_understood(text: object, *, members: int | None = None) -> str:
    return render_to_string(UNDERSTOOD_TEMPLATE, understood(text, members=members))


class MoneyInput(forms.TextInput):
    """A text box for money with the "understood as" line and, when ``none_button``, "Không có"."""

    template_name = "policies/widgets/money_input.html"

    def __init__(self, attrs=None, *, members: int | None = None, none_button: bool = False):
        base = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false", "data-money": ""}
        super().__init__({**base, **(attrs or {})})
        # A year's amount of a household of ``members`` is also shown per person per month.
        self.members = members
        self.none_button = none_button

    def format_value(self, value):
        # A saved amount is shown as people write it, so that it reads back through the parser.
        if isinstance(value, int) and not isinstance(value, bool):
            return group_dong(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        element_id = widget["attrs"].get("id") or f"id_{name}"
        target = f"{element_id}-understood"
        params = {"money_field": name}
        if self.members:
            params["members"] = self.members
        widget["attrs"].update(
            {
                "hx-get": reverse("policies:money_preview"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{target}",
                "hx-swap": "innerHTML",
                "hx-vals": json.dumps(params),
                "aria-describedby": " ".join(filter(None, [widget["attrs"].get("aria-describedby"), target])),
            }
        )
        widget["understood_id"] = target
        line = understood(self.format_value(value), members=self.members)
        # On a page load a refusal is already the field's error; the live line repeats it only as typed.
        widget["understood"] = line if line["state"] != "refused" else {"state": "empty"}
        widget["none_button"] = self.none_button
        return context


class MoneyField(forms.Field):
    """A non-negative whole number of đồng read by ``policies.money.parse_money``.

    Empty gives ``empty_value``: None (*not answered* / *not set*) unless the caller says otherwise.
    ``max_value`` refuses sums no household or policy has (a slip of zeros)."""

    default_error_messages = {
        "max_value": _("This amount is implausibly large; check the number of zeros."),
    }

    def __init__(
        self,
        *,
        empty_value: int | None = None,
        max_value: int | None = None,
        members: int | None = None,
        none_button: bool = False,
        **kwargs,
    ):
        self.empty_value = empty_value
        self.max_value = max_value
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MoneyInput(members=members, none_button=none_button))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if not text:
            return self.empty_value
        try:
            amount = parse_money(text)
        except MoneyError as exc:
            raise ValidationError(money_error_text(exc), code=exc.code) from None
        if self.max_value is not None and amount > self.max_value:
            raise ValidationError(self.error_messages["max_value"], code="max_value")
        return amount

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True
