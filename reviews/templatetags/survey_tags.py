"""Filters of the survey's member cards: which questions a card asks at the person's age (from the facts'
declared ages, policies/facts.py)."""

from django import template

from policies import facts as declared

register = template.Library()


@register.filter
def asks(member_form, name: str) -> bool:
    return member_form.asked(name)


@register.filter
def fact_ages(name: str) -> str:
    """ "15-" (15 and over), "0-15", "" (every age): the bounds the page's script checks the age against."""
    fact = declared.FACTS.get(name)
    if fact is None or fact.ages == (None, None):
        return ""
    low, high = fact.ages
    return f"{'' if low is None else low}-{'' if high is None else high}"
