"""``{% error_summary form %}``: after a failed save, one box at the top of the form that says what to fix,
each error a link to its field (a form or a formset, e.g. the survey's member cards). The page's script
(static/js/portal.js) scrolls to it and gives it focus, so a phone user lands on it, not 1,300 px above
the first error."""

from django import template
from django.forms import BaseFormSet
from django.utils.translation import gettext as _

register = template.Library()


def _form_errors(form, prefix_label: str = "") -> list[dict]:
    items = []
    for error in form.non_field_errors():
        items.append({"anchor": "", "label": prefix_label, "message": error})
    for field in form:
        if field.is_hidden:
            # A hidden field's error (the version read, an id) is about the whole form.
            items.extend({"anchor": "", "label": prefix_label, "message": error} for error in field.errors)
            continue
        label = f"{prefix_label} · {field.label}" if prefix_label else str(field.label)
        items.extend({"anchor": field.auto_id or "", "label": label, "message": error} for error in field.errors)
    return items


def error_items(form) -> list[dict]:
    if isinstance(form, BaseFormSet):
        items = [{"anchor": "", "label": "", "message": error} for error in form.non_form_errors()]
        for number, member_form in enumerate(form.forms, start=1):
            name = getattr(member_form.instance, "full_name", "") or _("Member %(n)d") % {"n": number}
            items.extend(_form_errors(member_form, str(name)))
        return items
    return _form_errors(form)


@register.inclusion_tag("includes/_error_summary.html")
def error_summary(*forms):
    """One summary for one form or several shown on one page (``{% error_summary form other %}``; a list
    of forms counts as its forms)."""
    flat = [f for item in forms for f in (item if isinstance(item, list | tuple) else [item])]
    return {"items": [entry for f in flat if getattr(f, "is_bound", False) for entry in error_items(f)]}
