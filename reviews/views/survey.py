"""The village head's pages: the village list of a round, the quick screen, the survey sections,
the live result, and submitting the village list. Also the household's review timeline and its
printable certificate (read by every role that may see the household)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from households.access import acts, get_visible_or_404, has_capability, require_capability, scope_of
from households.models import AdminUnit, Household, IdNumberDisclosure
from households.services import id_numbers_disclosed
from policies.explain import missing_by_section, result_rows
from policies.vocabulary import CLASS_CHOICES, SECTION_CHOICES, label
from reviews import history, selectors, services, workflow
from reviews.forms_survey import SECTION_FORMS, CaseMemberFormSet, CaseMemberFormSetNoBlank, ScreenForm
from reviews.models import Case, CaseResult, OfficialStatus, ReviewRound, VillageList, WardList

# The survey's sections, from their one list in policies/facts.py.
SECTION_TITLES = dict(SECTION_CHOICES)


def _section_titles():
    # Evaluated per request so the active language applies.
    from django.utils.translation import gettext

    return [(key, gettext(str(title))) for key, title in SECTION_TITLES.items()]


@require_GET
@login_required
def start(request):
    """Where "Rà soát" leads each role: the village list, the ward page, approvals or the rounds."""
    scope = scope_of(request.user)
    round_ = selectors.open_rounds().filter(kind=ReviewRound.Kind.PERIODIC).first() or selectors.open_rounds().first()
    if round_ is None or scope.unit is None:
        return redirect("reviews:round_list")
    user = request.user
    if acts(user, "manage_rounds"):
        return redirect("reviews:round_detail", round_id=round_.pk)
    if acts(user, "give_opinion"):
        return redirect("reviews:approvals")
    if acts(user, "see_ward_lists") and scope.unit.is_ward_level:
        return redirect("reviews:ward_detail", round_id=round_.pk, ward_code=scope.unit.code)
    if acts(user, "survey") and scope.unit.level == AdminUnit.Level.VILLAGE:
        return redirect("reviews:village_cases", round_id=round_.pk, code=scope.unit.code)
    return redirect("reviews:round_detail", round_id=round_.pk)


@require_GET
@login_required
def village_cases(request, round_id, code):
    round_ = get_object_or_404(ReviewRound, pk=round_id)
    village = get_visible_or_404(
        AdminUnit.objects.select_related("parent"), request.user, code=code, level=AdminUnit.Level.VILLAGE
    )
    village_list = get_object_or_404(VillageList, round=round_, village=village)
    cases = selectors.village_cases(round_, village)
    for case in cases:
        # Provisional ("tạm tính") until every section its standards need is saved and answered.
        case.provisional = case.status == Case.Status.TO_SURVEY and bool(case.sections_done)
        case.missing_sections = [group["title"] for group in missing_by_section(case.missing_answers or [])] or [
            title for key, title in _section_titles() if key not in (case.sections_done or [])
        ]
        case.provisional_label = label(CLASS_CHOICES, case.provisional_class) if case.provisional_class else ""
    progress = selectors.village_progress(cases)
    return render(
        request,
        "reviews/survey/village.html",
        {
            "round": round_,
            "village": village,
            "village_list": village_list,
            "cases": cases,
            "progress": progress,
            "submit_step": next(iter(workflow.next_steps(village_list, request.user, ("village_submit",))), None),
            "submit_late": workflow.overdue("village_submit", round_),
            "can_edit": village_list.is_editable and round_.is_open and has_capability(request.user, "survey"),
        },
    )


@require_POST
@login_required
def case_propose(request, round_id, code):
    """Where the round allows it, the village head proposes one more household of the village."""
    round_ = get_object_or_404(ReviewRound, pk=round_id)
    village = get_visible_or_404(AdminUnit.objects.all(), request.user, code=code, level=AdminUnit.Level.VILLAGE)
    if not acts(request.user, "survey"):
        raise PermissionDenied
    household = (
        Household.objects.visible_to(request.user)
        .filter(village=village, code=request.POST.get("household_code", "").strip())
        .first()
    )
    if household is None:
        messages.error(request, _("No household with this code in %(village)s.") % {"village": village.name})
    else:
        try:
            case = services.case_add(round_=round_, household=household, inclusion=Case.Inclusion.PROPOSED, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Household %(code)s is in this round's list.") % {"code": household.code})
            return redirect("reviews:case_detail", pk=case.pk)
    return redirect("reviews:village_cases", round_id=round_.pk, code=village.code)


@require_POST
@login_required
def village_submit(request, round_id, code):
    round_ = get_object_or_404(ReviewRound, pk=round_id)
    village = get_visible_or_404(AdminUnit.objects.all(), request.user, code=code, level=AdminUnit.Level.VILLAGE)
    village_list = get_object_or_404(VillageList, round=round_, village=village)
    try:
        services.village_submit(village_list=village_list, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The village list was sent to the ward."))
    return redirect("reviews:village_cases", round_id=round_.pk, code=village.code)


def _editable_for(case: Case, user) -> bool:
    return acts(user, "survey") and services.case_editable(case)


def _results(case: Case, values=None, members=None, section=None):
    return result_rows(services.case_results_now(case, values=values, members=members, section=section))


def _bar(case: Case, rows: list[dict]) -> dict | None:
    """The row the phone's result bar shows: the round's standard for the official status."""
    return next((row for row in rows if row["standard"].pk == case.round.primary_standard_id), rows[0] if rows else None)


@require_GET
@login_required
def case_detail(request, pk):
    case = selectors.case_for_page(pk, request.user)
    return render(
        request,
        "reviews/survey/case_detail.html",
        {
            "case": case,
            "rows": _results(case) if case.status not in (Case.Status.TO_SCREEN, Case.Status.SCREENED_OUT) else [],
            "members": list(case.members.all()),
            "timeline": selectors.case_timeline(case),
            "changes": history.case_changes(case),
            "complaints": list(case.complaints.all()),
            "editable": _editable_for(case, request.user),
            "sections": _section_titles(),
            "screened_items": [
                i["text"] for i in case.round.primary_standard.quick_screen_items if i["key"] in case.quick_screen
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def case_screen(request, pk):
    case = selectors.case_for_page(pk, request.user)
    require_capability(request.user, "survey")
    items = case.round.primary_standard.quick_screen_items
    form = ScreenForm(request.POST or None, items=items, initial={"items_met": case.quick_screen, "read_version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_screen(
                case=case,
                user=request.user,
                items_met=form.cleaned_data["items_met"],
                read_version=form.cleaned_data["read_version"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if case.status == Case.Status.SCREENED_OUT:
                messages.info(request, _("The household meets a quick-screen criterion and is not surveyed further."))
                return redirect("reviews:case_detail", pk=case.pk)
            return redirect("reviews:case_form", pk=case.pk)
    return render(
        request, "reviews/survey/screen.html", {"case": case, "form": form, "editable": _editable_for(case, request.user)}
    )


def _bind_section(request, case: Case, section: str, data=None, *, confirm_small: bool = True):
    if section == "members":
        members = case.members.all().order_by("id")
        # A blank card only while the household has nobody yet; otherwise "Add a member" adds one in the page.
        formset_class = CaseMemberFormSet if not members.exists() else CaseMemberFormSetNoBlank
        return formset_class(
            data,
            queryset=members,
            prefix="m",
            read_version=case.version,
            form_kwargs={"reference_date": case.round.ends_on},
        )
    form_class = SECTION_FORMS[section]
    return form_class(
        data,
        instance=case,
        asked=services.facts_asked(case.round),
        initial={"read_version": case.version},
        members=case.members.count() if section == "income" else None,
        confirm_small=confirm_small,
    )


def _member_values(formset) -> list[dict]:
    """The rows to save, each naming its member by ``form.instance`` (a row of this case), never by
    the id in cleaned data."""
    rows = []
    for form in formset.forms:
        if form.has_changed() or form.instance.pk:
            rows.append({**form.cleaned_data, "id": form.instance.pk})
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def case_survey(request, pk, section):
    if section not in SECTION_TITLES:
        raise Http404
    case = selectors.case_for_page(pk, request.user)
    require_capability(request.user, "survey")
    if case.status in (Case.Status.TO_SCREEN, Case.Status.SCREENED_OUT):
        messages.info(request, _("Do the quick screen first."))
        return redirect("reviews:case_screen", pk=case.pk)
    editable = _editable_for(case, request.user)
    bound = _bind_section(request, case, section, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if bound.is_valid():
            try:
                if section == "members":
                    services.case_save_section(
                        case=case,
                        user=request.user,
                        section=section,
                        values={},
                        read_version=bound.read_version,
                        members=_member_values(bound),
                    )
                else:
                    services.case_save_section(
                        case=case,
                        user=request.user,
                        section=section,
                        values=bound.section_values(),
                        read_version=bound.cleaned_data["read_version"],
                    )
            except ValidationError as exc:
                _attach_error(bound, exc)
            else:
                keys = list(SECTION_TITLES)
                position = keys.index(section)
                if position + 1 < len(keys):
                    messages.success(
                        request, _("Saved. Next: %(section)s.") % {"section": dict(_section_titles())[keys[position + 1]]}
                    )
                    return redirect("reviews:case_survey", pk=case.pk, section=keys[position + 1])
                messages.success(request, _("Survey saved. Check the result and its reasons below."))
                return redirect("reviews:case_detail", pk=case.pk)
    rows = _results(case)
    return render(
        request,
        "reviews/survey/section.html",
        {
            "case": case,
            "section": section,
            "sections": _section_titles(),
            "form": bound,
            "editable": editable,
            "rows": rows,
            "bar": _bar(case, rows),
            "preview_url": reverse("reviews:case_preview", args=[case.pk, section]),
            "with_members": section == "members",
        },
    )


# The sections of the one-page form, after the members (each is also a page of its own, for a correction).
FORM_SECTIONS = [key for key in SECTION_TITLES if key != "members"]


def _bind_form(request, case: Case, data=None, *, confirm_small: bool = True):
    """The members' cards and every other section, bound together: one page, one save. Their field names
    do not collide (the members' carry the "m-" prefix; each section's are its own facts' columns)."""
    members = _bind_section(request, case, "members", data)
    sections = {key: _bind_section(request, case, key, data, confirm_small=confirm_small) for key in FORM_SECTIONS}
    return members, {key: form for key, form in sections.items() if form.fields.keys() - {"read_version"}}


@require_http_methods(["GET", "POST"])
@login_required
def case_form(request, pk):
    """The whole survey on one page: members, housing, water, information, income; saved at once."""
    case = selectors.case_for_page(pk, request.user)
    require_capability(request.user, "survey")
    if case.status in (Case.Status.TO_SCREEN, Case.Status.SCREENED_OUT):
        messages.info(request, _("Do the quick screen first."))
        return redirect("reviews:case_screen", pk=case.pk)
    editable = _editable_for(case, request.user)
    members, sections = _bind_form(request, case, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if members.is_valid() and all(form.is_valid() for form in sections.values()):
            try:
                services.case_save_form(
                    case=case,
                    user=request.user,
                    members=_member_values(members),
                    sections={key: form.section_values() for key, form in sections.items()},
                    read_version=members.read_version,
                )
            except ValidationError as exc:
                _attach_error(members, exc)
            else:
                messages.success(request, _("Survey saved. Check the result and its reasons below."))
                return redirect("reviews:case_detail", pk=case.pk)
    rows = _results(case)
    titles = dict(_section_titles())
    return render(
        request,
        "reviews/survey/form.html",
        {
            "case": case,
            "section": "form",
            "sections": _section_titles(),
            "form": members,
            "section_forms": [(key, titles[key], form) for key, form in sections.items()],
            "all_forms": [members, *sections.values()],
            # The first time through, every card is open: each person's answers are still to be given.
            "first_survey": "members" not in (case.sections_done or []),
            "preview_url": reverse("reviews:case_form_preview", args=[case.pk]),
            "with_members": True,
            "editable": editable,
            "rows": rows,
            "bar": _bar(case, rows),
        },
    )


@require_POST
@login_required
def case_form_preview(request, pk):
    """htmx: the result with every unsaved value of the one-page form; nothing is written."""
    case = selectors.case_for_page(pk, request.user)
    require_capability(request.user, "survey")
    members, sections = _bind_form(request, case, request.POST, confirm_small=False)
    rows, invalid = [], not members.is_valid()
    if not invalid:
        live = [f for f in members.forms if (f.has_changed() or f.instance.pk) and not f.cleaned_data.get("DELETE")]
        values, filled = {}, ["members"]
        for key, form in sections.items():
            if form.is_valid():
                values.update(form.section_values())
                filled.append(key)
        people = [f.save(commit=False) for f in live]
        rows = _results_with(case, values=values, members=people, sections=filled) if people else []
    return render(
        request, "reviews/survey/_results.html", {"rows": rows, "invalid": invalid, "preview": True, "bar": _bar(case, rows)}
    )


def _results_with(case: Case, *, values, members, sections):
    return result_rows(services.case_results_now(case, values=values, members=members, sections=sections))


def _attach_error(bound, exc: ValidationError) -> None:
    if hasattr(bound, "forms"):  # a formset: show it above the rows
        bound._non_form_errors = bound.error_class(exc.messages)
    else:
        bound.add_error(None, exc)


@require_POST
@login_required
def case_preview(request, pk, section):
    """htmx: the result as it would be with the section's unsaved values; nothing is written."""
    if section not in SECTION_TITLES:
        raise Http404
    case = selectors.case_for_page(pk, request.user)
    require_capability(request.user, "survey")
    # The live result does not wait for the small-amount confirmation; saving does.
    bound = _bind_section(request, case, section, request.POST, confirm_small=False)
    rows, invalid = [], not bound.is_valid()
    if not invalid:
        if section == "members":
            live = [f for f in bound.forms if (f.has_changed() or f.instance.pk) and not f.cleaned_data.get("DELETE")]
            members = [f.save(commit=False) for f in live]
            rows = _results(case, members=members) if members else []
        else:
            rows = _results(case, values=bound.section_values(), section=section)
    return render(
        request, "reviews/survey/_results.html", {"rows": rows, "invalid": invalid, "preview": True, "bar": _bar(case, rows)}
    )


@require_GET
@login_required
def household_reviews(request, code):
    """A household's review timeline and official statuses (every role that may see the household)."""
    household = get_visible_or_404(Household.objects.select_related("village", "village__parent"), request.user, code=code)
    cases = list(Case.objects.filter(household=household).select_related("round").order_by("-round__year"))
    statuses = list(
        OfficialStatus.objects.filter(household=household).select_related("round", "standard").order_by("-effective_from", "-id")
    )
    timeline = list(
        selectors.Transition.objects.filter(household=household).select_related("actor", "round").order_by("-at", "-id")[:200]
    )
    return render(
        request,
        "reviews/household_reviews.html",
        {"household": household, "cases": cases, "statuses": statuses, "timeline": timeline},
    )


@never_cache  # the certificate carries the head's full ID number
@require_GET
@login_required
def certificate(request, pk):
    """Form 03: certificate of a poor / near-poor household, print-ready (A4)."""
    status = get_visible_or_404(
        OfficialStatus.objects.select_related("household", "household__village", "ward", "round", "standard"),
        request.user,
        pk=pk,
    )
    if status.revoked_at or status.household_class not in ("poor", "near_poor"):
        raise Http404
    # The certificate carries the head's full ID number: only the ward that issues it and the
    # village head who hands it over print it.
    require_capability(request.user, "see_full_id_numbers")
    id_numbers_disclosed(
        user=request.user,
        kind=IdNumberDisclosure.Kind.CERTIFICATE,
        households=Household.objects.filter(pk=status.household_id),
        detail=f"{status.round.year}",
    )
    members = list(status.household.members.active().order_by("id"))
    head = next((m for m in members if m.relationship == "head"), None)
    from households.ethnicities import ETHNICITY_CHOICES

    ethnicities = dict(ETHNICITY_CHOICES)
    ward_list = WardList.objects.filter(round=status.round, ward=status.ward).first()
    # The stored result behind the decision, for the back-office panel (not printed).
    stored = CaseResult.objects.filter(case_id=status.case_id, standard_id=status.standard_id).first()
    return render(
        request,
        "reviews/certificate.html",
        {
            "status": status,
            "household": status.household,
            "members": members,
            "head": head,
            "ethnicities": ethnicities,
            "ward_list": ward_list,
            "stored_result": stored.explanation if stored else None,
        },
    )
