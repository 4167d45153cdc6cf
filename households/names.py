"""The key two records of one person share: a full name with Vietnamese diacritics folded.

Pure (no Django): "Nguyễn Văn  Nam" and "nguyen van nam" give the same key. Diacritics are
dropped (NFD, combining marks removed), đ/Đ become d (the one Vietnamese letter that is not a
letter plus a mark), whitespace is collapsed and case folded. The duplicate review compares this key
exactly, together with the date of birth (see ``households.duplicates``).
"""

from __future__ import annotations

import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def name_key(full_name: str) -> str:
    """The matching key of a full name: ``"Nguyễn Văn Nam"`` -> ``"nguyen van nam"``."""
    text = unicodedata.normalize("NFD", (full_name or "").translate(_EXTRA))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())
