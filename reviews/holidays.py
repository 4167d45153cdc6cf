"""Public holidays as data: the working-day periods of a round with them, and their upkeep.

The posting and the complaint re-check (phúc tra) are counted in working days. ``posting_end`` and
``recheck_due`` are the only way the portal computes them (services and pages alike): they read the
holidays of the needed date range in one query and hand them to the pure ``reviews.calendar``.

Only the fixed days of the Labour Code 2019 (Law 45/2019/QH14, Article 112) ship as data
(``data/public_holidays.csv``, ``manage.py load_holidays``). Tết, Hùng Kings' day, the second National
Day holiday and compensatory days off are announced by the government every year: the city officer
adds them (``holiday_add``), and every change is a ``Transition`` in the audit log.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from households.access import require_capability
from reviews import workflow
from reviews.calendar import add_working_days, period_end
from reviews.models import Complaint, PublicHoliday, WardList

DATA_FILE = Path(__file__).resolve().parent / "data" / "public_holidays.csv"


# ----------------------------------------------------------------------------- periods


def holidays_between(first: date, last: date) -> frozenset[date]:
    return frozenset(PublicHoliday.objects.between(first, last).values_list("day", flat=True))


def _with_holidays(count: Callable[[frozenset[date]], date], start: date, working_days: int) -> date:
    """Count with the holidays of a window long enough for any ordinary period (one query).

    A result inside the window is exact: later holidays cannot move it. Only a window crowded with
    holidays (longer than any real Tết break) makes the result fall outside it; then count again on a
    window twice as long.
    """
    span = timedelta(days=2 * working_days + 21)
    while True:
        last = start + span
        result = count(holidays_between(start, last))
        if result <= last:
            return result
        span *= 2


def posting_end(start: date, working_days: int) -> date:
    """Last day of a public posting of ``working_days`` working days that begins on ``start``
    (weekends and public holidays excluded; see ``reviews.calendar.period_end``)."""
    return _with_holidays(lambda holidays: period_end(start, working_days, holidays), start, working_days)


def recheck_due(received_on: date, working_days: int) -> date:
    """Due date of a complaint's re-check, ``working_days`` working days after it was received
    (weekends and public holidays excluded; see ``reviews.calendar.add_working_days``)."""
    return _with_holidays(lambda holidays: add_working_days(received_on, working_days, holidays), received_on, working_days)


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


@transaction.atomic
def holiday_add(*, user, day: date, name: str, note: str = "", today: date | None = None) -> PublicHoliday:
    scope = require_capability(user, "manage_holidays")
    name, note = name.strip(), note.strip()
    if not name:
        raise ValidationError({"name": _("Give the holiday's name.")})
    if PublicHoliday.objects.filter(day=day).exists():
        raise ValidationError({"day": _("%(day)s is already a public holiday.") % {"day": date_format(day, "d/m/Y")}})
    holiday = PublicHoliday(day=day, name=name, note=note, added_by=user)
    holiday.full_clean()
    try:
        with transaction.atomic():
            holiday.save()
    except IntegrityError:  # someone added the same day a moment ago
        raise ValidationError({"day": _("%(day)s is already a public holiday.") % {"day": date_format(day, "d/m/Y")}}) from None
    workflow.record(
        round_=None,
        user=user,
        unit=scope.unit,
        action="holiday_add",
        reason=note,
        data={"day": day.isoformat(), "name": name},
    )
    reschedule_running_periods(user=user, changed_day=day, today=today)
    return holiday


@transaction.atomic
def holiday_remove(*, user, holiday: PublicHoliday, today: date | None = None) -> None:
    """Remove a future holiday. A day that has begun may already have been counted in a posting or a
    re-check that is over, so it stays; running periods that span a removed day are counted again."""
    scope = require_capability(user, "manage_holidays")
    today = today or timezone.localdate()
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
        data={"day": holiday.day.isoformat(), "name": holiday.name},
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
    """Create the holidays of the file that are not there yet (by date); days present are left alone,
    so loading twice changes nothing. Returns the days created."""
    rows = read_holiday_file(path)
    present = set(PublicHoliday.objects.filter(day__in=[day for day, _n, _note in rows]).values_list("day", flat=True))
    new = [PublicHoliday(day=day, name=name, note=note) for day, name, note in rows if day not in present]
    PublicHoliday.objects.bulk_create(new)
    return [h.day for h in new]
