"""``{% result_margins result as margins %}``: what would change a result, as sentences."""

from django import template

from policies.margin_text import result_margins as _result_margins

register = template.Library()


@register.simple_tag
def result_margins(result) -> list[str]:
    return _result_margins(result)
