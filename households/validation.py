"""Translated messages for the pure checks in ``citizen_ids`` and ``ethnicities``.

The pure modules return stable problem codes; this module turns them into the Vietnamese (via English
msgids) sentences that forms, services and the Excel import show. One source, so a member typed on a
phone and a member read from a spreadsheet get the same words.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from households import citizen_ids
from households.ethnicities import load_ethnic_groups

EARLIEST_BIRTH = date(1900, 1, 1)
QUOTE_LIMIT = 100
# A phone number as people type it: digits, optionally grouped by spaces, dots, hyphens or brackets,
# with one leading + for an international number; 8 to 15 digits (a Vietnamese mobile has 10, a
# landline 11 with its area code, E.164 allows 15). Letters, "/" and two numbers in one cell are refused.
PHONE_SEPARATORS = re.compile(r"[ .()-]")
PHONE_DIGITS = re.compile(r"\+?[0-9]{8,15}")


def quote(value, limit: int = QUOTE_LIMIT) -> str:
    """``value`` as text for a message, cut to ``limit`` characters: a message never repeats a whole cell."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def birth_date_messages(born: date) -> list[str]:
    """A date of birth before 1900 or after today is a typing mistake (the survey refuses the same)."""
    if born > timezone.localdate():
        return [_("The date of birth cannot be in the future.")]
    if born < EARLIEST_BIRTH:
        return [_("Check the year of birth: it is before 1900.")]
    return []


def phone_messages(phone: str) -> list[str]:
    """``phone`` (already stripped; empty is allowed) must be one phone number."""
    if phone and not PHONE_DIGITS.fullmatch(PHONE_SEPARATORS.sub("", phone)):
        return [_("Enter one phone number: 8 to 15 digits, which may be grouped with spaces, dots or hyphens.")]
    return []


def id_number_messages(number: str, *, sex: str | None, birth_date: date | None) -> list[str]:
    """Everything wrong with ``number`` for this member, as sentences a person can act on."""
    if sex not in (citizen_ids.MALE, citizen_ids.FEMALE):
        sex = None
    messages = []
    for problem in citizen_ids.check_citizen_id(number, sex=sex, birth_date=birth_date):
        p = problem.params
        if problem.code == citizen_ids.NOT_12_DIGITS:
            messages.append(_("A citizen ID number has exactly 12 digits."))
        elif problem.code == citizen_ids.UNKNOWN_PROVINCE:
            messages.append(
                _("The first three digits (%(province)s) are not the code of a province.") % {"province": p["province"]}
            )
        elif problem.code == citizen_ids.CENTURY_SEX_MISMATCH:
            messages.append(
                _(
                    "The 4th digit is %(found)s, but for this sex and year of birth it must be %(expected)s. "
                    "Check the number, the sex and the date of birth."
                )
                % {"found": p["found_digit"], "expected": p["expected_digit"]}
            )
        elif problem.code == citizen_ids.BIRTH_YEAR_MISMATCH:
            messages.append(
                _("Digits 5–6 are %(found)s, but the year of birth ends in %(expected)s. Check the number and the date of birth.")
                % {"found": p["found"], "expected": p["expected"]}
            )
        elif problem.code == citizen_ids.CENTURY_OUT_OF_RANGE:
            messages.append(_("The year of birth %(year)s cannot be right.") % {"year": p["year"]})
        else:  # pragma: no cover - a new code in citizen_ids must get a sentence here
            messages.append(problem.code)
    return messages


def ethnicity_codes() -> frozenset[str]:
    return frozenset(code for code, _name in load_ethnic_groups())


def ethnicity_by_name() -> dict[str, str]:
    """Lower-cased GSO name -> code, so spreadsheets may hold either ("Kinh" or "01")."""
    return {name.casefold(): code for code, name in load_ethnic_groups()}
