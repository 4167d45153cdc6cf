"""The one reading of a sum of money as people in Đà Nẵng type it: whole đồng, or a refusal.

Every money input of the portal (survey income, calculator, standards' lines, support amounts)
goes through ``parse_money``; nothing else turns typed money into a number. Pure: no Django, no
project imports (``policies.money_fields`` is the form layer).

The Vietnamese convention decides (TCVN, and what every bank slip shows): ``.`` or a space groups
thousands, ``,`` is the decimal mark. So:

- ``36.000.000``, ``36000000``, ``36 000 000``, ``36.000.000 đ`` → 36,000,000;
- ``36 triệu``, ``36tr``, ``1,5 tỷ``, ``500k``, ``500 nghìn``, ``1 tỷ 200 triệu`` → the amount,
  and the spoken ``2tr5`` (= 2,5 triệu);
- ``1.5 triệu`` → 1,500,000: before a unit, a dot followed by one or two digits cannot group
  thousands, so it can only be a decimal point;
- ``1.500.000,00`` → 1,500,000 (zero cents, as spreadsheets print it); ``1,500,000`` → 1,500,000
  (two comma groups can only be grouping);
- refused, with a message saying what to type instead: anything ambiguous — ``36.000000`` (what a
  browser's number field sends for ``36.000.000``: never 36), ``1.500 triệu`` (1,5 or 1.500
  triệu?), ``36,000`` (36 thousand or 36 with decimals?) —, fractions of a đồng (``36,5``),
  negatives, absurdly large sums and anything else.

A refusal is a ``MoneyError`` (a ``ValueError``) carrying ``code``, an English ``message`` msgid
(translated by the Django layer, as ``policies.facts`` labels are) and its ``params``.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction


def _(message: str) -> str:
    """Marks a msgid for makemessages; translation happens in the Django layer."""
    return message


# More than a thousand trillion đồng is no household's, policy's or line's amount: a typing slip.
MAX_DONG = 10**15

MESSAGES = {
    "empty": _("Enter an amount."),
    "invalid": _("“%(text)s” is not an amount. Type it like 36.000.000, 36000000 or 36 triệu."),
    "negative": _("An amount of money cannot be negative."),
    "fraction": _("Money is counted in whole đồng: “%(text)s” has a part of a đồng."),
    "number_field": _("“%(text)s” is ambiguous (a dot followed by more than three digits). Type 36.000.000 or 36000000."),
    "grouping": _("“%(text)s”: the digits between dots or spaces must come in groups of three, like 36.000.000."),
    "single_comma": _("“%(text)s” is ambiguous: a comma marks decimals in Vietnamese. Type 36.000 or 36 nghìn."),
    "ambiguous_unit": _("“%(text)s” is ambiguous. Type %(decimal)s or %(thousands)s."),
    "too_large": _("This amount is implausibly large; check the number of zeros."),
}


class MoneyError(ValueError):
    """A typed amount the portal refuses to guess at."""

    def __init__(self, code: str, text: str = "", params: dict[str, str] | None = None) -> None:
        self.code = code
        self.text = text
        self.params = dict(params or {})
        super().__init__(self.message % self.all_params)

    @property
    def message(self) -> str:
        """The English msgid (translate it, then apply ``all_params``)."""
        return MESSAGES[self.code]

    @property
    def all_params(self) -> dict[str, str]:
        return {"text": self.text, **self.params}

    def __str__(self) -> str:
        return self.message % self.all_params


# Units, longest spelling first so that "triệu" is not read as "tr" + "iệu". Typed without
# diacritics too (an old keyboard, a phone without Telex).
UNITS: tuple[tuple[str, int], ...] = (
    ("triệu", 10**6),
    ("trieu", 10**6),
    ("tr", 10**6),
    ("tỷ", 10**9),
    ("tỉ", 10**9),
    ("ty", 10**9),
    ("ti", 10**9),
    ("nghìn", 10**3),
    ("nghin", 10**3),
    ("ngàn", 10**3),
    ("ngan", 10**3),
    ("k", 10**3),
)
# The currency named after the amount: "đ", "đồng", "vnd", …; optional.
CURRENCY = re.compile(r"\s*(?:đồng|dong|vnđ|vnd|đ|d)\.?$")
ZERO_WORDS = frozenset({"không", "không có", "khong", "khong co", "0"})

_UNIT_ALTERNATION = "|".join(re.escape(spelling) for spelling, _value in UNITS)
_UNIT_VALUES = dict(UNITS)
# One "number unit" part: 36 triệu, 1,5 tỷ, 1.5 tr, 500k.
_PART = re.compile(rf"(?P<number>\d[\d.,\s]*?)\s*(?P<unit>{_UNIT_ALTERNATION})(?![a-zà-ỹ])")
# Digits spoken after the last unit: "2tr5" is 2,5 triệu, "1 tỷ 2" is 1,2 tỷ.
_TAIL = re.compile(r"\d{1,3}")

_PLAIN = re.compile(r"\d+")
_DOT_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
_SPACE_GROUPED = re.compile(r"\d{1,3}(?: \d{3})+")
_COMMA_GROUPED = re.compile(r"\d{1,3}(?:,\d{3}){2,}")
_ZERO_CENTS = re.compile(r"(?P<whole>\d{1,3}(?:\.\d{3})*|\d+),0{1,2}")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    # No-break and thin spaces (what a copied bank figure carries) are spaces; runs of them one.
    text = re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text).strip()
    return text.replace("−", "-").replace("–", "-")


def parse_money(text: str) -> int:
    """Whole đồng from ``text`` as typed; raises ``MoneyError`` on anything it will not guess at."""
    original = str(text if text is not None else "").strip()
    cleaned = _normalise(original)
    if not cleaned:
        raise MoneyError("empty", original)
    if cleaned.startswith("-"):
        raise MoneyError("negative", original)
    if cleaned in ZERO_WORDS:
        return 0
    cleaned = CURRENCY.sub("", cleaned).strip()
    if not cleaned:
        raise MoneyError("invalid", original)
    if len(cleaned) > 40:
        raise MoneyError("too_large", original[:40] + "…")
    read = _with_units if re.search(r"[a-zà-ỹ]", cleaned) else _whole_number
    amount = read(cleaned, original)
    if amount > MAX_DONG:
        raise MoneyError("too_large", original)
    return amount


def _whole_number(text: str, original: str) -> int:
    """A number without units: whole đồng, grouped by dots or spaces or not at all."""
    for pattern in (_PLAIN, _DOT_GROUPED, _SPACE_GROUPED, _COMMA_GROUPED):
        if pattern.fullmatch(text):
            return int(re.sub(r"[., ]", "", text))
    zero_cents = _ZERO_CENTS.fullmatch(text)
    if zero_cents:
        return int(zero_cents["whole"].replace(".", ""))
    if re.fullmatch(r"\d+\.\d{4,}", text):
        # "36.000000": a number field's rendering of 36.000.000. Never 36, never a guess.
        raise MoneyError("number_field", original)
    if re.fullmatch(r"\d{1,3},\d{3}", text):
        raise MoneyError("single_comma", original)
    if re.fullmatch(r"[\d.]+,\d+", text) or re.fullmatch(r"\d+,\d+", text):
        raise MoneyError("fraction", original)
    if re.fullmatch(r"\d+(?:[.]\d+)+", text) or re.fullmatch(r"\d+(?: \d+)+", text):
        raise MoneyError("grouping", original)
    raise MoneyError("invalid", original)


def _unit_number(number: str, unit: str, original: str) -> Fraction:
    """The number written before a unit, exactly (``1,5``, ``1.5``, ``1.500``, ``36``)."""
    number = number.replace(" ", "")
    if re.fullmatch(r"\d+", number):
        return Fraction(int(number))
    if re.fullmatch(r"\d+,\d+", number):
        whole, decimals = number.split(",")
        return Fraction(int(whole)) + Fraction(int(decimals), 10 ** len(decimals))
    if re.fullmatch(r"\d+\.\d{1,2}", number):
        # Two digits or fewer after a dot cannot group thousands: it is a decimal point.
        whole, decimals = number.split(".")
        return Fraction(int(whole)) + Fraction(int(decimals), 10 ** len(decimals))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
        # 1.500 triệu: 1500 triệu by the Vietnamese convention, 1,5 triệu to an English keyboard.
        decimal = number.replace(".", ",").rstrip("0").rstrip(",")
        raise MoneyError(
            "ambiguous_unit", original, {"decimal": f"{decimal} {unit}", "thousands": f"{number.replace('.', '')} {unit}"}
        )
    raise MoneyError("invalid", original)


def _with_units(text: str, original: str) -> int:
    """``36 triệu``, ``1,5 tỷ``, ``1 tỷ 200 triệu``, ``2tr5``: parts in falling units, then an
    optional tail of one to three digits read as decimals of the last unit."""
    total = Fraction(0)
    position = 0
    last_unit: int | None = None
    while True:
        match = _PART.match(text, position)
        if not match:
            break
        unit = _UNIT_VALUES[match["unit"]]
        if last_unit is not None and unit >= last_unit:
            raise MoneyError("invalid", original)  # "5 triệu 2 tỷ": units must fall
        total += _unit_number(match["number"].strip(), match["unit"], original) * unit
        last_unit = unit
        position = match.end()
        while position < len(text) and text[position] == " ":
            position += 1
    if last_unit is None:
        raise MoneyError("invalid", original)
    rest = text[position:]
    if rest:
        if not _TAIL.fullmatch(rest):
            raise MoneyError("invalid", original)
        total += Fraction(int(rest), 10 ** len(rest)) * last_unit
    if total.denominator != 1:
        raise MoneyError("fraction", original)
    return int(total)


def group_dong(amount: int) -> str:
    """``36000000`` → ``36.000.000``: the Vietnamese grouping, whole đồng."""
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(int(amount)):,}".replace(",", ".")


def whole_dong(amount, line: int | None = None) -> int:
    """An exact amount (int or Decimal: a per-person average has cents) in whole đồng, rounded half
    up, for display only: stored and compared values stay exact. An amount above a whole-đồng
    ``line`` never shows as the line itself (2.000.000,40 over a line of 2.000.000 shows 2.000.001);
    an amount at or under a line cannot round above it."""
    exact = Fraction(amount)
    shown = int(abs(exact) + Fraction(1, 2)) * (-1 if exact < 0 else 1)
    if line is not None and shown <= line < exact:
        return int(line) + 1
    return shown


def per_person_month(amount_12m: int, members: int) -> int:
    """A year's amount per person per month, rounded half up to whole đồng (display only: the
    engine decides classes on exact integers)."""
    if members < 1:
        raise ValueError("members must be at least 1")
    quotient, remainder = divmod(amount_12m, 12 * members)
    return quotient + (1 if 2 * remainder >= 12 * members else 0)
