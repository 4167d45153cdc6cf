"""Keys over Vietnamese names: the key two records of one person share (a full name with diacritics
folded), the natural order of unit names ("Tổ 2" before "Tổ 10") and ASCII file-name slugs.

Pure (no Django): "Nguyễn Văn  Nam" and "nguyen van nam" give the same key. Diacritics are
dropped (NFD, combining marks removed), đ/Đ become d (the one Vietnamese letter that is not a
letter plus a mark), whitespace is collapsed and case folded. The duplicate review compares this key
exactly, together with the date of birth (see ``households.duplicates``).
"""

from __future__ import annotations

import re
import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def name_key(full_name: str) -> str:
    """The matching key of a full name: ``"Nguyễn Văn Nam"`` -> ``"nguyen van nam"``."""
    text = unicodedata.normalize("NFD", (full_name or "").translate(_EXTRA))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


_NUMBER = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple:
    """The sort key of a unit's name in reading order: ``"Tổ 2"`` before ``"Tổ 10"``.

    Runs of digits compare as numbers, the rest as folded text (``name_key``), so "Tổ 1, 2, … 10, 11"
    and not "1, 10, 11, 2"; the original text breaks ties, so the order is total."""
    parts = _NUMBER.split(name or "")
    return (tuple((0, int(part), "") if part.isdigit() else (1, 0, name_key(part)) for part in parts if part), name or "")


def natural_sorted(items, key=lambda item: item.name) -> list:
    """``items`` (units by default: their ``name``) in :func:`natural_key` order."""
    return sorted(items, key=lambda item: natural_key(key(item)))


def slug(text: str) -> str:
    """An ASCII file-name slug of Vietnamese text: ``"Phường Hải Châu"`` -> ``"phuong-hai-chau"``
    (đ becomes d, as in ``name_key``; Django's slugify alone would drop it)."""
    return "-".join(part for part in re.split(r"[^a-z0-9]+", name_key(text)) if part)
