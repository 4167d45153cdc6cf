"""City officer's page of the public holidays that the posting and re-check periods skip."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from households import access
from reviews import holidays as service
from reviews.forms_manage import HolidayForm
from reviews.models import PublicHoliday
from reviews.views.common import attach_errors, flash_errors


def _year_url(year: int) -> str:
    return f"{reverse('reviews:holiday_list')}?year={year}"


def _requested_year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
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
            messages.success(
                request,
                _("Added %(day)s, %(name)s, as a public holiday.")
                % {"day": date_format(holiday.day, "d/m/Y"), "name": holiday.name},
            )
            return redirect(_year_url(holiday.day.year))
    return render(
        request,
        "reviews/manage/holiday_list.html",
        {
            "year": year,
            "years": service.holiday_years(today.year),
            "holidays": PublicHoliday.objects.in_year(year).select_related("added_by"),
            "form": form,
        },
    )


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
            messages.success(
                request,
                _("Removed %(day)s, %(name)s, from the public holidays.")
                % {"day": date_format(holiday.day, "d/m/Y"), "name": holiday.name},
            )
        return redirect(_year_url(holiday.day.year))
    return render(
        request,
        "reviews/manage/holiday_remove.html",
        {"holiday": holiday, "removable": holiday.removable, "back_url": _year_url(holiday.day.year)},
    )
