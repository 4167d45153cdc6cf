"""The duplicate review's pages ("Chất lượng dữ liệu"): the list of possible duplicates of the area, one
pair side by side, and the ward officer's decisions (``households.duplicates``).

A pair is visible to the officers of either record's area (404 otherwise); a record outside the
viewer's area shows its village and ward, not its household. Reading needs ``check_data_quality``,
deciding ``decide_duplicates``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from households import citizen_ids, selectors
from households.access import (
    Scope,
    capability_required,
    get_visible_or_404,
    has_capability,
    may_reveal_id_numbers,
    scope_of,
)
from households.duplicates import differing_fields, duplicate_mark_distinct, duplicate_merge, duplicate_withdraw
from households.forms import DuplicateDecisionForm, DuplicateMergeForm
from households.models import DuplicateCandidate, Household, IdNumberDisclosure, Member
from households.services import id_numbers_disclosed

PAGE_SIZE = 50


@dataclass
class Side:
    """One record of a pair as the viewer may see it."""

    member: Member
    in_area: bool
    full_id: bool  # the full ID number may be shown (in the area, for a role that sees full numbers)

    @property
    def village(self):
        return self.member.household.village

    @property
    def ward(self):
        return self.member.household.village.parent

    @property
    def id_text(self) -> str:
        number = self.member.id_number
        return (number if self.full_id else citizen_ids.mask(number)) or "—"

    @property
    def label(self) -> str:
        if self.in_area:
            return _("Household %(code)s · %(village)s · %(ward)s") % {
                "code": self.member.household.code,
                "village": self.village.name,
                "ward": self.ward.name if self.ward else "",
            }
        return _("%(village)s · %(ward)s (outside your area)") % {
            "village": self.village.name,
            "ward": self.ward.name if self.ward else "",
        }


def _sides(candidate: DuplicateCandidate, scope: Scope, *, reveal: bool = False) -> tuple[Side, Side]:
    sides = []
    for member in (candidate.member_a, candidate.member_b):
        in_area = scope.covers(member.household.village)
        sides.append(Side(member, in_area, reveal and in_area))
    return sides[0], sides[1]


def _candidates():
    return DuplicateCandidate.objects.select_related(
        "member_a__household__village__parent", "member_b__household__village__parent", "decided_by", "kept"
    )


def _candidate(request, pk: int) -> DuplicateCandidate:
    return get_visible_or_404(_candidates(), request.user, pk=pk)


@require_GET
@capability_required("check_data_quality")
def data_quality_view(request):
    # Queries: session, user, assignment (scope), the counts, the page's count, one page of pairs.
    kind = request.GET.get("kind", "")
    kind = kind if kind in DuplicateCandidate.Kind.values else ""
    state = request.GET.get("state", "open")
    state = state if state in selectors.DUPLICATE_STATES else "open"
    candidates = selectors.duplicate_candidates(request.user, kind=kind, state=state)
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    scope = scope_of(request.user)
    query = QueryDict(mutable=True)
    if kind:
        query["kind"] = kind
    if state != "open":
        query["state"] = state
    return render(
        request,
        "households/data_quality.html",
        {
            "unit": scope.unit,
            "page": page,
            "rows": [(c, *_sides(c, scope)) for c in page.object_list],
            "counts_by_kind": [
                (DuplicateCandidate.Kind(value).label, n["open"], n["decided"])
                for value, n in selectors.duplicate_counts(request.user).items()
            ],
            "kind": kind,
            "state": state,
            "kinds": DuplicateCandidate.Kind.choices,
            "states": [("open", _("Not decided")), ("decided", _("Decided")), ("all", _("All"))],
            "query": query.urlencode(),
        },
    )


def _differing(a: Side, b: Side) -> list[tuple[str, str, tuple[str, str]]]:
    """(field, its name, (member_a's value, member_b's value)) for each value the two hold differently."""
    rows = []
    for name in differing_fields(a.member, b.member):
        verbose = str(Member._meta.get_field(name).verbose_name)
        if name == "id_number":
            texts = (a.id_text, b.id_text)
        elif name == "date_of_birth":
            texts = (a.member.date_of_birth.strftime("%d/%m/%Y"), b.member.date_of_birth.strftime("%d/%m/%Y"))
        elif name == "sex":
            texts = (a.member.get_sex_display(), b.member.get_sex_display())
        else:
            texts = (getattr(a.member, name) or "—", getattr(b.member, name) or "—")
        rows.append((name, verbose, texts))
    return rows


def _render_detail(request, candidate: DuplicateCandidate, *, forms: dict | None = None, status: int = 200):
    scope = scope_of(request.user)
    reveal = may_reveal_id_numbers(request.user)
    a, b = _sides(candidate, scope, reveal=reveal)
    shown = [s.member.household_id for s in (a, b) if s.full_id and s.member.id_number]
    if shown:
        id_numbers_disclosed(
            user=request.user,
            kind=IdNumberDisclosure.Kind.DUPLICATE_REVIEW,
            households=Household.objects.filter(pk__in=shown),
            detail=f"duplicate {candidate.pk}",
        )
    differing = _differing(a, b)
    can_decide = has_capability(request.user, "decide_duplicates")
    forms = forms or {}
    initial = {"version": candidate.version}
    context = {
        "candidate": candidate,
        "a": a,
        "b": b,
        "differing": differing,
        "same": [
            str(Member._meta.get_field(name).verbose_name)
            for name in ("full_name", "date_of_birth", "sex", "id_number")
            if name not in {d[0] for d in differing}
        ],
        "decisions": selectors.duplicate_decisions(candidate),
        "can_decide": can_decide,
    }
    if can_decide and candidate.status == DuplicateCandidate.Status.OPEN:
        context["distinct_form"] = forms.get("distinct") or DuplicateDecisionForm(initial=initial, prefix="distinct")
        context["merge_form"] = forms.get("merge") or DuplicateMergeForm(
            initial=initial, prefix="merge", sides=(a, b), differing=differing
        )
    if can_decide and candidate.is_decided:
        context["withdraw_form"] = forms.get("withdraw") or DuplicateDecisionForm(initial=initial, prefix="withdraw")
    return render(request, "households/duplicate_detail.html", context, status=status)


@never_cache  # full ID numbers of the area's records for the roles that see them
@require_GET
@capability_required("check_data_quality")
def duplicate_detail_view(request, pk):
    return _render_detail(request, _candidate(request, pk))


def _attach(request, form, exc: ValidationError, field_prefix: str = "") -> None:
    """A service's refusal: a field's error next to the field, anything else (someone decided first,
    a record outside the area) on top of the page, which may no longer show this form."""
    errors = exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.error_list)]
    for field, field_errors in errors:
        name = next((n for n in (f"{field_prefix}{field}", field) if n in form.fields), None) if field else None
        if name is not None:
            form.add_error(name, field_errors)
        else:
            for error in field_errors:
                messages.error(request, " ".join(error.messages))


def _decided(request, message: str):
    messages.success(request, message)
    return redirect("households:data_quality")


def _decide(request, pk, prefix: str, decide, done: str):
    """A decision that takes only a reason (distinct people, withdraw): checked by the service, which
    refuses a pair someone else decided since the page was read."""
    candidate = _candidate(request, pk)
    form = DuplicateDecisionForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            decide(
                user=request.user,
                candidate=candidate,
                read_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _attach(request, form, exc)
            candidate = _candidate(request, pk)
        else:
            return _decided(request, done)
    return _render_detail(request, candidate, forms={prefix: form})


@require_POST
@capability_required("decide_duplicates")
def duplicate_distinct_view(request, pk):
    return _decide(request, pk, "distinct", duplicate_mark_distinct, _("Recorded: the two records are distinct people."))


@require_POST
@capability_required("decide_duplicates")
def duplicate_merge_view(request, pk):
    candidate = _candidate(request, pk)
    scope = scope_of(request.user)
    a, b = _sides(candidate, scope, reveal=may_reveal_id_numbers(request.user))
    form = DuplicateMergeForm(request.POST, prefix="merge", sides=(a, b), differing=_differing(a, b))
    if form.is_valid():
        try:
            kept = duplicate_merge(
                user=request.user,
                candidate=candidate,
                read_version=form.cleaned_data["version"],
                keep_id=form.cleaned_data["keep"],
                choices=form.choices(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _attach(request, form, exc, field_prefix="value_")
            candidate = _candidate(request, pk)
        else:
            return _decided(
                request,
                _("Recorded: one person, kept in household %(code)s; the other record is closed as merged.")
                % {"code": kept.household.code},
            )
    return _render_detail(request, candidate, forms={"merge": form})


@require_POST
@capability_required("decide_duplicates")
def duplicate_withdraw_view(request, pk):
    return _decide(request, pk, "withdraw", duplicate_withdraw, _("The decision is withdrawn: the pair is undecided again."))
