"""City officer's pages: open, follow, re-schedule and close review rounds; the round list for everyone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from households import access
from reviews import services, workflow
from reviews.forms_manage import RoundDeadlinesForm, RoundOpenForm
from reviews.models import ReviewRound, WardList
from reviews.views.common import attach_errors, flash_errors, render_form, require_area


@require_GET
@login_required
def round_list(request):
    require_area(request.user)
    scope = access.scope_of(request.user)
    rounds = ReviewRound.objects.order_by("-year", "kind")
    return render(
        request,
        "reviews/manage/round_list.html",
        {
            "rounds": rounds,
            "can_open": access.has_capability(request.user, "manage_rounds"),
            "my_ward": scope.unit if access.acts(request.user, "check_village_lists") else None,
        },
    )


@require_http_methods(["GET", "POST"])
@access.capability_required("manage_rounds")
def round_open(request):
    form = RoundOpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            round_ = services.round_open(
                user=request.user,
                year=data.pop("year"),
                kind=data.pop("kind"),
                standards=list(data.pop("standards")),
                primary_standard=data.pop("primary_standard"),
                starts_on=data.pop("starts_on"),
                ends_on=data.pop("ends_on"),
                effective_from=data.pop("effective_from"),
                **data,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Opened the round “%(name)s”.") % {"name": round_.name})
            return redirect("reviews:round_detail", round_id=round_.pk)
    return render_form(
        request,
        title=_("Open a review round"),
        form=form,
        cancel_url=reverse("reviews:round_list"),
        submit_label=_("Open the round"),
    )


@require_GET
@login_required
def round_detail(request, round_id):
    require_area(request.user)
    round_ = get_object_or_404(ReviewRound.objects.select_related("primary_standard", "opened_by"), pk=round_id)
    workflow.check_area(request.user, round_)
    ward_lists = (
        WardList.objects.filter(round=round_)
        .filter(access.unit_q(request.user, "ward__"))
        .select_related("ward", "approver")
        .order_by("ward__code")
    )
    status_counts = {row["status"]: row["n"] for row in ward_lists.order_by().values("status").annotate(n=Count("id"))}
    by_status = [(label, status_counts.get(value, 0)) for value, label in WardList.Status.choices]
    return render(
        request,
        "reviews/manage/round_detail.html",
        {
            "round": round_,
            "standards": round_.standards.all(),
            "by_status": by_status,
            "ward_lists": ward_lists,
            "can_edit": workflow.can("round_close", round_, request.user),
            "can_manage_holidays": access.has_capability(request.user, "manage_holidays"),
        },
    )


@require_http_methods(["GET", "POST"])
@access.capability_required("manage_rounds")
def round_deadlines(request, round_id):
    round_ = get_object_or_404(ReviewRound, pk=round_id)
    initial = {name: getattr(round_, name) for name in services.DEADLINE_FIELDS}
    form = RoundDeadlinesForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update_deadlines(round_=round_, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Saved the deadlines."))
            return redirect("reviews:round_detail", round_id=round_.pk)
    return render_form(
        request,
        title=_("Phase deadlines of %(round)s") % {"round": round_.name},
        form=form,
        cancel_url=reverse("reviews:round_detail", args=[round_.pk]),
    )


@require_http_methods(["GET", "POST"])
@access.capability_required("manage_rounds")
def round_close(request, round_id):
    round_ = get_object_or_404(ReviewRound, pk=round_id)
    if request.method == "POST":
        try:
            services.round_close(round_=round_, user=request.user)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Closed the round “%(name)s”; it is now read-only.") % {"name": round_.name})
        return redirect("reviews:round_detail", round_id=round_.pk)
    return render(request, "reviews/manage/round_close.html", {"round": round_})
