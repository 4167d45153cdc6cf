from django import template

from households import citizen_ids

register = template.Library()


@register.filter
def mask_id(number: str) -> str:
    return citizen_ids.mask(number or "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
