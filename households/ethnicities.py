"""Vietnam's 54 ethnic groups with their GSO two-digit codes.

The list is data (``data/ethnic_groups.csv``, columns ``code,name``), taken from
the GSO catalogue issued by Decision 121-TCTK/PPCĐ of 02/03/1979: 01 Kinh,
02 Tày, … Names are written as GSO writes them. Pure Python, no Django import.
"""

from __future__ import annotations

import csv
import unicodedata
from functools import cache
from pathlib import Path

__all__ = ["ETHNICITY_CHOICES", "ETHNIC_GROUPS_CSV", "load_ethnic_groups"]

ETHNIC_GROUPS_CSV = Path(__file__).resolve().parent / "data" / "ethnic_groups.csv"


@cache
def load_ethnic_groups() -> tuple[tuple[str, str], ...]:
    """``(code, name)`` pairs in code order, e.g. ``("01", "Kinh")``.

    Raises ValueError if a code is not two digits or appears twice, or a name
    is empty.
    """
    groups: list[tuple[str, str]] = []
    seen: set[str] = set()
    with ETHNIC_GROUPS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            code = (row.get("code") or "").strip()
            name = unicodedata.normalize("NFC", (row.get("name") or "").strip())
            if len(code) != 2 or not code.isascii() or not code.isdigit():
                raise ValueError(f"{ETHNIC_GROUPS_CSV.name}: bad code {code!r}")
            if code in seen:
                raise ValueError(f"{ETHNIC_GROUPS_CSV.name}: duplicate code {code!r}")
            if not name:
                raise ValueError(f"{ETHNIC_GROUPS_CSV.name}: empty name for {code!r}")
            seen.add(code)
            groups.append((code, name))
    groups.sort()
    return tuple(groups)


#: Django ``choices`` for a two-character code field: ``[("01", "Kinh"), …]``.
ETHNICITY_CHOICES: list[tuple[str, str]] = list(load_ethnic_groups())
