"""The approving unit's pages (district officer, or the city officer where wards report to the city)."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from households import access
from reviews import opinions, services, workflow
from reviews import selectors_manage as selectors
from reviews.forms_manage import BulkOpinionForm, OpinionForm, ReasonForm
from reviews.models import WardList
from reviews.views.common import flash_errors


@require_GET
@access.capability_required("give_opinion")
def approvals(request):
    lists = selectors.approvals_for(request.user)
    scope = access.scope_of(request.user)
    waiting = [wl for wl in lists if wl.status == WardList.Status.SUBMITTED]
    return render(
        request,
        "reviews/manage/approvals.html",
        {
            "waiting": waiting,
            "others": [wl for wl in lists if wl.status != WardList.Status.SUBMITTED],
            "unit": scope.unit,
            # Only an officer of the approving unit gives opinions (administrators read).
            "bulk_form": BulkOpinionForm(prefix="bulk") if waiting and access.acts(request.user, "give_opinion") else None,
            "rounds": list({wl.round_id: wl.round for wl in lists if wl.round.is_open}.values()),
        },
    )


@require_POST
@access.capability_required("give_opinion")
def approvals_bulk(request):
    """Approve or return every ticked ward list, each through its own transition; the page lists the
    lists done and those refused with the reasons. Sending the form again refuses them all (their state
    has moved on) and changes nothing."""
    form = BulkOpinionForm(request.POST, prefix="bulk")
    ids = []
    for value in request.POST.getlist("lists"):
        try:
            ids.append(int(value))
        except ValueError:
            continue
    if not ids:
        form.add_error(None, _("Tick at least one ward list."))
    if not form.is_valid():
        flash_errors(request, ValidationError([e for errors in form.errors.values() for e in errors]))
        return redirect("reviews:approvals")
    versions = {}
    for pk in ids:
        with contextlib.suppress(ValueError):
            versions[pk] = int(request.POST.get(f"version-{pk}", ""))
    decision = form.cleaned_data["decision"]
    outcome = opinions.opinions_give(
        user=request.user, decision=decision, ward_list_ids=ids, versions=versions, reason=form.cleaned_data["reason"]
    )
    return render(
        request,
        "reviews/manage/approvals_bulk_result.html",
        {"outcome": outcome, "decision": decision, "reason": form.cleaned_data["reason"]},
    )


def _review_url(ward_list: WardList) -> str:
    return reverse("reviews:ward_review", args=[ward_list.round_id, ward_list.ward.code])


# A ward of 2,000 households on one page was 868 KB of HTML (issue 17): the page shows the ward's counts
# and one village's households at a time, this many per page.
REVIEW_PAGE_SIZE = 100


@require_GET
@access.capability_required("give_opinion")
def ward_review(request, round_id, ward_code):
    """The approving unit's review of a ward list: the ward's counts on top (from the tallies), then the
    households of one village (the first by default), a page at a time.

    Queries whatever the ward's size: session, user, assignment, ward, ward list, the actions' checks,
    the tallies, the village lists, the village's count and its page of cases with their results and
    heads, the timeline."""
    ward_list = selectors.ward_list_or_404(request.user, round_id, ward_code)
    can = {a.name for a in workflow.allowed_actions(ward_list, request.user)}
    totals, village_counts = selectors.ward_tally_counts(ward_list)
    village_lists = selectors.ward_village_lists(ward_list)
    for vl in village_lists:
        vl.counts = village_counts.get(vl.village_id, selectors.EMPTY_COUNTS)
    wanted = request.GET.get("village", "")
    current = next((vl for vl in village_lists if vl.village.code == wanted), village_lists[0] if village_lists else None)
    page = None
    if current is not None:
        cases = selectors.ward_cases(ward_list).filter(village_id=current.village_id)
        page = Paginator(cases, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/manage/ward_review.html",
        {
            "ward_list": ward_list,
            "round": ward_list.round,
            "totals": totals,
            "village_lists": village_lists,
            "current": current,
            "page": page,
            "timeline": selectors.ward_timeline(ward_list),
            "can": can,
            "summary": opinions.ward_summary(ward_list),
            "approve_form": OpinionForm(prefix="approve"),
            "return_form": OpinionForm(prefix="return"),
            "reopen_form": ReasonForm(prefix="reopen"),
            "approve_late": workflow.overdue("ward_approve", ward_list.round),
        },
    )


def _act(request, round_id, ward_code, service, success, prefix=None, confirm=None):
    ward_list = selectors.ward_list_or_404(request.user, round_id, ward_code)
    kwargs = {}
    if prefix is not None:
        form = (OpinionForm if confirm else ReasonForm)(request.POST, prefix=prefix)
        # An empty reason reaches the service, whose message ("Give a reason.") the user sees.
        kwargs["reason"] = form.data.get(form.add_prefix("reason"), "")
        if confirm and not form.is_valid() and "confirmed" in form.errors:
            # The opinion is given only by someone who says they read the list (checked here, not in the browser).
            workflow.check_actor(confirm, ward_list, request.user)
            flash_errors(request, ValidationError(form.errors["confirmed"]))
            return redirect(_review_url(ward_list))
    try:
        service(ward_list=ward_list, user=request.user, **kwargs)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, success % {"ward": ward_list.ward.name})
    return redirect(_review_url(ward_list))


@require_POST
@access.capability_required("give_opinion")
def ward_approve(request, round_id, ward_code):
    # The reason is asked only once the approval deadline has passed (the reason for the delay).
    return _act(
        request,
        round_id,
        ward_code,
        services.ward_approve,
        _("Approved the list of %(ward)s."),
        prefix="approve",
        confirm="ward_approve",
    )


@require_POST
@access.capability_required("give_opinion")
def ward_return(request, round_id, ward_code):
    return _act(
        request,
        round_id,
        ward_code,
        services.ward_return,
        _("Returned the list of %(ward)s with remarks."),
        prefix="return",
        confirm="ward_return",
    )


@require_POST
@access.capability_required("give_opinion")
def ward_reopen(request, round_id, ward_code):
    return _act(
        request,
        round_id,
        ward_code,
        services.ward_reopen,
        _("Reopened the list of %(ward)s; its official statuses are revoked."),
        prefix="reopen",
    )
