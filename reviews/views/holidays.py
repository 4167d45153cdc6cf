"""City officer's pages of the working-day calendar: the public holidays that the posting and re-check
periods skip, the weekend days declared working days, and the expected days offered from the lunar
calendar until confirmed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from households import access
from reviews import holidays as service
from reviews.forms_manage import HolidayConfirmForm, HolidayForm
from reviews.models import PublicHoliday
from reviews.views.common import attach_errors, flash_errors


def _year_url(year: int) -> str:
    return f"{reverse('reviews:holiday_list')}?year={year}"


def _requested_year(request, default: int, source=None) -> int:
    try:
        year = int((request.GET if source is None else source).get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@require_http_methods(["GET", "POST"])
@access.capability_required("manage_holidays")
def holiday_list(request):
    today = timezone.localdate()
    year = _requested_year(request, today.year)
    form = HolidayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            holiday = service.holiday_add(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            shown = {"day": date_format(holiday.day, "d/m/Y"), "name": holiday.name}
            if holiday.is_working_day:
                messages.success(request, _("Added %(day)s, %(name)s, as a declared working day.") % shown)
            else:
                messages.success(request, _("Added %(day)s, %(name)s, as a public holiday.") % shown)
            return redirect(_year_url(holiday.day.year))
    days = list(PublicHoliday.objects.in_year(year).select_related("added_by"))
    return render(
        request,
        "reviews/manage/holiday_list.html",
        {
            "year": year,
            "years": service.holiday_years(today.year),
            # One query for the year, split here: what counts, what waits for the announcement, what was set aside.
            "holidays": [d for d in days if d.is_counted],
            "expected": [d for d in days if d.is_expected],
            "rejected": [d for d in days if d.status == PublicHoliday.Status.REJECTED],
            "can_suggest": year in service.suggestion_years(today),
            "form": form,
        },
    )


@require_POST
@access.capability_required("manage_holidays")
def holiday_suggest(request):
    today = timezone.localdate()
    year = _requested_year(request, today.year + 1, source=request.POST)
    try:
        created = service.holidays_suggest(user=request.user, year=year, today=today)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        if created:
            messages.success(
                request,
                ngettext(
                    "Suggested %(count)s expected day for %(year)s. It does not count until you confirm it with the announcement's number.",
                    "Suggested %(count)s expected days for %(year)s. They do not count until you confirm each with the announcement's number.",
                    len(created),
                )
                % {"count": len(created), "year": year},
            )
        else:
            messages.info(
                request, _("No new day to suggest for %(year)s: every expected day is already listed.") % {"year": year}
            )
    return redirect(_year_url(year))


@require_http_methods(["GET", "POST"])
@access.capability_required("manage_holidays")
def holiday_confirm(request, holiday_id):
    holiday = get_object_or_404(PublicHoliday, pk=holiday_id)
    if not holiday.is_expected:
        messages.info(request, _("This day is no longer a suggestion."))
        return redirect(_year_url(holiday.day.year))
    form = HolidayConfirmForm(request.POST if request.method == "POST" else None, initial={"name": holiday.name})
    if request.method == "POST" and form.is_valid():
        try:
            service.holiday_confirm(user=request.user, holiday=holiday, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Confirmed %(day)s, %(name)s (announcement %(announcement)s): it now counts in working-day periods.")
                % {"day": date_format(holiday.day, "d/m/Y"), "name": holiday.name, "announcement": holiday.announcement},
            )
            return redirect(_year_url(holiday.day.year))
    return render(
        request,
        "reviews/manage/holiday_confirm.html",
        {"holiday": holiday, "form": form, "back_url": _year_url(holiday.day.year)},
    )


@require_POST
@access.capability_required("manage_holidays")
def holiday_reject(request, holiday_id):
    holiday = get_object_or_404(PublicHoliday, pk=holiday_id)
    try:
        service.holiday_reject(user=request.user, holiday=holiday)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(
            request,
            _("Rejected the suggestion %(day)s, %(name)s: it does not count and will not be suggested again.")
            % {"day": date_format(holiday.day, "d/m/Y"), "name": holiday.name},
        )
    return redirect(_year_url(holiday.day.year))


@require_http_methods(["GET", "POST"])
@access.capability_required("manage_holidays")
def holiday_remove(request, holiday_id):
    holiday = get_object_or_404(PublicHoliday, pk=holiday_id)
    if request.method == "POST":
        try:
            service.holiday_remove(user=request.user, holiday=holiday)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            shown = {"day": date_format(holiday.day, "d/m/Y"), "name": holiday.name}
            if holiday.is_working_day:
                messages.success(request, _("Removed %(day)s, %(name)s, from the declared working days.") % shown)
            else:
                messages.success(request, _("Removed %(day)s, %(name)s, from the public holidays.") % shown)
        return redirect(_year_url(holiday.day.year))
    return render(
        request,
        "reviews/manage/holiday_remove.html",
        {"holiday": holiday, "removable": holiday.is_counted and holiday.removable, "back_url": _year_url(holiday.day.year)},
    )
