from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from households import citizen_ids, importing, selectors
from households.access import (
    capability_required,
    get_visible_or_404,
    has_capability,
    may_edit_households,
    may_reveal_id_numbers,
    require_capability,
    scope_of,
)
from households.exporting import household_header, household_rows, write_xlsx
from households.filters import HouseholdFilter, ward_villages
from households.forms import (
    HouseholdForm,
    ImportForm,
    LeaveForm,
    MoveForm,
    RevealForm,
    SplitForm,
    VillageForm,
    VillageImportForm,
    member_formset,
)
from households.import_jobs import ERRORS_NAME, import_job_request, import_jobs_fail_stale
from households.models import AdminUnit, Household, IdNumberDisclosure, ImportJob, Member
from households.selectors import children_with_counts
from households.services import (
    MEMBER_FIELDS,
    household_create,
    household_split,
    household_update,
    id_number_reveal,
    id_number_search,
    id_numbers_disclosed,
    member_leave,
    member_move,
)
from households.territory import village_create, villages_import


@require_GET
@login_required
def unit_detail(request, code):
    unit = get_visible_or_404(AdminUnit.objects.select_related("parent"), request.user, code=code)
    scope = scope_of(request.user)
    ancestors = [u for u in AdminUnit.objects.filter(code__in=unit.ancestor_codes()[:-1]).order_by("path") if scope.covers(u)]
    can_add_village = unit.is_ward_level and has_capability(request.user, "manage_villages")
    return render(
        request,
        "households/unit_detail.html",
        {"unit": unit, "children": children_with_counts(unit), "ancestors": ancestors, "can_add_village": can_add_village},
    )


@require_http_methods(["GET", "POST"])
@capability_required("manage_villages")
def village_import_view(request, code):
    """A ward officer imports the ward's villages / residential groups from CSV (all rows or none)."""
    ward = get_visible_or_404(AdminUnit.objects.all(), request.user, code=code)
    if not ward.is_ward_level:
        raise PermissionDenied
    form = VillageImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created, present = villages_import(text=form.cleaned_data["file"], within=ward)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(
                request, _("%(created)d villages added, %(present)d already present.") % {"created": created, "present": present}
            )
            return redirect("households:unit_detail", code=ward.code)
    return render(request, "households/village_import.html", {"ward": ward, "form": form})


@require_http_methods(["GET", "POST"])
@capability_required("manage_villages")
def village_create_view(request, code):
    ward = get_visible_or_404(AdminUnit.objects.all(), request.user, code=code)
    if not ward.is_ward_level:
        raise PermissionDenied
    form = VillageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            village = village_create(ward=ward, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": village.name})
            return redirect("households:unit_detail", code=ward.code)
    return render(request, "households/village_form.html", {"ward": ward, "form": form})


# --- Household registry ---------------------------------------------------------------------------

PAGE_SIZE = 50


def _add_errors(form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form: known fields get theirs, the rest goes on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _editable_household(request, code: str) -> Household:
    """404 outside the user's area first, then 403 for a role that only reads."""
    household = get_visible_or_404(Household.objects.select_related("village"), request.user, code=code)
    if not may_edit_households(request.user):
        raise PermissionDenied
    return household


def _villages_for(user):
    return AdminUnit.objects.visible_to(user).villages().current().order_by("name")


def _member_data(formset) -> list[dict]:
    data = []
    for form in formset.forms:
        if form.instance.pk or form.has_changed():
            item = {name: form.cleaned_data[name] for name in MEMBER_FIELDS if name in form.cleaned_data}
            item["id"] = form.instance.pk
            data.append(item)
    return data


# A search by ID number never sits in a URL (nor so in the access log or the browser history): the
# search form posts, the households found are kept in the session (their ids, not the number) and the
# list is shown at a URL that only says "the ID search" (?idq=1), so pagination and the export still work.
ID_SEARCH_SESSION_KEY = "household_id_search"
ID_SEARCH_PARAM = "idq"


def _id_search_start(request, text: str) -> None:
    """Search by a whole ID number (recorded; throttled for the roles that see masked numbers) and keep
    the households found in the session. A piece of a number finds nothing."""
    found: list[int] = []
    if not citizen_ids.is_whole_number(text):
        messages.error(request, _("To search by ID number, enter all 12 digits."))
    else:
        result = id_number_search(
            user=request.user,
            number=text,
            households=Household.objects.visible_to(request.user),
            throttled=not may_reveal_id_numbers(request.user),
        )
        if result is None:
            messages.error(
                request,
                _("You have searched by ID number %(n)d times in the last hour. Wait a while before searching again.")
                % {"n": settings.ID_SEARCHES_PER_HOUR},
            )
        else:
            found = result
    request.session[ID_SEARCH_SESSION_KEY] = {"ids": found, "masked": citizen_ids.mask(text)}


def _search_redirect(request, source):
    """Turn a posted search (or an ID number typed into the URL) into the list's URL without the number."""
    query = QueryDict(mutable=True)
    for name in ("ward", "village", "status"):
        if source.get(name):
            query[name] = source[name]
    text = source.get("q", "").strip()
    if citizen_ids.is_number_query(text) and not has_capability(request.user, "search_id_numbers"):
        messages.error(request, _("Your account does not search by ID number."))
    elif citizen_ids.is_number_query(text):
        _id_search_start(request, text)
        query[ID_SEARCH_PARAM] = "1"
    elif text:
        query["q"] = text
    url = reverse("households:list")
    return redirect(f"{url}?{query.urlencode()}" if query else url)


def _filtered(request, queryset) -> tuple[HouseholdFilter, dict | None]:
    """The list's filter over ``queryset`` from the URL, and the session's ID search when the URL asks for it."""
    data = request.GET.copy()
    for name in ("page", "after", "before"):
        data.pop(name, None)
    id_search = None
    if data.pop(ID_SEARCH_PARAM, None):
        id_search = request.session.get(ID_SEARCH_SESSION_KEY) or {"ids": [], "masked": ""}
        queryset = queryset.filter(pk__in=id_search["ids"])
    return HouseholdFilter(data or None, queryset=queryset, request=request), id_search


@require_http_methods(["GET", "POST"])
@capability_required("see_households")
def household_list_view(request):
    # Queries: session, user, assignment (scope), the ward choices (district and city) or the village
    # choices (ward and village), one page of rows. No count: the pages go by keyset (``after``/``before``).
    if request.method == "POST":
        require_capability(request.user, "search_id_numbers")
        return _search_redirect(request, request.POST)
    if citizen_ids.is_number_query(request.GET.get("q", "")):  # an old link or a typed URL
        return _search_redirect(request, request.GET)
    households, id_search = _filtered(request, selectors.household_scope(request.user))
    page = selectors.household_page(
        households.qs, after=request.GET.get("after", ""), before=request.GET.get("before", ""), size=PAGE_SIZE
    )
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return render(
        request,
        "households/household_list.html",
        {
            "filter": households,
            "page": page,
            "query": query.urlencode(),
            "id_search": id_search,
            "can_edit": may_edit_households(request.user),
            "can_import": has_capability(request.user, "import_households"),
            "can_check_quality": has_capability(request.user, "check_data_quality"),
            "can_search_ids": has_capability(request.user, "search_id_numbers"),
        },
    )


@require_GET
@capability_required("see_households")
def village_options_view(request):
    """The village select's options for the ward chosen in the household list's filter (htmx)."""
    ward_id = request.GET.get("ward", "")
    if ward_id and not (ward_id.isdigit() and AdminUnit.objects.visible_to(request.user).wards().filter(pk=ward_id).exists()):
        raise Http404
    return render(request, "households/_village_options.html", {"villages": ward_villages(request.user, ward_id)})


@never_cache  # a workbook of personal data (full ID numbers for the roles that register members)
@require_GET
@capability_required("see_households")
def household_export_view(request):
    households, _id_search = _filtered(request, selectors.household_list(request.user))
    reveal = may_reveal_id_numbers(request.user)
    if reveal:
        id_numbers_disclosed(
            user=request.user,
            kind=IdNumberDisclosure.Kind.HOUSEHOLD_EXPORT,
            households=households.qs,
            detail=request.GET.urlencode(),
        )
    rows = household_rows(households.qs, reveal_ids=reveal)
    handle = write_xlsx(_("Household list"), household_header(), rows)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"ho-gia-dinh-{timezone.localdate():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _render_detail(request, household: Household, *, revealed: dict | None = None, status: int = 200):
    members = list(household.members.all())
    members.sort(key=lambda m: (m.left_on is not None, m.relationship != Member.Relationship.HEAD, m.pk))
    can_edit = may_edit_households(request.user)
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "members": members,
            "duplicates": selectors.duplicate_members(request.user, members),
            "history": selectors.household_history(household),
            "can_edit": can_edit,
            "can_reveal": may_reveal_id_numbers(request.user),
            "revealed": revealed or {},
            "leave_form": LeaveForm(initial={"left_on": timezone.localdate()}) if can_edit else None,
            "split_form": SplitForm(household=household) if can_edit else None,
            "move_form": MoveForm() if can_edit else None,
            "reveal_form": RevealForm(),
        },
        status=status,
    )


@require_GET
@login_required
def household_detail_view(request, code):
    household = get_visible_or_404(Household.objects.select_related("village"), request.user, code=code)
    return _render_detail(request, household)


@require_http_methods(["GET", "POST"])
@capability_required("edit_households")
def household_create_view(request):
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, villages=_villages_for(request.user))
    formset = member_formset(data=data, extra=4)
    if data is not None and form.is_valid() and formset.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            household = household_create(members=_member_data(formset), **fields)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Saved household %(code)s.") % {"code": household.code})
            return redirect("households:detail", code=household.code)
    return render(request, "households/household_form.html", {"form": form, "formset": formset, "household": None})


@never_cache  # the form holds the members' full ID numbers
@require_http_methods(["GET", "POST"])
@login_required
def household_edit_view(request, code):
    household = _editable_household(request, code)
    if request.method == "GET":
        id_numbers_disclosed(
            user=request.user, kind=IdNumberDisclosure.Kind.EDIT_PAGE, households=Household.objects.filter(pk=household.pk)
        )
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, instance=household, villages=_villages_for(request.user))
    formset = member_formset(data=data, household=household, extra=1)
    if data is not None and form.is_valid() and formset.is_valid():
        read_version = form.cleaned_data["version"]
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            household_update(household=household, read_version=read_version, data=fields, members=_member_data(formset))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Saved household %(code)s.") % {"code": household.code})
            return redirect("households:detail", code=household.code)
    return render(request, "households/household_form.html", {"form": form, "formset": formset, "household": household})


def _report(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@require_POST
@login_required
def member_leave_view(request, code, member_id):
    household = _editable_household(request, code)
    member = get_object_or_404(household.members.select_related("household"), pk=member_id)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            member_leave(
                member=member,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _report(request, exc)
        else:
            messages.success(request, _("%(name)s has left the household.") % {"name": member.full_name})
    else:
        _form_errors(request, form)
    return redirect("households:detail", code=household.code)


@require_POST
@login_required
def household_split_view(request, code):
    household = _editable_household(request, code)
    form = SplitForm(request.POST, household=household)
    if form.is_valid():
        try:
            new = household_split(
                household=household,
                members=list(form.cleaned_data["members"]),
                new_head=form.cleaned_data["new_head"],
                code=form.cleaned_data["code"],
                address=form.cleaned_data["address"],
            )
        except ValidationError as exc:
            _report(request, exc)
        else:
            messages.success(request, _("Created household %(code)s.") % {"code": new.code})
            return redirect("households:detail", code=new.code)
    else:
        _form_errors(request, form)
    return redirect("households:detail", code=household.code)


@require_POST
@login_required
def member_move_view(request, code, member_id):
    household = _editable_household(request, code)
    member = get_object_or_404(household.members.select_related("household"), pk=member_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        # The target is looked up through the user's area too: one may only move people within it.
        target = Household.objects.visible_to(request.user).filter(code=form.cleaned_data["to_code"]).first()
        if target is None:
            messages.error(request, _("There is no household with that code in your area."))
        else:
            try:
                member_move(member=member, to=target, relationship=form.cleaned_data["relationship"])
            except ValidationError as exc:
                _report(request, exc)
            else:
                messages.success(
                    request, _("%(name)s moved to household %(code)s.") % {"name": member.full_name, "code": target.code}
                )
    else:
        _form_errors(request, form)
    return redirect("households:detail", code=household.code)


@never_cache  # the page carries a full ID number: keep it out of every cache
@require_POST
@login_required
def id_number_reveal_view(request, code, member_id):
    household = get_visible_or_404(Household.objects.select_related("village"), request.user, code=code)
    if not may_reveal_id_numbers(request.user):
        raise PermissionDenied
    member = get_object_or_404(household.members.exclude(id_number=""), pk=member_id)
    form = RevealForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    number = id_number_reveal(user=request.user, member=member, reason=reason)
    # Rendered, not redirected: the full number never sits in a URL or the browser history.
    return _render_detail(request, household, revealed={member.pk: number})


# --- Excel import (ward officers; administrators use `manage.py import_households`) ----------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _importing_ward(request) -> AdminUnit:
    scope = scope_of(request.user)
    if scope.unit is None or not has_capability(request.user, "import_households"):
        raise PermissionDenied
    return scope.unit


@require_GET
@capability_required("import_households")
def import_template_view(request):
    content = importing.template_workbook(_importing_ward(request))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-ho-gia-dinh.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@capability_required("import_households")
def import_view(request):
    """The form and the officer's recent imports; a valid upload becomes a job for the worker."""
    ward = _importing_ward(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_request(user=request.user, ward=ward, upload=form.cleaned_data["file"])
        return redirect("households:import_job", pk=job.pk)
    import_jobs_fail_stale()  # a job whose worker died says so instead of "being checked" for ever
    jobs = selectors.import_jobs_recent(request.user)
    return render(request, "households/import_form.html", {"ward": ward, "form": form, "jobs": jobs})


def _own_import(request, pk) -> ImportJob:
    """Only the importer sees a job and its files; anyone else, even in the same ward, gets 404."""
    import_jobs_fail_stale()
    return get_object_or_404(ImportJob.objects.select_related("ward"), pk=pk, user=request.user)


@require_GET
@capability_required("import_households")
def import_job_view(request, pk):
    return render(request, "households/import_job.html", {"job": _own_import(request, pk)})


@require_GET
@capability_required("import_households")
def import_job_progress_view(request, pk):
    return render(request, "households/_import_job.html", {"job": _own_import(request, pk)})


@never_cache  # the workbook of mistakes repeats the uploaded rows, ID numbers included
@require_GET
@capability_required("import_households")
def import_job_errors_view(request, pk):
    job = _own_import(request, pk)
    if job.status != ImportJob.Status.DONE or not job.error_count:
        raise Http404
    if job.files_expired or not job.error_file or not default_storage.exists(job.error_file.name):
        return render(
            request,
            "file_expired.html",
            {"days": settings.FILE_RETENTION_DAYS, "back_url": reverse("households:import_job", args=[job.pk])},
            status=410,
        )
    return FileResponse(job.error_file.open("rb"), as_attachment=True, filename=ERRORS_NAME, content_type=XLSX)
