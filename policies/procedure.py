"""The review procedure's numbers as dated data (``policies/fixtures/procedure.json``).

One record per validity period, like the standards: the time to answer a Form 01 / Form 04 request,
the share of a village meeting's attendees who must agree, the periodic review's window, and the
public posting and complaint re-check periods in working days, each with its legal source and
confidence. The workflow, the forms and the messages read them from here; no number of the
procedure is written in code or in a message id.

The procedure is national law and the city's plan, which change with a release (like the shipped
standards), so the record is a reviewed file rather than rows an officer edits; ``check_procedure``
(a system check) refuses a file with a value lacking its source, an unknown confidence or
overlapping periods, so a broken file stops the portal at start-up instead of in a deadline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

PROCEDURE_FILE = Path(__file__).resolve().parent / "fixtures" / "procedure.json"
CONFIDENCE_MARKS = ("H", "M-H", "M", "L-M", "L")
# The values every record holds, in the order officers see them.
VALUE_KEYS = (
    "request_answer_days",
    "meeting_agree_share",
    "periodic_window",
    "posting_working_days",
    "recheck_working_days",
)


class ProcedureError(ValueError):
    """The procedure file is not usable (the message says where)."""


@dataclass(frozen=True)
class Sourced:
    value: object
    basis: str  # the short citation shown beside the number ("Quyết định 24/2021/QĐ-TTg")
    source: str  # what the text says, for officers
    confidence: str


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    valid_from: date
    valid_to: date | None
    request_answer_days: int
    meeting_agree_share: Fraction
    periodic_from: tuple[int, int]  # (month, day)
    periodic_to: tuple[int, int]
    posting_working_days: int
    recheck_working_days: int
    sources: dict[str, Sourced]

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def periodic_window(self, year: int) -> tuple[date, date]:
        """The first and last day of the periodic review of ``year``."""
        return date(year, *self.periodic_from), date(year, *self.periodic_to)

    @property
    def meeting_share_text(self) -> str:
        """The meeting share as people read it: "50%"."""
        from decimal import Decimal

        from policies.explain import format_number

        share = self.meeting_agree_share
        return f"{format_number(Decimal(share.numerator) * 100 / Decimal(share.denominator))}%"

    def meeting_passes(self, attendees: int, votes_for: int) -> bool:
        """Whether a village meeting agreed with its list: at least the share of the attendees voted for."""
        return attendees > 0 and Fraction(votes_for, attendees) >= self.meeting_agree_share


def _month_day(text: object, where: str) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in str(text).split("-"))
        date(2000, month, day)  # a leap year: 29 February is a possible day
    except (TypeError, ValueError):
        raise ProcedureError(f"{where}: {text!r} is not a month-day like '09-01'") from None
    return month, day


def _positive_int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ProcedureError(f"{where}: {value!r} is not a positive whole number")
    return value


def _share(value: object, where: str) -> Fraction:
    try:
        share = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise ProcedureError(f"{where}: {value!r} is not a share like '1/2'") from None
    if not 0 < share <= 1:
        raise ProcedureError(f"{where}: a share must be above 0 and at most 1, not {value!r}")
    return share


def _date(value: object, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ProcedureError(f"{where}: {value!r} is not a date like 2021-07-16") from None


def parse_version(raw: dict) -> Procedure:
    code = str(raw.get("code") or "")
    where = f"procedure {code or '?'}"
    values = raw.get("values") or {}
    missing = [key for key in VALUE_KEYS if key not in values]
    unknown = sorted(set(values) - set(VALUE_KEYS))
    if not code or missing or unknown:
        raise ProcedureError(f"{where}: needs a code and exactly the values {VALUE_KEYS}; missing {missing}, unknown {unknown}")
    sources: dict[str, Sourced] = {}
    for key in VALUE_KEYS:
        entry = values[key]
        if not isinstance(entry, dict) or not all(str(entry.get(k) or "").strip() for k in ("basis", "source")):
            raise ProcedureError(f"{where}.{key}: every value needs its legal basis and source")
        if entry.get("confidence") not in CONFIDENCE_MARKS:
            raise ProcedureError(f"{where}.{key}: confidence must be one of {CONFIDENCE_MARKS}, not {entry.get('confidence')!r}")
        sources[key] = Sourced(entry.get("value"), entry["basis"].strip(), entry["source"].strip(), entry["confidence"])
    window = sources["periodic_window"].value
    if not isinstance(window, dict):
        raise ProcedureError(f"{where}.periodic_window: needs 'from' and 'to'")
    periodic_from = _month_day(window.get("from"), f"{where}.periodic_window.from")
    periodic_to = _month_day(window.get("to"), f"{where}.periodic_window.to")
    if periodic_to <= periodic_from:
        raise ProcedureError(f"{where}.periodic_window: must end after it starts, within one year")
    valid_from = _date(raw.get("valid_from"), f"{where}.valid_from")
    valid_to = None if raw.get("valid_to") is None else _date(raw["valid_to"], f"{where}.valid_to")
    if valid_to is not None and valid_to < valid_from:
        raise ProcedureError(f"{where}: valid_to is before valid_from")
    return Procedure(
        code=code,
        name=str(raw.get("name") or code),
        valid_from=valid_from,
        valid_to=valid_to,
        request_answer_days=_positive_int(sources["request_answer_days"].value, f"{where}.request_answer_days"),
        meeting_agree_share=_share(sources["meeting_agree_share"].value, f"{where}.meeting_agree_share"),
        periodic_from=periodic_from,
        periodic_to=periodic_to,
        posting_working_days=_positive_int(sources["posting_working_days"].value, f"{where}.posting_working_days"),
        recheck_working_days=_positive_int(sources["recheck_working_days"].value, f"{where}.recheck_working_days"),
        sources=sources,
    )


def parse(document: dict) -> tuple[Procedure, ...]:
    """Every record of a procedure document, oldest first; periods must not overlap."""
    versions = tuple(sorted((parse_version(raw) for raw in document.get("versions") or ()), key=lambda v: v.valid_from))
    if not versions:
        raise ProcedureError("the procedure file holds no record")
    for older, newer in zip(versions, versions[1:], strict=False):
        if older.valid_to is None or older.valid_to >= newer.valid_from:
            raise ProcedureError(f"procedure {older.code} overlaps {newer.code}: end it the day before the next begins")
    return versions


@lru_cache(maxsize=1)
def versions() -> tuple[Procedure, ...]:
    """The shipped records (read once per process)."""
    return parse(json.loads(PROCEDURE_FILE.read_text(encoding="utf-8")))


def rules_on(day: date, records: tuple[Procedure, ...] | None = None) -> Procedure:
    """The record in force on ``day``; before the first record, the first one (the law as the portal
    knows it) rather than nothing, so old data stays readable."""
    records = versions() if records is None else records
    for record in reversed(records):
        if record.covers(day):
            return record
    if day < records[0].valid_from:
        return records[0]
    raise ProcedureError(f"no procedure record covers {day.isoformat()}: add one to {PROCEDURE_FILE.name}")


def current() -> Procedure:
    from django.utils import timezone

    return rules_on(timezone.localdate())


def default_posting_working_days() -> int:
    """A new round's posting period (model default): the procedure in force today."""
    return current().posting_working_days


def default_recheck_working_days() -> int:
    return current().recheck_working_days


# The procedure's rules in a sentence, one home each (pages and messages use these).
def request_rule_text(rules: Procedure) -> str:
    from django.utils.translation import gettext as _

    return _("A request is decided, or refused with reasons, within %(days)d days of receipt (%(basis)s).") % {
        "days": rules.request_answer_days,
        "basis": rules.sources["request_answer_days"].basis,
    }


def meeting_rule_text(rules: Procedure) -> str:
    from django.utils.translation import gettext as _

    return _(
        "A village list passes its meeting when at least %(share)s of the attendees agree (%(basis)s); otherwise it "
        "goes back to the village head for re-survey and a new meeting."
    ) % {"share": rules.meeting_share_text, "basis": rules.sources["meeting_agree_share"].basis}


def confidence_label(mark: str) -> str:
    from policies.models import Confidence

    return str(Confidence(mark).label)


def period_help_text(rules: Procedure, name: str) -> str:
    """The help of a round's period setting: the procedure's value, where it comes from and how sure it is."""
    from django.utils.translation import gettext as _

    sourced = rules.sources[name]
    return _("The procedure's value is %(days)d working days (%(basis)s; %(confidence)s).") % {
        "days": getattr(rules, name),
        "basis": sourced.basis,
        "confidence": confidence_label(sourced.confidence),
    }


def value_rows(rules: Procedure) -> list[dict]:
    """The record's values as officers read them: what, how much, on what basis, how sure."""
    from django.utils.translation import gettext as _

    start, end = rules.periodic_window(2000)
    shown = {
        "request_answer_days": (
            _("Time to decide or answer a Form 01 / Form 04 request"),
            _("%(n)d days") % {"n": rules.request_answer_days},
        ),
        "meeting_agree_share": (
            _("Share of the village meeting's attendees who must agree"),
            _("at least %(share)s") % {"share": rules.meeting_share_text},
        ),
        "periodic_window": (
            _("Periodic review window"),
            f"{start.strftime('%d/%m')} – {end.strftime('%d/%m')}",
        ),
        "posting_working_days": (
            _("Public posting (default of a new round)"),
            _("%(n)d working days") % {"n": rules.posting_working_days},
        ),
        "recheck_working_days": (
            _("Complaint re-check, phúc tra (default of a new round)"),
            _("%(n)d working days") % {"n": rules.recheck_working_days},
        ),
    }
    return [
        {
            "key": key,
            "label": shown[key][0],
            "value": shown[key][1],
            "basis": rules.sources[key].basis,
            "source": rules.sources[key].source,
            "confidence": rules.sources[key].confidence,
            "confidence_label": confidence_label(rules.sources[key].confidence),
        }
        for key in VALUE_KEYS
    ]
