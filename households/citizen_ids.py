"""Checks for 12-digit Vietnamese citizen ID numbers (số định danh cá nhân / CCCD).

Layout: ``PPP C YY NNNNNN``

* ``PPP``    code of the province where the birth was registered: one of the 63
  legacy province codes (``data/provinces_legacy_63.csv``) padded to 3 digits,
  e.g. Đà Nẵng ``048``, Quảng Nam ``049``;
* ``C``      century of birth and sex: 0/1 = 1900s male/female, 2/3 = 2000s,
  4/5 = 2100s, 6/7 = 2200s, 8/9 = 2300s;
* ``YY``     last two digits of the birth year;
* ``NNNNNN`` a random number.

There is no check digit, so a well-formed number can still be wrong; the checks
here only catch what the structure and the member's sex and birth date reveal.

Pure Python (standard library only): no Django import, so it can be used from
forms, models, import commands and tests alike.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

__all__ = [
    "IdProblem",
    "check_citizen_id",
    "expected_prefix",
    "load_province_codes",
    "is_number_query",
    "is_whole_number",
    "mask",
    "normalize",
    "MALE",
    "FEMALE",
    "FIRST_CENTURY_YEAR",
    "LAST_CENTURY_YEAR",
]

PROVINCES_CSV = Path(__file__).resolve().parent / "data" / "provinces_legacy_63.csv"

MALE = "male"
FEMALE = "female"
_SEXES = (MALE, FEMALE)

#: Digit C covers five centuries: 1900–1999 (0/1) … 2300–2399 (8/9).
FIRST_CENTURY_YEAR = 1900
LAST_CENTURY_YEAR = 2399

ID_LENGTH = 12
_TWELVE_ASCII_DIGITS = re.compile(r"[0-9]{12}")
_WHITESPACE = re.compile(r"\s+")

# Problem codes (stable identifiers; the UI translates them).
NOT_12_DIGITS = "not_12_digits"
UNKNOWN_PROVINCE = "unknown_province"
CENTURY_SEX_MISMATCH = "century_sex_mismatch"
BIRTH_YEAR_MISMATCH = "birth_year_mismatch"
CENTURY_OUT_OF_RANGE = "century_out_of_range"


@dataclass(frozen=True)
class IdProblem:
    """One thing wrong with a citizen ID number.

    ``code`` is a stable identifier; ``params`` holds the values a message needs
    (all strings), e.g. ``IdProblem("unknown_province", {"province": "099"})``.
    """

    code: str
    params: dict = field(default_factory=dict)


@cache
def load_province_codes() -> frozenset[str]:
    """The 63 legacy province codes, padded to 3 digits ("001" … "096")."""
    codes: set[str] = set()
    with PROVINCES_CSV.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code = (row.get("code") or "").strip()
            if not code.isascii() or not code.isdigit() or len(code) > 3:
                raise ValueError(f"{PROVINCES_CSV.name}: bad province code {code!r}")
            codes.add(code.zfill(3))
    return frozenset(codes)


def normalize(number: str) -> str:
    """Remove every whitespace character (people type "048 090 001212")."""
    if not number:
        return ""
    return _WHITESPACE.sub("", number)


#: A search of at least this many digits and nothing else is taken as (part of) an ID number, not a
#: household code: such a search never goes into a URL and matches only a whole number.
NUMBER_QUERY_MIN_DIGITS = 9


def is_whole_number(text: str) -> bool:
    """Twelve ASCII digits once whitespace is removed."""
    return bool(_TWELVE_ASCII_DIGITS.fullmatch(normalize(text)))


def is_number_query(text: str) -> bool:
    """A search text that is an ID number or a piece of one (digits only, 9 or more of them)."""
    digits = normalize(text)
    return digits.isascii() and digits.isdigit() and len(digits) >= NUMBER_QUERY_MIN_DIGITS


def _century_index(year: int) -> int | None:
    """0 for the 1900s … 4 for the 2300s; None outside 1900–2399."""
    if FIRST_CENTURY_YEAR <= year <= LAST_CENTURY_YEAR:
        return (year - FIRST_CENTURY_YEAR) // 100
    return None


def _check_sex(sex: str | None) -> None:
    if sex is not None and sex not in _SEXES:
        raise ValueError(f"sex must be {MALE!r}, {FEMALE!r} or None, not {sex!r}")


def expected_prefix(sex: str, birth_date: date) -> str:
    """Digits 4–6 (C + YY) a person of this sex and birth date must have.

    >>> expected_prefix("female", date(1999, 5, 1))
    '199'

    Raises ValueError for an unknown sex or a birth year outside 1900–2399.
    """
    if sex not in _SEXES:
        raise ValueError(f"sex must be {MALE!r} or {FEMALE!r}, not {sex!r}")
    century = _century_index(birth_date.year)
    if century is None:
        raise ValueError(f"birth year {birth_date.year} is outside {FIRST_CENTURY_YEAR}–{LAST_CENTURY_YEAR}")
    digit = 2 * century + (1 if sex == FEMALE else 0)
    return f"{digit}{birth_date.year % 100:02d}"


def check_citizen_id(number: str, *, sex: str | None, birth_date: date | None) -> list[IdProblem]:
    """Everything wrong with ``number`` for a member of this sex and birth date.

    An empty list means no problem was found (there is no checksum, so this is
    not proof the number is real). Whitespace is ignored. When ``sex`` or
    ``birth_date`` is None, only what can be checked without it is checked:

    * both known: digit C must be exactly the expected digit;
    * only the birth date: C must be one of the century's two digits
      (``expected_digit`` is then e.g. ``"2/3"``);
    * only the sex: C must be even (male) or odd (female)
      (``expected_digit`` is then ``"0/2/4/6/8"`` or ``"1/3/5/7/9"``).

    A number that is not 12 ASCII digits gets only ``not_12_digits``. A birth
    year outside 1900–2399 gives ``century_out_of_range`` (params ``year``);
    the sex (parity of C) and the last two digits of the year are still checked.

    Raises ValueError when ``sex`` is not "male", "female" or None.
    """
    _check_sex(sex)
    digits = normalize(number)
    if not _TWELVE_ASCII_DIGITS.fullmatch(digits):
        return [IdProblem(NOT_12_DIGITS, {})]

    problems: list[IdProblem] = []

    province = digits[:3]
    if province not in load_province_codes():
        problems.append(IdProblem(UNKNOWN_PROVINCE, {"province": province}))

    found_digit = int(digits[3])
    found_yy = digits[4:6]

    century = None
    if birth_date is not None:
        century = _century_index(birth_date.year)
        if century is None:
            problems.append(IdProblem(CENTURY_OUT_OF_RANGE, {"year": str(birth_date.year)}))

    allowed = _allowed_digits(sex, century)
    if allowed is not None and found_digit not in allowed:
        problems.append(
            IdProblem(
                CENTURY_SEX_MISMATCH,
                {
                    "expected_digit": "/".join(str(d) for d in allowed),
                    "found_digit": str(found_digit),
                },
            )
        )

    if birth_date is not None:
        expected_yy = f"{birth_date.year % 100:02d}"
        if found_yy != expected_yy:
            problems.append(IdProblem(BIRTH_YEAR_MISMATCH, {"expected": expected_yy, "found": found_yy}))

    return problems


def _allowed_digits(sex: str | None, century: int | None) -> tuple[int, ...] | None:
    """The values digit C may take, or None when nothing can be said.

    ``century`` is None when the birth date is unknown or out of range; the
    sex (parity of C) can still be checked then.
    """
    if sex is None and century is None:
        return None
    sex_offsets = (0, 1) if sex is None else ((1,) if sex == FEMALE else (0,))
    centuries = range(5) if century is None else (century,)
    return tuple(2 * c + o for c in centuries for o in sex_offsets)


def mask(number: str) -> str:
    """Hide the middle of a number: ``"048090001212"`` -> ``"0480******12"``.

    Shows the first 4 and last 2 digits (whitespace removed). Empty in, empty
    out. A value of 6 characters or fewer is masked entirely, so a short or
    mistyped value is never shown in full.
    """
    digits = normalize(number)
    if len(digits) <= 6:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]
