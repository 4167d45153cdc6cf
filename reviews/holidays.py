"""The working-day calendar as data: the periods of a round counted with it, and its upkeep.

The posting and the complaint re-check (phúc tra) are counted in working days. ``posting_end`` and
``recheck_due`` are the only way the portal computes them (services and pages alike): they read the
confirmed days of the needed date range in one query — public holidays (days off) and Saturdays or
Sundays declared working days (làm bù) — and hand them to the pure ``reviews.calendar``.

Only the fixed days of the Labour Code 2019 (Law 45/2019/QH14, Article 112) ship as data
(``data/public_holidays.csv``, ``manage.py load_holidays``). Tết, Hùng Kings' day, the second National
Day holiday, compensatory days off and swapped working days are announced by the government every
year. The portal computes the expected ones from the lunar calendar (the ``holidays`` package,
``holidays_suggest``); each stays *expected* and counts for nothing until the city officer confirms it
with the announcement's number (``holiday_confirm``) — an announced calendar is authoritative, a
computed one only a proposal. The officer also adds days by hand (``holiday_add``). Every change is a
``Transition`` in the audit log.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

import holidays as holiday_package
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from households.access import require_capability
from reviews import workflow
from reviews.calendar import add_working_days, period_end, working_days_between
from reviews.models import Complaint, PublicHoliday, WardList

DATA_FILE = Path(__file__).resolve().parent / "data" / "public_holidays.csv"


# ----------------------------------------------------------------------------- periods


class Calendar(NamedTuple):
    """The confirmed exceptions to "Monday to Friday" of a date range."""

    days_off: frozenset[date]
    workdays: frozenset[date]  # Saturdays and Sundays declared working days (làm bù)


def calendar_between(first: date, last: date) -> Calendar:
    """The confirmed days off and declared working days from ``first`` to ``last`` (one query);
    expected and rejected suggestions count for nothing."""
    rows = PublicHoliday.objects.counted().between(first, last).values_list("day", "kind")
    return Calendar(
        days_off=frozenset(day for day, kind in rows if kind == PublicHoliday.Kind.DAY_OFF),
        workdays=frozenset(day for day, kind in rows if kind == PublicHoliday.Kind.WORKING_DAY),
    )


def _with_calendar(count: Callable[[Calendar], date], start: date, working_days: int) -> date:
    """Count with the calendar of a window long enough for any ordinary period (one query).

    A result inside the window is exact: later days cannot move it. Only a window crowded with
    holidays (longer than any real Tết break) makes the result fall outside it; then count again on a
    window twice as long.
    """
    span = timedelta(days=2 * working_days + 21)
    while True:
        last = start + span
        result = count(calendar_between(start, last))
        if result <= last:
            return result
        span *= 2


def posting_end(start: date, working_days: int) -> date:
    """Last day of a public posting of ``working_days`` working days that begins on ``start``
    (weekends and public holidays excluded, declared working weekend days included; see
    ``reviews.calendar.period_end``)."""
    return _with_calendar(lambda c: period_end(start, working_days, c.days_off, c.workdays), start, working_days)


def recheck_due(received_on: date, working_days: int) -> date:
    """Due date of a complaint's re-check, ``working_days`` working days after it was received
    (weekends and public holidays excluded, declared working weekend days included; see
    ``reviews.calendar.add_working_days``)."""
    return _with_calendar(
        lambda c: add_working_days(received_on, working_days, c.days_off, c.workdays), received_on, working_days
    )


def working_days_counter(first: date, last: date) -> Callable[[date, date], int]:
    """Working days from one day to another (``reviews.calendar.working_days_between``) for any two days
    from ``first`` to ``last``, on the calendar of that range read once (one query for a whole page)."""
    c = calendar_between(first, last)
    return lambda start, end: working_days_between(start, end, c.days_off, c.workdays)


# ----------------------------------------------------------------------------- upkeep by the city officer


def holiday_years(around: int) -> list[int]:
    """The years the holiday page offers: every year that has a holiday, and this year and the next."""
    years = {d.year for d in PublicHoliday.objects.dates("day", "year")}
    return sorted(years | {around, around + 1})


def reschedule_running_periods(*, user, changed_day: date, today: date | None = None) -> int:
    """After a holiday is added or removed, count again the periods still running that span it: public
    postings that have not ended and complaints still being re-checked. Dates of periods that are over
    stay as they were. Each date that moves is logged on its ward's timeline. Returns how many moved."""
    today = today or timezone.localdate()
    moved = 0
    postings = WardList.objects.filter(
        status=WardList.Status.POSTED,
        posting_starts_on__lte=changed_day,
        posting_ends_on__gte=max(changed_day, today),
    ).select_related("round", "ward")
    for ward_list in postings:
        new_end = posting_end(ward_list.posting_starts_on, ward_list.round.posting_working_days)
        if new_end == ward_list.posting_ends_on:
            continue
        WardList.objects.filter(pk=ward_list.pk).update(posting_ends_on=new_end, version=F("version") + 1)
        workflow.record(
            round_=ward_list.round,
            user=user,
            unit=ward_list.ward,
            action="posting_rescheduled",
            data={"holiday": changed_day.isoformat(), "from": ward_list.posting_ends_on.isoformat(), "to": new_end.isoformat()},
        )
        moved += 1
    complaints = Complaint.objects.filter(
        status=Complaint.Status.OPEN, received_on__lte=changed_day, recheck_due_on__gte=max(changed_day, today)
    ).select_related("case__round", "case__village__parent", "case__household")
    for complaint in complaints:
        new_due = recheck_due(complaint.received_on, complaint.case.round.recheck_working_days)
        if new_due == complaint.recheck_due_on:
            continue
        Complaint.objects.filter(pk=complaint.pk).update(recheck_due_on=new_due)
        workflow.record(
            round_=complaint.case.round,
            user=user,
            unit=complaint.case.village.parent,
            action="recheck_rescheduled",
            data={
                "holiday": changed_day.isoformat(),
                "household": complaint.case.household.code,
                "from": complaint.recheck_due_on.isoformat(),
                "to": new_due.isoformat(),
            },
        )
        moved += 1
    return moved


def _already_listed(day: date) -> ValidationError | None:
    """Why ``day`` cannot be entered again: it already has a live entry (rejected suggestions aside)."""
    existing = PublicHoliday.objects.filter(day=day).exclude(status=PublicHoliday.Status.REJECTED).first()
    if existing is None:
        return None
    shown = date_format(day, "d/m/Y")
    if existing.is_expected:
        message = _("%(day)s is already suggested: confirm or reject the suggestion.") % {"day": shown}
    elif existing.is_working_day:
        message = _("%(day)s is already a declared working day.") % {"day": shown}
    else:
        message = _("%(day)s is already a public holiday.") % {"day": shown}
    return ValidationError({"day": message})


@transaction.atomic
def holiday_add(
    *,
    user,
    day: date,
    name: str,
    kind: str = PublicHoliday.Kind.DAY_OFF,
    announcement: str = "",
    swapped_with: date | None = None,
    note: str = "",
    today: date | None = None,
) -> PublicHoliday:
    """Add a confirmed day to the calendar: a public holiday, or a Saturday / Sunday the government
    declared a working day (làm bù), which needs the announcement's number."""
    scope = require_capability(user, "manage_holidays")
    name, note, announcement = name.strip(), note.strip(), announcement.strip()
    if not name:
        raise ValidationError({"name": _("Give the holiday's name.")})
    if kind == PublicHoliday.Kind.WORKING_DAY:
        if day.weekday() < 5:
            raise ValidationError(
                {
                    "day": _(
                        "%(day)s is a weekday, a working day already: only a Saturday or a Sunday is declared a working day."
                    )
                    % {"day": date_format(day, "d/m/Y")}
                }
            )
        if not announcement:
            raise ValidationError({"announcement": _("Give the number of the announcement that declares this working day.")})
    if swapped_with == day:
        raise ValidationError({"swapped_with": _("A day cannot be swapped with itself.")})
    if (refusal := _already_listed(day)) is not None:
        raise refusal
    holiday = PublicHoliday(
        day=day, kind=kind, name=name, announcement=announcement, swapped_with=swapped_with, note=note, added_by=user
    )
    holiday.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            holiday.save()
    except IntegrityError:  # someone added the same day a moment ago
        raise _already_listed(day) or ValidationError(_("This day could not be saved; try again.")) from None
    data = {"day": day.isoformat(), "name": name}
    if kind != PublicHoliday.Kind.DAY_OFF:
        data["kind"] = kind
    if announcement:
        data["announcement"] = announcement
    workflow.record(round_=None, user=user, unit=scope.unit, action="holiday_add", reason=note, data=data)
    reschedule_running_periods(user=user, changed_day=day, today=today)
    return holiday


# ----------------------------------------------------------------------------- expected days (the lunar calendar)


@dataclass(frozen=True)
class ExpectedDay:
    day: date
    kind: str
    name: str
    swapped_with: date | None = None


def expected_days(year: int) -> list[ExpectedDay]:
    """Vietnam's public holidays of ``year`` as the ``holidays`` package computes them (Labour Code 2019
    Art. 112: the fixed days, Tết and Giỗ Tổ Hùng Vương from the lunar calendar, the second National
    Day day, the days off that make up for a holiday on a weekend), with their Vietnamese names, and
    the Saturdays / Sundays it knows were declared working days. A proposal, not the announcement."""
    # The next year too: a working Saturday in late December can belong to next year's Tết swap.
    computed = holiday_package.country_holidays("VN", years=[year, year + 1], language="vi")
    days = [
        ExpectedDay(day=day, kind=PublicHoliday.Kind.DAY_OFF, name=name[:150])
        for day, name in sorted(computed.items())
        if day.year == year
    ]
    with override(settings.LANGUAGE_CODE):
        workday_name = _("Working day (làm bù)")
    for day in sorted(d for d in computed.weekend_workdays if d.year == year):
        # The package names the day off after the working day it swaps with ("thay cho ngày 22/08/2026").
        swapped = computed.get_named(f"{day:%d/%m/%Y}", lookup="contains")
        days.append(
            ExpectedDay(
                day=day,
                kind=PublicHoliday.Kind.WORKING_DAY,
                name=workday_name,
                swapped_with=swapped[0] if len(swapped) == 1 else None,
            )
        )
    return sorted(days, key=lambda d: d.day)


def suggestion_years(today: date) -> range:
    """Years the officer may ask suggestions for: this one and the next two (further ahead, nobody has
    announced anything yet and the lunar tables are the only source)."""
    return range(today.year, today.year + 3)


@transaction.atomic
def holidays_suggest(*, user, year: int, today: date | None = None) -> list[PublicHoliday]:
    """Create the expected days of ``year`` that are not on the calendar yet, in any state: a day
    confirmed, entered by hand or rejected is left alone, so suggesting twice creates nothing new.
    Nothing created counts until it is confirmed, so no running period moves."""
    scope = require_capability(user, "manage_holidays")
    today = today or timezone.localdate()
    if year not in suggestion_years(today):
        years = suggestion_years(today)
        raise ValidationError(_("Suggestions are made for %(first)s to %(last)s only.") % {"first": years[0], "last": years[-1]})
    expected = expected_days(year)
    present = set(PublicHoliday.objects.filter(day__in=[e.day for e in expected]).values_list("day", flat=True))
    new = [
        PublicHoliday(
            day=e.day,
            kind=e.kind,
            status=PublicHoliday.Status.EXPECTED,
            name=e.name,
            swapped_with=e.swapped_with,
            computed=True,
            added_by=user,
        )
        for e in expected
        if e.day not in present
    ]
    try:
        with transaction.atomic():
            PublicHoliday.objects.bulk_create(new)
    except IntegrityError:  # someone suggested or added one of these days a moment ago
        raise ValidationError(_("The calendar changed a moment ago; suggest again.")) from None
    if new:
        workflow.record(
            round_=None,
            user=user,
            unit=scope.unit,
            action="holiday_suggest",
            data={"year": year, "days": [h.day.isoformat() for h in new], "source": f"holidays {holiday_package.__version__}"},
        )
    return new


def _decide_suggestion(holiday: PublicHoliday, **changes) -> None:
    """Move an expected day to its decision, unless someone decided it a moment ago."""
    decided = PublicHoliday.objects.filter(pk=holiday.pk, status=PublicHoliday.Status.EXPECTED).update(**changes)
    if not decided:
        raise ValidationError(_("This suggestion was confirmed or rejected a moment ago by someone else."))
    for field, value in changes.items():
        setattr(holiday, field, value)


@transaction.atomic
def holiday_confirm(
    *, user, holiday: PublicHoliday, announcement: str, name: str = "", today: date | None = None
) -> PublicHoliday:
    """Confirm an expected day with the number of the announcement that sets it: from now on it counts,
    and running periods that span it are counted again."""
    scope = require_capability(user, "manage_holidays")
    announcement, name = announcement.strip(), name.strip() or holiday.name
    if not announcement:
        raise ValidationError({"announcement": _("Give the number of the announcement that sets this day.")})
    _decide_suggestion(holiday, status=PublicHoliday.Status.CONFIRMED, announcement=announcement, name=name)
    workflow.record(
        round_=None,
        user=user,
        unit=scope.unit,
        action="holiday_confirm",
        data={"day": holiday.day.isoformat(), "name": name, "kind": holiday.kind, "announcement": announcement},
    )
    reschedule_running_periods(user=user, changed_day=holiday.day, today=today)
    return holiday


@transaction.atomic
def holiday_reject(*, user, holiday: PublicHoliday) -> PublicHoliday:
    """Reject an expected day (the announcement set another one): it stays, marked rejected, so that
    suggesting again does not offer it again; it never counted, so no period moves."""
    scope = require_capability(user, "manage_holidays")
    _decide_suggestion(holiday, status=PublicHoliday.Status.REJECTED)
    workflow.record(
        round_=None,
        user=user,
        unit=scope.unit,
        action="holiday_reject",
        data={"day": holiday.day.isoformat(), "name": holiday.name, "kind": holiday.kind},
    )
    return holiday


@transaction.atomic
def holiday_remove(*, user, holiday: PublicHoliday, today: date | None = None) -> None:
    """Remove a future confirmed day (a holiday or a declared working day). A day that has begun may
    already have been counted in a posting or a re-check that is over, so it stays; running periods
    that span a removed day are counted again. A suggestion is rejected instead, so that it is not
    offered again."""
    scope = require_capability(user, "manage_holidays")
    today = today or timezone.localdate()
    if not holiday.is_counted:
        raise ValidationError(_("Only a confirmed day is removed: reject a suggestion instead."))
    if not holiday.removable_on(today):
        raise ValidationError(
            _(
                "%(day)s is not in the future: only future holidays can be removed, since past ones may already count in recorded periods."
            )
            % {"day": date_format(holiday.day, "d/m/Y")}
        )
    deleted, _rows = PublicHoliday.objects.filter(pk=holiday.pk).delete()
    if not deleted:
        raise ValidationError(_("This holiday was removed a moment ago by someone else."))
    workflow.record(
        round_=None,
        user=user,
        unit=scope.unit,
        action="holiday_remove",
        data={"day": holiday.day.isoformat(), "name": holiday.name}
        | ({"kind": holiday.kind} if holiday.kind != PublicHoliday.Kind.DAY_OFF else {}),
    )
    reschedule_running_periods(user=user, changed_day=holiday.day, today=today)


# ----------------------------------------------------------------------------- shipped data


def read_holiday_file(path: Path = DATA_FILE) -> list[tuple[date, str, str]]:
    """Rows of the holiday file (lines starting with # are comments); a malformed row stops the load.
    Row numbers in errors count the data rows, the header being row 1."""
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.lstrip().startswith("#")]
    rows: list[tuple[date, str, str]] = []
    seen: set[date] = set()
    for number, row in enumerate(csv.DictReader(lines), start=2):
        try:
            day = date.fromisoformat((row.get("date") or "").strip())
        except ValueError:
            raise ValueError(f"row {number}: date {row.get('date')!r} is not YYYY-MM-DD") from None
        name = (row.get("name") or "").strip()
        if not name:
            raise ValueError(f"row {number}: the name is empty")
        if day in seen:
            raise ValueError(f"row {number}: {day} appears twice")
        seen.add(day)
        rows.append((day, name, (row.get("note") or "").strip()))
    return rows


@transaction.atomic
def holidays_load(*, path: Path = DATA_FILE) -> list[date]:
    """Create the holidays of the file that are not there yet (by date); days present are left alone
    (an expected one stays for the officer to confirm), so loading twice changes nothing. Returns the
    days created."""
    rows = read_holiday_file(path)
    present = set(
        PublicHoliday.objects.filter(day__in=[day for day, _n, _note in rows])
        .exclude(status=PublicHoliday.Status.REJECTED)
        .values_list("day", flat=True)
    )
    new = [PublicHoliday(day=day, name=name, note=note) for day, name, note in rows if day not in present]
    PublicHoliday.objects.bulk_create(new)
    return [h.day for h in new]
