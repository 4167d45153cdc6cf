"""Dashboards of a round for the user's unit (ward, district, city) with drill-down to the household,
the Excel reports (short ones streamed, long ones built by the worker), and resident households."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from households.access import acts, capability_required, get_visible_or_404, has_capability, require_capability, scope_of
from households.models import AdminUnit, IdNumberDisclosure, ResidentCount
from households.residents import resident_count_set, resident_counts_import
from households.services import id_numbers_disclosed
from reviews import dashboards, exports, regrouping, reports
from reviews.forms_dashboards import ResidentCountForm, ResidentImportForm
from reviews.models import ExportJob, ReviewRound
from reviews.svg import Series, hbar_chart
from reviews.templatetags.dashboard_format import number, percent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _home_unit(request) -> AdminUnit:
    scope = scope_of(request.user)
    if scope.unit is not None:
        return scope.unit
    unit = AdminUnit.objects.current().filter(level=AdminUnit.Level.CITY).first()
    if unit is None:
        raise Http404
    return unit


@require_GET
@capability_required("see_dashboards")
def dashboard_home(request):
    """The latest round (periodic first) for the user's own unit."""
    round_ = dashboards.rounds_for_dashboard().filter(kind=ReviewRound.Kind.PERIODIC).first()
    round_ = round_ or dashboards.rounds_for_dashboard().first()
    if round_ is None:
        return render(request, "reviews/dashboards/no_round.html")
    return redirect("reviews:dashboard", round_id=round_.pk, code=_home_unit(request).code)


def _scoped(request, round_id: int, code: str) -> tuple[ReviewRound, AdminUnit]:
    require_capability(request.user, "see_dashboards")
    unit = get_visible_or_404(AdminUnit.objects.select_related("parent"), request.user, code=code)
    round_ = get_object_or_404(ReviewRound.objects.select_related("primary_standard"), pk=round_id)
    return round_, unit


@require_GET
@login_required
def dashboard(request, round_id: int, code: str):
    round_, unit = _scoped(request, round_id, code)
    scope = scope_of(request.user)
    d = dashboards.unit_dashboard(round_, unit)
    shares, poor_total, near_total = dashboards.deprivation(round_, unit, d.primary, d.total.figures(d.primary.pk))
    points = dashboards.trend(round_, unit)
    ancestors = [u for u in AdminUnit.objects.filter(code__in=unit.ancestor_codes()[:-1]).order_by("path") if scope.covers(u)]
    primary = d.total.figures(d.primary.pk)
    charts = {
        "units": hbar_chart(
            title=_("Poor and near-poor households per unit"),
            labels=[c.name for c in d.children],
            series=[
                Series(_("Poor"), [c.figures(d.primary.pk).poor for c in d.children]),
                Series(_("Near-poor"), [c.figures(d.primary.pk).near_poor for c in d.children]),
            ],
            value_format=number,
        )
        if d.children
        else None,
        "standards": hbar_chart(
            title=_("National and city standard side by side"),
            labels=[s.name for s in d.standards],
            series=[
                Series(_("Poor"), [d.total.figures(s.pk).poor for s in d.standards]),
                Series(_("Near-poor"), [d.total.figures(s.pk).near_poor for s in d.standards]),
            ],
            value_format=number,
        ),
        "deprivation": hbar_chart(
            title=_("Share of households deprived on each indicator"),
            labels=[s.name for s in shares],
            series=[
                Series(_("Poor"), [s.poor_share for s in shares]),
                Series(_("Near-poor"), [s.near_poor_share for s in shares]),
            ],
            value_format=percent,
            maximum=1.0,
        ),
        "trend": hbar_chart(
            title=_("Poor and near-poor households by round"),
            labels=[p.round.name for p in points],
            series=[Series(_("Poor"), [p.poor for p in points]), Series(_("Near-poor"), [p.near_poor for p in points])],
            value_format=number,
            notes=[in_progress_note(p) for p in points],
            partial_legend=_("Round in progress: households surveyed so far"),
        ),
    }
    households = dashboards.village_households(round_, unit) if unit.level == AdminUnit.Level.VILLAGE else None
    return render(
        request,
        "reviews/dashboards/dashboard.html",
        {
            "round": round_,
            "rounds": list(dashboards.rounds_for_dashboard()),
            "unit": unit,
            "ancestors": ancestors,
            "d": d,
            "primary": primary,
            "shares": shares,
            "poor_total": poor_total,
            "near_total": near_total,
            "trend": [(p, in_progress_note(p)) for p in points],
            "trend_in_progress": any(p.in_progress for p in points),
            "charts": charts,
            "households": households,
            "reports": _report_links(),
            "can_enter_residents": unit.is_ward_level and acts(request.user, "enter_resident_counts"),
            "can_import_residents": has_capability(request.user, "import_resident_counts"),
        },
    )


def in_progress_note(point: dashboards.TrendPoint) -> str | None:
    """ "being reviewed, 74 %" for a round still open (its bars are drawn as partial), else None."""
    if not point.in_progress:
        return None
    return _("being reviewed, %(share)s surveyed") % {"share": percent(point.done_share)}


def _report_links():
    return [
        ("summary", _("Unit summary")),
        ("deprivation", _("Deprivation analysis")),
        ("poor", _("Poor households")),
        ("near_poor", _("Near-poor households")),
        ("escaped", _("Escaped households")),
        ("average", _("Average-living-standard households")),
    ]


def _record_full_ids(user, *, round_: ReviewRound, unit: AdminUnit, report: str) -> None:
    """A list of a round carries full ID numbers for the ward officer: record whose they saw."""
    if report in dashboards.LIST_KINDS and reports.shows_full_id_numbers(user):
        id_numbers_disclosed(
            user=user,
            kind=IdNumberDisclosure.Kind.LIST_REPORT,
            households=dashboards.list_households(round_, unit, report),
            detail=f"{report} {unit.code} {round_.year}",
        )


@never_cache  # lists of personal data (full ID numbers on the ward officer's)
@require_GET
@login_required
def report_download(request, round_id: int, code: str, report: str):
    """A short report streams in the response; a long list becomes a job for the worker."""
    if report not in reports.REPORTS:
        raise Http404
    round_, unit = _scoped(request, round_id, code)
    rows = reports.report_rows_estimate(report, round_, unit)
    if rows > settings.EXPORT_INLINE_MAX_ROWS:
        job = exports.export_request(user=request.user, round_=round_, unit=unit, report=report, rows_total=rows)
        return redirect("reviews:export_detail", pk=job.pk)
    _record_full_ids(request.user, round_=round_, unit=unit, report=report)
    buffer = io.BytesIO()
    built = reports.build_report(report, round_, unit, request.user)
    reports.write_workbook(built, buffer, round_=round_, unit=unit)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = attachment(built.filename(unit, round_))
    return response


def attachment(filename: str) -> str:
    """Content-Disposition for a download: the plain name for old clients and, by RFC 5987/6266, the
    UTF-8 one (the same here, as the names are ASCII slugs, but a browser prefers ``filename*``)."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "report.xlsx"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _own_job(request, pk) -> ExportJob:
    """Only the user who asked may see or fetch the file; anyone else gets 404."""
    return get_object_or_404(ExportJob.objects.select_related("round", "unit"), pk=pk, user=request.user)


@require_GET
@login_required
def export_detail(request, pk):
    job = _own_job(request, pk)
    return render(
        request, "reviews/dashboards/export.html", {"job": job, "report_label": dict(_report_links()).get(job.report, job.report)}
    )


@require_GET
@login_required
def export_progress(request, pk):
    return render(request, "reviews/dashboards/_export_progress.html", {"job": _own_job(request, pk)})


@never_cache  # the finished list of personal data
@require_GET
@login_required
def export_download(request, pk):
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    if job.file_expired or not job.file or not default_storage.exists(job.file.name):
        return render(
            request,
            "file_expired.html",
            {"days": settings.FILE_RETENTION_DAYS, "back_url": reverse("reviews:dashboard", args=[job.round_id, job.unit.code])},
            status=410,
        )
    # The job was built for its owner's role then; the record says whose numbers left now, in the file.
    _record_full_ids(request.user, round_=job.round, unit=job.unit, report=job.report)
    response = FileResponse(job.file.open("rb"), content_type=XLSX)
    response["Content-Disposition"] = attachment(job.file.name.rsplit("/", 1)[-1])
    return response


@require_http_methods(["GET", "POST"])
@capability_required("enter_resident_counts")
def resident_counts(request, code: str):
    """The ward officer's figure of resident households per year for their ward."""
    ward = get_visible_or_404(AdminUnit.objects.all(), request.user, code=code)
    if not ward.is_ward_level:
        raise PermissionDenied
    form = ResidentCountForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            resident_count_set(unit=ward, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Resident households saved."))
            return redirect("reviews:resident_counts", code=ward.code)
    counts = ResidentCount.objects.filter(unit=ward).select_related("entered_by").order_by("-year")
    return render(request, "reviews/dashboards/residents.html", {"ward": ward, "form": form, "counts": counts})


@require_http_methods(["GET", "POST"])
@capability_required("import_resident_counts")
def resident_import(request):
    """The city department imports every ward's figure from one workbook (all rows or none)."""
    form = ResidentImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        scope = scope_of(request.user)
        report = resident_counts_import(file=form.cleaned_data["file"], user=request.user, allowed=scope.unit)
        if not report.errors:
            messages.success(request, _("%(n)s figures imported.") % {"n": report.saved})
            return redirect("reviews:resident_import")
    return render(request, "reviews/dashboards/residents_import.html", {"form": form, "report": report})


@require_GET
@login_required
def regrouped_view(request, round_id: int, code: str):
    """A past round's figures on today's wards/communes under ``code``, with the wards they were counted in
    then (``reviews.regrouping``): after a territory change or the 2025 reorganisation, last year's lists
    read on the units of today."""
    round_, unit = _scoped(request, round_id, code)
    primary = round_.primary_standard_id
    groups = [
        {
            "ward": group.ward,
            "cases": group.cases,
            "poor": group.classes.get((primary, "poor"), 0),
            "near_poor": group.classes.get((primary, "near_poor"), 0),
            "then": sorted(((group.then_names.get(c, c), n) for c, n in group.then.items()), key=lambda item: -item[1]),
        }
        for group in regrouping.regrouped(round_)
        if group.ward is not None and group.ward.path.startswith(unit.path)
    ]
    return render(request, "reviews/dashboards/regrouped.html", {"round": round_, "unit": unit, "groups": groups})
