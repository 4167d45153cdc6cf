"""Ward officer's pages of a round: village progress, meetings, posting, complaints, opinion, decision."""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from households import access
from policies import procedure
from reviews import complaints as complaint_reads
from reviews import history, services, workflow
from reviews import selectors_manage as selectors
from reviews.forms_manage import ComplaintForm, DecisionForm, MeetingForm, PostForm, ReasonForm, ResolveForm
from reviews.holidays import posting_end
from reviews.models import Case, CaseResult, Complaint, ReviewRound, VillageList, WardList
from reviews.views.common import attach_errors, flash_errors, refusal, render_form


def _ward_url(ward_list: WardList) -> str:
    return reverse("reviews:ward_detail", args=[ward_list.round_id, ward_list.ward.code])


@require_GET
@access.capability_required("check_village_lists")
def my_ward(request):
    """The ward officer's page in the latest open round (or the round list when none is open)."""
    scope = access.scope_of(request.user)
    round_ = ReviewRound.objects.filter(status=ReviewRound.Status.OPEN).order_by("-year", "kind").first()
    if round_ is None or scope.unit is None:
        messages.info(request, _("No review round is open."))
        return redirect("reviews:round_list")
    return redirect("reviews:ward_detail", round_id=round_.pk, ward_code=scope.unit.code)


@require_GET
@access.capability_required("see_ward_lists")
def ward_detail(request, round_id, ward_code):
    ward_list = selectors.ward_list_or_404(request.user, round_id, ward_code)
    user = request.user
    today = timezone.localdate()
    # The ward list's next steps, each enabled or disabled with every reason the workflow refuses it.
    steps = workflow.next_steps(ward_list, user, workflow.WARD_STEPS, today=today)
    can = {step.name for step in steps if step.allowed}
    posting_days = ward_list.round.posting_working_days
    return render(
        request,
        "reviews/manage/ward_detail.html",
        {
            "ward_list": ward_list,
            "round": ward_list.round,
            "villages": selectors.village_progress(ward_list, user),
            "complaints": selectors.ward_complaints(ward_list, today),
            "timeline": selectors.ward_timeline(ward_list),
            "can": can,
            "blocked_steps": {step.name: step for step in steps if not step.allowed},
            "post_form": PostForm(round_=ward_list.round, today=today, initial={"starts_on": today}),
            # The holidays cost one query, paid only when the posting form (and its preview) is shown.
            "posting_preview": posting_end(today, posting_days) if "ward_post" in can else None,
            "posting_running": ward_list.posting_ends_on is not None and today <= ward_list.posting_ends_on,
            "submit_late": workflow.overdue("ward_submit", ward_list.round, today),
            "decision_form": DecisionForm(initial={"decision_date": today}),
            "is_ward_officer": access.acts(user, "check_village_lists"),
            "meeting_rule": procedure.meeting_rule_text(procedure.current()),
        },
    )


def _village_list_or_404(request, round_id, ward_code, village_code) -> tuple[WardList, VillageList]:
    ward_list = selectors.ward_list_or_404(request.user, round_id, ward_code)
    village_list = get_object_or_404(
        VillageList.objects.select_related("round", "village"),
        round_id=round_id,
        village__code=village_code,
        village__parent_id=ward_list.ward_id,
    )
    return ward_list, village_list


@never_cache  # signed minutes name people: kept out of shared caches
@require_GET
@access.capability_required("see_ward_lists")
def meeting_minutes(request, round_id, ward_code, village_code, meeting_id):
    """The scanned minutes of a village meeting, for whoever may read the ward's page (another area: 404).

    Always an attachment with ``nosniff``: an uploaded file is never rendered by the browser as a page.
    """
    _ward_list, village_list = _village_list_or_404(request, round_id, ward_code, village_code)
    meeting = get_object_or_404(village_list.meetings.exclude(minutes=""), pk=meeting_id)
    if not default_storage.exists(meeting.minutes.name):
        raise Http404
    response = FileResponse(meeting.minutes.open("rb"), as_attachment=True, filename=meeting.minutes.name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@access.capability_required("record_meetings")
def meeting_record(request, round_id, ward_code, village_code):
    ward_list, village_list = _village_list_or_404(request, round_id, ward_code, village_code)
    form = MeetingForm(
        *((request.POST, request.FILES) if request.method == "POST" else ()), initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.meeting_record(
                village_list=village_list,
                user=request.user,
                held_on=d["held_on"],
                attendees=d["attendees"],
                votes_for=d["votes_for"],
                votes_against=d["votes_against"],
                minutes=d["minutes"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if meeting.passed:
                messages.success(
                    request,
                    _("The meeting passed the list of %(village)s (%(for)d of %(n)d attendees agreed).")
                    % {"village": village_list.village.name, "for": meeting.votes_for, "n": meeting.attendees},
                )
            else:
                messages.warning(
                    request,
                    _("Under %(share)s of attendees agreed (%(for)d of %(n)d): the list of %(village)s goes back for re-survey.")
                    % {
                        "share": procedure.rules_on(meeting.held_on).meeting_share_text,
                        "village": village_list.village.name,
                        "for": meeting.votes_for,
                        "n": meeting.attendees,
                    },
                )
            return redirect(_ward_url(ward_list))
    return render_form(
        request,
        title=_("Village meeting of %(village)s") % {"village": village_list.village.name},
        intro=procedure.meeting_rule_text(procedure.current()),
        form=form,
        cancel_url=_ward_url(ward_list),
        submit_label=_("Record the meeting"),
        extra={"multipart": True, "blocked": refusal("meeting_record", village_list, request.user)},
    )


@require_http_methods(["GET", "POST"])
@access.capability_required("check_village_lists")
def village_return(request, round_id, ward_code, village_code):
    ward_list, village_list = _village_list_or_404(request, round_id, ward_code, village_code)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.village_return(village_list=village_list, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request, _("Returned the list of %(village)s for re-survey.") % {"village": village_list.village.name}
            )
            return redirect(_ward_url(ward_list))
    return render_form(
        request,
        title=_("Return the list of %(village)s for re-survey") % {"village": village_list.village.name},
        intro=_("The village head sees these remarks and can edit the surveys again."),
        form=form,
        cancel_url=_ward_url(ward_list),
        submit_label=_("Return the list"),
        extra={"blocked": refusal("village_return", village_list, request.user)},
    )


@require_POST
@access.capability_required("post_list")
def ward_post(request, round_id, ward_code):
    ward_list = selectors.ward_list_or_404(request.user, round_id, ward_code)
    today = timezone.localdate()
    form = PostForm(request.POST, round_=ward_list.round, today=today)
    if not form.is_valid():
        for error in form.errors.get("starts_on") or [_("Enter the date the posting starts.")]:
            messages.error(request, error)
        return redirect(_ward_url(ward_list))
    try:
        services.ward_post(ward_list=ward_list, user=request.user, starts_on=form.cleaned_data["starts_on"], today=today)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        ward_list.refresh_from_db()
        messages.success(
            request,
            _("The list is publicly posted from %(start)s to %(end)s.")
            % {"start": ward_list.posting_starts_on.strftime("%d/%m/%Y"), "end": ward_list.posting_ends_on.strftime("%d/%m/%Y")},
        )
    return redirect(_ward_url(ward_list))


@require_POST
@access.capability_required("send_ward_list")
def ward_submit(request, round_id, ward_code):
    ward_list = selectors.ward_list_or_404(request.user, round_id, ward_code)
    try:
        services.ward_submit(ward_list=ward_list, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("Sent the ward list to %(unit)s for its opinion.") % {"unit": ward_list.approver.name})
    return redirect(_ward_url(ward_list))


@require_http_methods(["GET", "POST"])
@access.capability_required("decide")
def ward_decide(request, round_id, ward_code):
    ward_list = selectors.ward_list_or_404(request.user, round_id, ward_code)
    form = DecisionForm(request.POST if request.method == "POST" else None, initial={"decision_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.ward_decide(ward_list=ward_list, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Recorded decision %(number)s; the results are now official.")
                % {"number": form.cleaned_data["decision_number"]},
            )
            return redirect(_ward_url(ward_list))
    return render_form(
        request,
        title=_("Chairman's decision for %(ward)s") % {"ward": ward_list.ward.name},
        intro=_("The decision of the Chairman of the ward People's Committee makes each household's result official."),
        form=form,
        cancel_url=_ward_url(ward_list),
        submit_label=_("Record the decision"),
        extra={"blocked": refusal("ward_decide", ward_list, request.user)},
    )


@require_http_methods(["GET", "POST"])
@access.capability_required("handle_complaints")
def complaint_record(request, round_id, ward_code):
    """The household is searched by name or code among the ward's cases (``?q=``; htmx swaps only the
    choices as the officer types) and chosen, never typed; the form accepts only those cases."""
    ward_list = selectors.ward_list_or_404(request.user, round_id, ward_code)
    query = request.GET.get("q", "")
    data = request.POST if request.method == "POST" else None
    chosen = data.get("case") if data is not None else None
    choices = complaint_reads.household_choices(ward_list, query, chosen)
    form = ComplaintForm(
        data,
        initial={"received_on": timezone.localdate()},
        cases=complaint_reads.ward_cases_for_choice(ward_list).select_related("round", "village", "household"),
        choices=choices[: complaint_reads.SUGGESTIONS],
    )
    if query.strip() and not choices:
        form.fields["case"].help_text = _("No household of this ward's list matches “%(q)s”.") % {"q": query.strip()}
    elif len(choices) > complaint_reads.SUGGESTIONS:
        form.fields["case"].help_text = _("More than %(n)d households match: type more of the name or the code.") % {
            "n": complaint_reads.SUGGESTIONS
        }
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        case = d.pop("case")
        try:
            services.complaint_record(case=case, user=request.user, **d)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                _("Recorded the complaint; the survey of household %(code)s is reopened for a re-check.")
                % {"code": case.household.code},
            )
            return redirect(_ward_url(ward_list))
    return render(
        request,
        "reviews/manage/complaint_form.html",
        {
            "title": _("Record a complaint"),
            "intro": _(
                "A complaint against a household reopens its survey for a re-check (phúc tra) within %(days)d working days."
            )
            % {"days": ward_list.round.recheck_working_days},
            "form": form,
            "query": query,
            "cancel_url": _ward_url(ward_list),
            "submit_label": _("Record the complaint"),
            "blocked": _complaint_refusal(ward_list),
        },
    )


@require_http_methods(["GET", "POST"])
@access.capability_required("handle_complaints")
def complaint_resolve(request, round_id, ward_code, complaint_id):
    ward_list = selectors.ward_list_or_404(request.user, round_id, ward_code)
    complaint = get_object_or_404(
        Complaint.objects.select_related("case__round__primary_standard", "case__village", "case__household"),
        pk=complaint_id,
        case__round_id=ward_list.round_id,
        case__village__parent_id=ward_list.ward_id,
    )
    form = ResolveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_resolve(complaint=complaint, user=request.user, resolution=form.cleaned_data["resolution"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, _("Recorded the result of the re-check."))
            return redirect(_ward_url(ward_list))
    return render_form(
        request,
        title=_("Re-check of household %(code)s") % {"code": complaint.case.household.code},
        intro=_("Complaint by %(who)s received on %(day)s: %(content)s")
        % {"who": complaint.complainant, "day": complaint.received_on.strftime("%d/%m/%Y"), "content": complaint.content},
        form=form,
        cancel_url=_ward_url(ward_list),
        submit_label=_("Record the result"),
        extra={
            "blocked": _round_closed(ward_list),
            "stored_results": _stored_results(complaint.case),
            "current_title": _("The result now"),
            # What the re-check changed: the answers and results since the complaint was entered.
            "changes": history.case_changes(complaint.case, since=complaint.recorded_at or _start_of(complaint.received_on)),
            "changes_title": _("Changes since the complaint was recorded"),
        },
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _stored_results(case: Case) -> list[dict]:
    """The case's saved results, primary standard first, for what would change them."""
    rows = CaseResult.objects.filter(case=case).select_related("standard").order_by("standard__code")
    rows = sorted(rows, key=lambda r: r.standard_id != case.round.primary_standard_id)
    return [
        {
            "title": r.standard.name,
            "data": r.explanation,
            "class": r.get_household_class_display() or "–",
            "income": r.income_per_person_month,
            "deprivations": r.deprivation_count,
        }
        for r in rows
    ]


def _round_closed(ward_list: WardList) -> str:
    try:
        workflow.require_open(ward_list.round)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def _complaint_refusal(ward_list: WardList) -> str:
    """Why no complaint can be recorded now ("" when one can)."""
    if closed := _round_closed(ward_list):
        return closed
    if ward_list.status != WardList.Status.POSTED:
        return _("Complaints are recorded while the list is publicly posted.")
    return ""


@require_GET
@access.capability_required("see_ward_lists")
def decision_list(request, round_id, ward_code):
    ward_list = selectors.ward_list_or_404(request.user, round_id, ward_code)
    return render(
        request,
        "reviews/manage/decision_list.html",
        {
            "ward_list": ward_list,
            "round": ward_list.round,
            "sections": selectors.decision_sections(ward_list),
            "is_draft": ward_list.status != WardList.Status.DECIDED,
        },
    )
