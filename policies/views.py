"""Calculator (every role) and standards pages (read: every role; change: city officers and administrators).

Reading the standards is open to every role on purpose: the lines and indicators are public law,
and the calculator links to them so a village head can check the basis of a result. Only the city
department changes them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from households.access import capability_required, has_capability, scope_of
from policies import classification as engine
from policies import explain
from policies.forms import HouseholdFactsForm, MemberFormSet, StandardChangeForm, SupportPolicyVersionForm, calculator_facts
from policies.models import PovertyStandard, SupportPolicy
from policies.selectors import (
    standard_detail,
    standard_list,
    standard_revision,
    standards_in_force,
    support_policy_detail,
    support_policy_history,
    support_policy_list,
)
from policies.services import standard_new_version, standard_update, support_policy_new_version


def _result_rows(facts: engine.HouseholdFacts) -> list[dict]:
    """Each standard in force on the reference date with its result, explanation and confidences."""
    standards = standards_in_force(facts.reference_date)
    pairs = [(standard, engine.classify(facts, standard.to_spec(list(standard.indicators.all())))) for standard in standards]
    return explain.result_rows(pairs)


@require_http_methods(["GET", "POST"])
@capability_required("use_calculator")
def calculator(request):
    data = request.POST if request.method == "POST" else None
    form = HouseholdFactsForm(data)
    formset = MemberFormSet(data, prefix="members")
    rows = None
    if data is not None:
        facts = calculator_facts(form, formset)
        if facts is not None:
            rows = _result_rows(facts)
    return render(request, "policies/calculator.html", {"form": form, "formset": formset, "rows": rows})


def _statuses(standards: list[PovertyStandard]) -> dict[int, str]:
    """in_force / upcoming / expired / superseded for each version, as of today."""
    today = timezone.localdate()
    in_force: dict[str, PovertyStandard] = {}
    for s in standards:
        active = s.valid_from <= today and (s.valid_to is None or today <= s.valid_to)
        if active and (s.code not in in_force or s.version > in_force[s.code].version):
            in_force[s.code] = s
    statuses = {}
    for s in standards:
        if in_force.get(s.code) is s:
            statuses[s.pk] = "in_force"
        elif s.superseded_by_id is not None and s.valid_from <= today:
            statuses[s.pk] = "superseded"
        elif s.valid_from > today:
            statuses[s.pk] = "upcoming"
        else:
            statuses[s.pk] = "expired"
    return statuses


@require_GET
@capability_required("see_standards")
def standard_list_view(request):
    standards = standard_list()
    statuses = _statuses(standards)
    for s in standards:
        s.status = statuses[s.pk]
    return render(
        request,
        "policies/standard_list.html",
        {"standards": standards, "can_change": has_capability(request.user, "manage_standards")},
    )


def _get_standard(pk: int) -> PovertyStandard:
    try:
        return standard_detail(pk)
    except PovertyStandard.DoesNotExist:
        raise Http404 from None


def _history(standard: PovertyStandard) -> list[dict]:
    records = list(standard.history.select_related("history_user").order_by("-history_id"))
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changed = []
        if older is not None:
            changed = [change.field for change in newer.diff_against(older).changes]
        entries.append({"record": newer, "changed": [str(PovertyStandard._meta.get_field(f).verbose_name) for f in changed]})
    return entries


@require_GET
@capability_required("see_standards")
def standard_detail_view(request, pk: int):
    standard = _get_standard(pk)
    versions = PovertyStandard.objects.filter(code=standard.code).order_by("version")
    return render(
        request,
        "policies/standard_detail.html",
        {
            "standard": standard,
            "versions": versions,
            "history": _history(standard),
            "can_change": has_capability(request.user, "manage_standards"),
            "areas": [
                ("urban", _("Urban (ward)"), standard.urban_income_line, standard.urban_average_upper),
                ("rural", _("Rural (commune)"), standard.rural_income_line, standard.rural_average_upper),
            ],
        },
    )


def _attach(form, exc: ValidationError) -> None:
    try:
        form.add_error(None, exc)
    except (ValueError, AttributeError):
        # An error on a field the form does not show: keep the message, drop the field.
        form.add_error(None, exc.messages)


def _change_view(request, pk: int, *, new_version: bool):
    standard = _get_standard(pk)
    if not new_version and standard.is_locked:
        messages.error(request, _("A closed review round used this version; create a new version instead."))
        return redirect("policies:standard_detail", pk=standard.pk)
    if new_version and standard.superseded_by_id is not None:
        messages.error(request, _("This version has already been replaced by a newer one; open the newest version."))
        return redirect("policies:standard_detail", pk=standard.superseded_by_id)
    initial = {"seen_revision": standard_revision(standard.pk)}
    if new_version:
        initial["valid_from"] = None
    form = StandardChangeForm(
        request.POST if request.method == "POST" else None,
        instance=standard,
        initial=initial,
        previous_valid_from=standard.valid_from if new_version else None,
    )
    if request.method == "POST" and form.is_valid():
        service = standard_new_version if new_version else standard_update
        try:
            saved = service(
                standard=standard,
                user=request.user,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                seen_revision=form.cleaned_data["seen_revision"],
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            if new_version:
                messages.success(request, _("Version %(version)s created.") % {"version": saved.version})
            else:
                messages.success(request, _("Changes saved."))
            return redirect("policies:standard_detail", pk=saved.pk)
    return render(request, "policies/standard_form.html", {"standard": standard, "form": form, "new_version": new_version})


@require_http_methods(["GET", "POST"])
@capability_required("manage_standards")
def standard_edit_view(request, pk: int):
    return _change_view(request, pk, new_version=False)


@require_http_methods(["GET", "POST"])
@capability_required("manage_standards")
def standard_new_version_view(request, pk: int):
    return _change_view(request, pk, new_version=True)


# ----------------------------------------------------------------------------- support policies


@require_GET
@capability_required("see_support_policies")
def support_policy_list_view(request):
    """Every support policy with its newest version; links to the officer's own area's beneficiaries."""
    policies = support_policy_list()
    return render(
        request,
        "policies/support_policy_list.html",
        {"policies": policies, "area": scope_of(request.user).unit, "year": timezone.localdate().year},
    )


@require_GET
@capability_required("see_support_policies")
def support_policy_detail_view(request, pk: int):
    policy = _get_policy(pk)
    versions = list(policy.versions.all())
    today = timezone.localdate()
    in_force = [v for v in versions if v.valid_from <= today and (v.valid_to is None or today <= v.valid_to)]
    return render(
        request,
        "policies/support_policy_detail.html",
        {
            "policy": policy,
            "versions": versions,
            "in_force": max(in_force, key=lambda v: v.version) if in_force else None,
            "history": support_policy_history(policy),
            "can_change": has_capability(request.user, "manage_standards"),
            "area": scope_of(request.user).unit,
            "year": today.year,
        },
    )


def _get_policy(pk: int):
    try:
        return support_policy_detail(pk)
    except SupportPolicy.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
@capability_required("manage_standards")
def support_policy_new_version_view(request, pk: int):
    policy = _get_policy(pk)
    latest = policy.versions.order_by("-version").first()
    form = SupportPolicyVersionForm(
        request.POST if request.method == "POST" else None, instance=latest, initial={"valid_from": None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = support_policy_new_version(
                policy=policy, user=request.user, changes=form.changes(), reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Version %(version)s created.") % {"version": saved.version})
            return redirect("policies:support_policy_detail", pk=policy.pk)
    return render(request, "policies/support_policy_form.html", {"policy": policy, "latest": latest, "form": form})
