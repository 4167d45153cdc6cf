"""Calculator (every role) and standards pages (read: every role; change: city officers and administrators).

Reading the standards is open to every role on purpose: the lines and indicators are public law,
and the calculator links to them so a village head can check the basis of a result. Only the city
department changes them.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from households.access import capability_required, has_capability, scope_of
from policies import classification as engine
from policies import explain, procedure
from policies.forms import (
    HouseholdFactsForm,
    IndicatorFormSet,
    MemberFormSet,
    StandardChangeForm,
    SupportPolicyVersionForm,
    calculator_facts,
    indicator_initial,
)
from policies.models import PovertyStandard, StandardIndicator, SupportPolicy
from policies.money_fields import render_understood
from policies.selectors import (
    standard_detail,
    standard_list,
    standard_revision,
    standards_in_force,
    support_policy_detail,
    support_policy_history,
    support_policy_list,
)
from policies.services import (
    indicator_errors,
    standard_is_locked,
    standard_new_version,
    standard_update,
    support_policy_new_version,
)


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


@require_GET
@capability_required("see_standards")
def money_preview(request):
    """htmx: how a money box's text is read ("Read as 36.000.000 đ · 750.000 đ per person per month"),
    from the one parser; nothing is stored. ``money_field`` names the box whose value is sent."""
    name = request.GET.get("money_field", "")
    try:
        members = int(request.GET.get("members") or 0)
    except ValueError:
        members = 0
    members = members if 0 < members <= 100 else None
    return HttpResponse(render_understood(request.GET.get(name, "") if name else "", members=members))


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


_INDICATOR_FIELDS = ("dimension", "name", "rule", "params", "source")
_INDICATOR_FIELD_LABELS = {
    "position": gettext_lazy("position"),
    "dimension": gettext_lazy("dimension"),
    "name": gettext_lazy("name"),
    "rule": gettext_lazy("rule"),
    "params": gettext_lazy("parameters"),
    "source": gettext_lazy("source"),
    "confidence": gettext_lazy("confidence"),
}


def _indicator_history(standard: PovertyStandard) -> list[dict]:
    """Each recorded change of the version's indicators, newest first: who, when, why, which, what."""
    records = list(
        StandardIndicator.history.filter(standard_id=standard.pk).select_related("history_user").order_by("history_id")[:500]
    )
    last: dict[int, object] = {}
    entries = []
    for record in records:
        before = last.get(record.id)
        changed = []
        if record.history_type == "~" and before is not None:
            changed = [
                str(_INDICATOR_FIELD_LABELS.get(f, f))
                for f in ("position", *_INDICATOR_FIELDS, "confidence")
                if getattr(before, f) != getattr(record, f)
            ]
        entries.append({"record": record, "changed": changed})
        last[record.id] = record
    entries.reverse()
    return entries


def _changes_from_previous(standard: PovertyStandard) -> dict | None:
    """What this version changed in the indicators of the version it replaced (None for a first version)."""
    previous = PovertyStandard.objects.filter(superseded_by=standard).prefetch_related("indicators").first()
    if previous is None:
        return None
    old = {i.key: i for i in previous.indicators.all()}
    new = {i.key: i for i in standard.indicators.all()}
    changed = []
    for key in new.keys() & old.keys():
        fields = [f for f in _INDICATOR_FIELDS if getattr(old[key], f) != getattr(new[key], f)]
        if fields:
            changed.append({"indicator": new[key], "fields": [str(_INDICATOR_FIELD_LABELS[f]) for f in fields]})
    return {
        "previous": previous,
        "added": [new[k] for k in new if k not in old],
        "removed": [old[k] for k in old if k not in new],
        "changed": sorted(changed, key=lambda c: c["indicator"].position),
    }


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
            "indicator_history": _indicator_history(standard),
            "from_previous": _changes_from_previous(standard),
            "locked": standard_is_locked(standard),
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


INDICATOR_PREFIX = "indicators"


def _change_view(request, pk: int, *, new_version: bool):
    standard = _get_standard(pk)
    if not new_version and standard_is_locked(standard):
        messages.error(request, _("A closed review round used this version; create a new version instead."))
        return redirect("policies:standard_detail", pk=standard.pk)
    if new_version and standard.superseded_by_id is not None:
        messages.error(request, _("This version has already been replaced by a newer one; open the newest version."))
        return redirect("policies:standard_detail", pk=standard.superseded_by_id)
    data = request.POST if request.method == "POST" else None
    initial = {"seen_revision": standard_revision(standard.pk)}
    if new_version:
        initial["valid_from"] = None
    form = StandardChangeForm(
        data,
        instance=standard,
        initial=initial,
        previous_valid_from=standard.valid_from if new_version else None,
    )
    # The page always sends its indicator rows; a POST without them (a script changing only the
    # lines) leaves the indicators as they are.
    edits_indicators = data is None or f"{INDICATOR_PREFIX}-TOTAL_FORMS" in data
    formset = IndicatorFormSet(data if edits_indicators else None, prefix=INDICATOR_PREFIX, initial=indicator_initial(standard))
    if data is not None and form.is_valid() and (not edits_indicators or formset.is_valid()):
        rows = formset.rows() if edits_indicators else None
        row_errors = indicator_errors(standard, rows) if rows else {}
        for index, message in row_errors.items():
            formset.kept_forms[index].add_error(None, message)
        if row_errors:
            form.add_error(None, _("The classification engine refused an indicator; see the messages at the indicators."))
        else:
            service = standard_new_version if new_version else standard_update
            try:
                saved = service(
                    standard=standard,
                    user=request.user,
                    changes=form.changes(),
                    reason=form.cleaned_data["reason"],
                    seen_revision=form.cleaned_data["seen_revision"],
                    indicators=rows,
                )
            except ValidationError as exc:
                _attach(form, exc)
            else:
                if new_version:
                    messages.success(request, _("Version %(version)s created.") % {"version": saved.version})
                else:
                    messages.success(request, _("Changes saved."))
                return redirect("policies:standard_detail", pk=saved.pk)
    return render(
        request,
        "policies/standard_form.html",
        {"standard": standard, "form": form, "formset": formset, "new_version": new_version},
    )


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


@require_GET
@capability_required("see_ward_lists")
def procedure_view(request):
    """The review procedure's numbers, each period with its values, legal basis, source and confidence."""
    today = timezone.localdate()
    records = [
        {"record": record, "in_force": record.covers(today), "rows": procedure.value_rows(record)}
        for record in reversed(procedure.versions())
    ]
    return render(request, "policies/procedure.html", {"records": records})
