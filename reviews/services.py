"""Writes of the review: rounds, scope, screening, surveys, meetings, posting, complaints, decisions.

Each function takes keyword-only arguments, checks meaning (raising ValidationError with a message
for the user), writes inside a transaction and leaves a Transition in the log. State changes of
lists go through ``reviews.workflow.perform``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households import services as household_services
from households.access import acts, approving_unit, has_capability, require_capability, require_in_area
from households.form_guards import FOREIGN_ROW_MESSAGE
from households.models import AdminUnit, Household, Member
from policies import classification as engine
from policies import facts as declared_facts
from policies import movement as movement_rules
from policies import procedure
from policies.models import PovertyStandard
from policies.services import standard_lock
from reviews import history, tallies, workflow
from reviews.facts import check_case_answers, household_facts, result_as_data
from reviews.holidays import posting_end, recheck_due
from reviews.models import (
    Case,
    CaseMember,
    CaseResult,
    Class,
    Complaint,
    OfficialStatus,
    ReviewRequest,
    ReviewRound,
    VillageList,
    VillageMeeting,
    WardList,
)

# A surveyed member: who the person is and the facts the rules read (the registry's own groups).
MEMBER_FACT_FIELDS = (*Member.PERSON_FIELDS, *Member.FACT_FIELDS)


# ----------------------------------------------------------------------------- rounds and scope


def default_standards_for(effective_from: date):
    """The latest versions in force on the day results take effect (national and city side by side)."""
    return PovertyStandard.objects.latest_versions().active_on(effective_from)


@transaction.atomic
def round_open(
    *,
    user,
    year: int,
    kind: str = ReviewRound.Kind.PERIODIC,
    standards: list[PovertyStandard],
    primary_standard: PovertyStandard,
    starts_on: date | None = None,
    ends_on: date | None = None,
    effective_from: date | None = None,
    **settings_,
) -> ReviewRound:
    """Open a round (a periodic round's default window is the procedure's, ``policies.procedure``),
    create the village and ward lists of the current territory and put the households in scope."""
    require_capability(user, "manage_rounds")
    if primary_standard not in standards:
        raise ValidationError(
            {"primary_standard": _("The standard for the official status must be one of the standards applied.")}
        )
    if kind == ReviewRound.Kind.PERIODIC:
        window = procedure.current().periodic_window(year)
        starts_on = starts_on or window[0]
        ends_on = ends_on or window[1]
    else:
        starts_on = starts_on or date(year, 1, 1)
        ends_on = ends_on or date(year, 12, 31)
    round_ = ReviewRound(
        kind=kind,
        year=year,
        name=settings_.pop("name", "")
        or (_("Periodic review %(year)d") if kind == ReviewRound.Kind.PERIODIC else _("Regular review %(year)d"))
        % {"year": year},
        starts_on=starts_on,
        ends_on=ends_on,
        effective_from=effective_from or date(year + 1, 1, 1),
        primary_standard=primary_standard,
        opened_by=user,
        **settings_,
    )
    round_.full_clean()
    round_.save()
    round_.standards.set(standards)
    units = list(AdminUnit.objects.current().exclude(level=AdminUnit.Level.VILLAGE))
    wards = [u for u in units if u.is_ward_level]
    VillageList.objects.bulk_create(VillageList(round=round_, village=v) for v in AdminUnit.objects.current().villages())
    WardList.objects.bulk_create(WardList(round=round_, ward=w, approver=approving_unit(w, units)) for w in wards)
    added = round_build_scope(round_)
    workflow.record(round_=round_, user=user, action="round_open", data={"cases": added}, to_status=round_.status)
    return round_


def round_build_scope(round_: ReviewRound) -> int:
    """Cases for the two groups the law names: households on the current poor / near-poor lists, and
    households with an undecided request (Form 01 / Form 04). Returns how many cases were added."""
    current = (
        OfficialStatus.objects.filter(
            revoked_at__isnull=True, effective_from__lt=round_.effective_from, household__status=Household.Status.ACTIVE
        )
        .order_by("household_id", "-effective_from", "-id")
        .values_list("household_id", "household_class")
    )
    latest: dict[int, str] = {}
    for household_id, household_class in current:
        latest.setdefault(household_id, household_class)
    inclusion = {
        hid: Case.Inclusion.POOR_LIST if c == Class.POOR else Case.Inclusion.NEAR_POOR_LIST
        for hid, c in latest.items()
        if c in (Class.POOR, Class.NEAR_POOR)
    }
    for household_id, form in ReviewRequest.objects.filter(decided_on__isnull=True).values_list("household_id", "form"):
        inclusion.setdefault(
            household_id, Case.Inclusion.FORM_04 if form == ReviewRequest.Form.FORM_04 else Case.Inclusion.FORM_01
        )
    existing = set(Case.objects.filter(round=round_).values_list("household_id", flat=True))
    households = Household.objects.filter(pk__in=set(inclusion) - existing).only("id", "village_id")
    return len(_create_cases(round_, [(h, inclusion[h.pk]) for h in households]))


def _create_cases(round_: ReviewRound, pairs: list[tuple[Household, str]]) -> list[Case]:
    cases = Case.objects.bulk_create(
        [
            Case(
                round=round_,
                household=h,
                village_id=h.village_id,
                inclusion=inc,
                in_agriculture=getattr(h, "in_agriculture", False),
            )
            for h, inc in pairs
        ],
        batch_size=1000,
    )
    if connection_returns_ids(cases):
        by_household = {c.household_id: c for c in cases}
    else:
        by_household = {c.household_id: c for c in Case.objects.filter(round=round_, household__in=[h for h, _i in pairs])}
    rows = []
    for member in Member.objects.active().filter(household__in=list(by_household)).order_by("household_id", "id"):
        rows.append(
            CaseMember(
                case=by_household[member.household_id], member=member, **{f: getattr(member, f) for f in MEMBER_FACT_FIELDS}
            )
        )
    CaseMember.objects.bulk_create(rows, batch_size=2000)
    tallies.refresh(round_.pk, {c.village_id for c in cases})
    return list(by_household.values())


def connection_returns_ids(objs) -> bool:
    return all(o.pk is not None for o in objs)


@transaction.atomic
def case_add(*, round_: ReviewRound, household: Household, inclusion: str, user) -> Case:
    """Put one more household in scope: a request recorded by the ward, or (where the round allows it)
    a household the village head proposes."""
    require_in_area(user, household.village)
    if not round_.is_open:
        raise ValidationError(_("The round is closed."))
    if inclusion == Case.Inclusion.PROPOSED and not round_.widen_scope:
        raise ValidationError(_("This round does not allow proposing other households."))
    existing = Case.objects.filter(round=round_, household=household).first()
    if existing is not None:
        return existing
    refusal = case_add_refusal(round_, household)
    if refusal:
        raise ValidationError(refusal)
    case = _create_cases(round_, [(household, inclusion)])[0]
    workflow.record(round_=round_, user=user, action="case_add", case=case, data={"inclusion": inclusion})
    return case


def case_add_refusal(round_: ReviewRound, household: Household) -> str | None:
    """Why a case for ``household`` cannot join ``round_`` now (None when it can): its village must have an
    editable list in the round, and its ward's list must not be posted yet (a household added to a posted
    list would never have been posted). A refused request waits for the next round (``round_build_scope``)."""
    village_list = VillageList.objects.filter(round=round_, village_id=household.village_id).first()
    if village_list is None:
        return _("The household's village has no list in this round (its ward is not in the round).")
    if not village_list.is_editable:
        return _("The village list has been submitted; ask the ward to return it first.")
    ward_list = WardList.objects.filter(round=round_, ward_id=household.village.parent_id).first()
    if ward_list is None or ward_list.status not in (WardList.Status.OPEN, WardList.Status.RETURNED):
        return _("The ward list has been posted; the household will be reviewed in the next round.")
    return None


@transaction.atomic
def request_record(*, household: Household, form: str, received_on: date, channel: str, note: str, user) -> ReviewRequest:
    """Record a household's Form 01 / Form 04 request; the decision is due the procedure's answer time
    later (``policies.procedure``), and the household joins the open round's scope."""
    require_in_area(user, household.village)
    require_capability(user, "record_requests")
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    request = ReviewRequest.objects.create(
        household=household,
        form=form,
        received_on=received_on,
        channel=channel,
        note=note,
        due_on=request_due_on(received_on),
        recorded_by=user,
    )
    round_ = (
        ReviewRound.objects.filter(status=ReviewRound.Status.OPEN, starts_on__lte=received_on).order_by("kind", "-year").first()
    )
    if round_ is not None:
        inclusion = Case.Inclusion.FORM_04 if form == ReviewRequest.Form.FORM_04 else Case.Inclusion.FORM_01
        if case_add_refusal(round_, household) is None:
            case_add(round_=round_, household=household, inclusion=inclusion, user=user)
    return request


# ----------------------------------------------------------------------------- screening and survey


case_editable = workflow.case_editable


def _require_editor(case: Case, user) -> None:
    """404 outside the area, 403 for a role that does not survey, then the survey must be open for the case."""
    require_in_area(user, case.village)
    if not acts(user, "survey"):
        raise PermissionDenied
    workflow.require_case_editable(case)


def _save_versioned(case: Case, read_version: int, fields: list[str], user) -> None:
    case.version = read_version + 1
    case.updated_by = user
    case.updated_at = timezone.now()
    values = {f: getattr(case, f) for f in [*fields, "version", "updated_by", "updated_at"]}
    if Case.objects.filter(pk=case.pk, version=read_version).update(**values) != 1:
        _conflict(case)


def _conflict(case: Case) -> None:
    latest = Case.objects.select_related("updated_by").get(pk=case.pk)
    raise ValidationError(
        _(
            "%(user)s saved this household at %(time)s, after you opened it. Your changes were not saved: reload the page and enter them again."
        )
        % {"user": latest.updated_by or "?", "time": timezone.localtime(latest.updated_at).strftime("%H:%M %d/%m/%Y")}
    )


@transaction.atomic
def case_screen(*, case: Case, user, items_met: list[str], read_version: int) -> Case:
    """Form A: a household that meets any quick-screen item is excluded from the full survey."""
    known = {item["key"] for item in case.round.primary_standard.quick_screen_items}
    unknown = set(items_met) - known
    if unknown:
        raise ValidationError(_("Unknown quick-screen items: %(items)s") % {"items": ", ".join(sorted(unknown))})
    if items_met:
        target = Case.Status.SCREENED_OUT
    else:
        target = Case.Status.SURVEYED if case.status == Case.Status.SURVEYED else Case.Status.TO_SURVEY
    before, at = history.state(case), timezone.now()

    def apply(c):
        c.quick_screen = sorted(items_met)
        c.updated_by = user
        c.updated_at = timezone.now()
        fields = ["quick_screen", "updated_by", "updated_at"]
        if target == Case.Status.SCREENED_OUT:
            c.result_class = Class.NOT_POOR
            c.movement = _movement_for(c, Class.NOT_POOR)
            fields += ["result_class", "movement"]
        return fields

    workflow.perform(
        "case_screen",
        case,
        user,
        target=target,
        apply=apply,
        data={"items_met": sorted(items_met)},
        read_version=read_version,
        on_conflict=lambda: _conflict(case),
    )
    if case.status == Case.Status.SCREENED_OUT:
        # One by one, so each removal is in the results' history with who and why (two or three standards).
        for result in CaseResult.objects.filter(case=case):
            history.tag(result, user=user, reason=history.SCREEN, at=at)
            result.delete()
    history.record([(case, before)], user=user, reason=history.SCREEN, at=at)
    tallies.refresh(case.round_id, [case.village_id])
    return case


SURVEY_SECTIONS = declared_facts.SECTION_KEYS
# Asked whatever the standards' indicators read: income decides every class.
ALWAYS_ASKED = frozenset({"income_12m", "in_agriculture"})


def facts_asked(round_: ReviewRound) -> frozenset[str]:
    """The declared facts the survey asks in this round: those its standards read, and income."""
    keys = set(ALWAYS_ASKED)
    for standard in round_.standards.prefetch_related("indicators"):
        keys.update(engine.facts_read(standard.to_spec(list(standard.indicators.all()))))
    return frozenset(keys)


@transaction.atomic
def case_save_section(
    *, case: Case, user, section: str, values: dict, read_version: int, members: list[dict] | None = None
) -> Case:
    """Save one section of Form B as a draft, then recompute the result."""
    _require_editor(case, user)
    if case.status in (Case.Status.TO_SCREEN, Case.Status.SCREENED_OUT):
        raise ValidationError(_("Do the quick screen first; a household excluded by it is not surveyed."))
    if section not in SURVEY_SECTIONS:
        raise ValidationError(_("Unknown section."))
    if "answers" in values:
        try:
            check_case_answers(values["answers"])
        except (ValueError, TypeError) as exc:
            raise ValidationError(_("The answers are not valid: %(error)s") % {"error": exc}) from exc
    before, at, reason = history.state(case), timezone.now(), history.section_reason(section)
    for name, value in values.items():
        setattr(case, name, value)
    if section == "members" and members is not None:
        _save_members(case, members, user=user, reason=reason, at=at)
    if section not in case.sections_done:
        case.sections_done = [s for s in SURVEY_SECTIONS if s in {*case.sections_done, section}]
    fields = [*values.keys(), "sections_done"]
    _save_versioned(case, read_version, fields, user)
    results = case_classify(case, user=user, reason=reason, at=at)
    workflow.record(
        round_=case.round, user=user, action="case_survey", case=case, data={"section": section, "fields": sorted(values)}
    )
    # Done only when every section is saved and no standard of the round misses an answer (an
    # income box left empty is missing, never 0); until then the result is provisional.
    complete = set(SURVEY_SECTIONS) <= set(case.sections_done) and not case_missing_answers(results)
    if case.status == Case.Status.TO_SURVEY and complete:
        workflow.perform("case_complete", case, user)
        tallies.refresh(case.round_id, [case.village_id])
    elif case.status == Case.Status.SURVEYED and not complete:
        workflow.perform("case_incomplete", case, user, data={"missing": case_missing_answers(results)})
        tallies.refresh(case.round_id, [case.village_id])
    history.record([(case, before)], user=user, reason=reason, at=at)
    return case


@transaction.atomic
def case_save_form(*, case: Case, user, members: list[dict], sections: dict[str, dict], read_version: int) -> Case:
    """The whole Form B in one save (the phone's one page): the members, then each section, as
    ``case_save_section`` saves them one by one (same checks, history and log), all or nothing. The version
    read by the page guards the first step; each next step reads the version the step before wrote."""
    case = case_save_section(case=case, user=user, section="members", values={}, read_version=read_version, members=members)
    for section, values in sections.items():
        if "answers" in values:
            # Each section's form merged its answers into the document as the page read it: take only this
            # section's from it, onto the document the sections saved before it left.
            own = {fact.key for fact in declared_facts.section_facts(section)}
            values = {**values, "answers": {**(case.answers or {}), **{k: v for k, v in values["answers"].items() if k in own}}}
        case = case_save_section(case=case, user=user, section=section, values=values, read_version=case.version)
    return case


def case_missing_answers(results: list[CaseResult]) -> list[str]:
    """The facts some standard of the case's round still needs, in declaration order."""
    missing = {key for row in results for key in (row.explanation or {}).get("missing_answers", [])}
    return [key for key in declared_facts.FACTS if key in missing]


# The member fields the survey and the registry both keep: a correction in the survey reaches the registry.
REGISTRY_FIELDS = tuple(f for f in MEMBER_FACT_FIELDS if f in household_services.MEMBER_FIELDS)


def _save_members(case: Case, members: list[dict], *, user, reason: str, at) -> None:
    """``members`` are dicts of member facts; one with an ``id`` (a pk) changes or, with ``DELETE``,
    removes that member of *this* case, one without adds a member. An id that is not one of the case's
    members is refused: the id comes from the browser. Only members whose answers changed are written,
    and each addition, removal and change goes into the members' history.

    The registry follows on the same save (one list of members): a person added joins the household
    with the relationship given, a correction of a registered person's fields reaches their row, and a
    registered person removed from the survey leaves the household with the reason given."""
    if not any(not m.get("DELETE") for m in members):
        raise ValidationError(_("A household has at least one member."))
    current = {m.pk: m for m in case.members.select_related("member")}
    ids = [data.get("id") for data in members if data.get("id") is not None]
    if len(set(ids)) != len(ids) or not set(ids) <= current.keys():
        raise ValidationError(FOREIGN_ROW_MESSAGE, code="foreign_row")
    changed, joining, corrected, leaving = [], [], [], []
    for data in members:
        instance = current.get(data.get("id"))
        if data.get("DELETE"):
            if instance is not None:
                if instance.member_id:
                    leaving.append((instance.member, data.get("left_reason") or Member.LeftReason.OTHER))
                history.tag(instance, user=user, reason=reason, at=at)
                instance.delete()
            continue
        fields = {f: data[f] for f in MEMBER_FACT_FIELDS if f in data}
        if instance is None:
            added = CaseMember(case=case, **fields)
            history.tag(added, user=user, reason=reason, at=at)
            added.save()
            joining.append((added, data.get("relationship")))
            continue
        before = history.state(instance)
        for name, value in fields.items():
            setattr(instance, name, value)
        if history.state(instance) != before:
            changed.append((instance, before))
        if instance.member_id is None:
            joining.append((instance, data.get("relationship")))  # surveyed before the registry followed
        else:
            edits = {f: getattr(instance, f) for f in REGISTRY_FIELDS if getattr(instance, f) != before.get(f)}
            if edits:
                corrected.append((instance.member, edits))
    if changed:
        CaseMember.objects.bulk_update([m for m, _before in changed], list(MEMBER_FACT_FIELDS))
        history.record(changed, user=user, reason=reason, at=at)
    joining = [(row, relationship) for row, relationship in joining if relationship]
    if not (joining or corrected or leaving) or not has_capability(user, "edit_households"):
        return
    created = household_services.members_from_survey(
        household=case.household,
        added=[{**{f: getattr(row, f) for f in REGISTRY_FIELDS}, "relationship": rel} for row, rel in joining],
        changed=corrected,
        left=leaving,
        on=timezone.localdate(),
        reason=_("Survey: %(round)s") % {"round": case.round.name},
    )
    for (row, _relationship), member in zip(joining, created, strict=True):
        CaseMember.objects.filter(pk=row.pk).update(member=member)


RESULT_FIELDS = ("household_class", "income_per_person_month", "deprivation_count", "deprived_keys", "explanation")


def case_classify(case: Case, *, user=None, reason: str = history.RECLASSIFY, at=None) -> list[CaseResult]:
    """Classify the case against every standard of its round; the primary one sets the case's result.

    Only results that differ are written. With a ``user`` (every page does), a result's new class,
    income or deprivations go into its history; the demo seeder passes none and records nothing."""
    members = list(case.members.all().order_by("id"))
    if not members:
        return []
    at = at or timezone.now()
    facts = household_facts(case, members)
    standards = list(case.round.standards.prefetch_related("indicators"))
    stored = {r.standard_id: r for r in CaseResult.objects.filter(case=case)}
    results, added, changed, rewritten = [], [], [], []
    for standard in standards:
        result = engine.classify(facts, standard.to_spec())
        values = {
            "household_class": result.household_class or "",
            "income_per_person_month": result.income_per_person_month,
            "deprivation_count": result.deprivation_count,
            "deprived_keys": [d.key for d in result.deprivations],
            "explanation": result_as_data(result),
        }
        row = stored.get(standard.pk)
        if row is None:
            row = CaseResult(case=case, standard=standard, **values)
            added.append(row)
        else:
            before, explanation = history.state(row), row.explanation
            for name, value in values.items():
                setattr(row, name, value)
            if history.state(row) != before:
                changed.append((row, before))
            elif row.explanation != explanation:
                rewritten.append(row)  # the same figures, reasons worded anew: not a change of result
        results.append(row)
        if standard.pk == case.round.primary_standard_id:
            case.result_class = result.household_class or ""
    for row in added:
        if user is None:
            row.skip_history_when_saving = True
        else:
            history.tag(row, user=user, reason=reason, at=at)
        row.save()
    if changed or rewritten:
        for row in [*(r for r, _before in changed), *rewritten]:
            row.computed_at = at
        CaseResult.objects.bulk_update([*(r for r, _before in changed), *rewritten], [*RESULT_FIELDS, "computed_at"])
        if user is not None:
            history.record(changed, user=user, reason=reason, at=at)
    case.movement = _movement_for(case, case.result_class) if case.result_class else ""
    Case.objects.filter(pk=case.pk).update(result_class=case.result_class, movement=case.movement)
    tallies.refresh(case.round_id, [case.village_id])
    return results


def _movement_for(case: Case, current: str) -> str:
    previous = list(
        OfficialStatus.objects.filter(
            household_id=case.household_id, revoked_at__isnull=True, effective_from__lt=case.round.effective_from
        )
        .order_by("-effective_from", "-id")
        .values_list("household_class", flat=True)
    )
    last = previous[0] if previous else None
    ever_poor_before = Class.POOR in previous[1:]
    return movement_rules.movement(last, current, ever_poor_before=ever_poor_before)


# ----------------------------------------------------------------------------- village and ward lists


def village_submit(*, village_list: VillageList, user, reason: str = "", today: date | None = None):
    """Send the village list to the ward once every household is done (``workflow.households_not_done``);
    after the round's village deadline only with the reason for the delay."""
    return workflow.perform("village_submit", village_list, user, reason=reason, today=today)


def village_return(*, village_list: VillageList, user, reason: str):
    def apply(vl):
        vl.remarks = reason.strip()
        return ["remarks"]

    return workflow.perform("village_return", village_list, user, reason=reason, apply=apply)


def request_due_on(received_on: date) -> date:
    """The day a Form 01 / Form 04 request must be decided or answered with reasons."""
    return received_on + timedelta(days=procedure.rules_on(received_on).request_answer_days)


def meeting_passes(attendees: int, votes_for: int, held_on: date) -> bool:
    """At least the procedure's share of the attendees agree (``policies.procedure``)."""
    return procedure.rules_on(held_on).meeting_passes(attendees, votes_for)


@transaction.atomic
def meeting_record(
    *,
    village_list: VillageList,
    user,
    held_on: date,
    attendees: int,
    votes_for: int,
    votes_against: int,
    minutes=None,
    today: date | None = None,
) -> VillageMeeting:
    if votes_for + votes_against > attendees:
        raise ValidationError(_("Votes for and against cannot add up to more than the attendees."))
    workflow.check_meeting_date(village_list.round, held_on, today=today)
    passed = meeting_passes(attendees, votes_for, held_on)
    target = VillageList.Status.MEETING_PASSED if passed else VillageList.Status.RETURNED
    reason = (
        ""
        if passed
        else _("Under %(share)s of attendees agreed (%(for)d of %(n)d): re-survey and meet again.")
        % {"share": procedure.rules_on(held_on).meeting_share_text, "for": votes_for, "n": attendees}
    )

    def apply(vl):
        vl.remarks = reason
        return ["remarks"]

    workflow.perform(
        "meeting_record",
        village_list,
        user,
        target=target,
        reason=reason,
        apply=apply,
        data={"attendees": attendees, "votes_for": votes_for, "votes_against": votes_against, "held_on": held_on.isoformat()},
    )
    return VillageMeeting.objects.create(
        village_list=village_list,
        held_on=held_on,
        attendees=attendees,
        votes_for=votes_for,
        votes_against=votes_against,
        minutes=minutes or "",
        passed=passed,
        recorded_by=user,
    )


def ward_post(*, ward_list: WardList, user, starts_on: date, today: date | None = None):
    """Post the ward list publicly from ``starts_on``: within the round and not back-dated (see
    ``workflow.check_posting_start``); the end is counted in working days."""
    round_ = ward_list.round
    today = today or timezone.localdate()

    # Every village agreed its list at a meeting: the workflow's blockers (``workflow.villages_not_agreed``).
    def guard(wl):
        workflow.check_posting_start(round_, starts_on, today=today)

    def apply(wl):
        wl.posting_starts_on = starts_on
        wl.posting_ends_on = posting_end(starts_on, round_.posting_working_days)
        return ["posting_starts_on", "posting_ends_on"]

    return workflow.perform(
        "ward_post", ward_list, user, guard=guard, apply=apply, data={"starts_on": starts_on.isoformat()}, today=today
    )


@transaction.atomic
def complaint_record(
    *, case: Case, user, received_on: date, complainant: str, content: str, today: date | None = None
) -> Complaint:
    """A complaint during the public posting of an open round reopens the household's survey for a
    re-check (phúc tra); it is received between the posting's start and today."""
    complaint = Complaint(
        case=case,
        received_on=received_on,
        complainant=complainant,
        content=content,
        recorded_by=user,
    )

    def guard(c):
        ward_list = WardList.objects.get(round_id=case.round_id, ward_id=case.village.parent_id)
        workflow.check_complaint_date(ward_list, received_on, today=today)

    def apply(c):
        c.recheck_due_on = recheck_due(received_on, case.round.recheck_working_days)
        return []

    before = history.state(case)
    workflow.perform(
        "complaint_record",
        complaint,
        user,
        reason=content,
        guard=guard,
        apply=apply,
        data={
            "complainant": complainant,
            "recheck_due_on": recheck_due(received_on, case.round.recheck_working_days).isoformat(),
        },
        today=today,
    )
    Case.objects.filter(pk=case.pk).update(reopened=True)
    case.reopened = True
    history.record([(case, before)], user=user, reason=history.COMPLAINT)
    return complaint


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, user, resolution: str) -> Complaint:
    if not resolution.strip():
        workflow.check("complaint_resolve", complaint, user, reason="-")
        raise ValidationError({"resolution": _("Say how the complaint was resolved.")})

    def apply(c):
        c.resolution = resolution.strip()
        c.resolved_on = timezone.localdate()
        return ["resolution", "resolved_on"]

    workflow.perform("complaint_resolve", complaint, user, reason=resolution, apply=apply)
    case = complaint.case
    if not case.complaints.filter(status=Complaint.Status.OPEN).exists():
        before = history.state(case)
        Case.objects.filter(pk=case.pk).update(reopened=False)
        case.reopened = False
        history.record([(case, before)], user=user, reason=history.COMPLAINT_RESOLVED)
    return complaint


def ward_submit(*, ward_list: WardList, user, reason: str = "", today: date | None = None):
    """Report the ward list upward for an opinion once the posting has ended and every complaint is
    re-checked (``workflow.posting_or_complaints_open``); after the round's ward deadline only with the
    reason for the delay."""
    return workflow.perform("ward_submit", ward_list, user, reason=reason, today=today or timezone.localdate())


def ward_return(*, ward_list: WardList, user, reason: str, read_version: int | None = None):
    """Return the ward list with remarks; ``read_version`` (the list as a page showed it) refuses a list
    changed since."""

    def apply(wl):
        wl.remarks = reason.strip()
        return ["remarks"]

    return workflow.perform("ward_return", ward_list, user, reason=reason, apply=apply, read_version=read_version)


def ward_approve(*, ward_list: WardList, user, reason: str = "", today: date | None = None, read_version: int | None = None):
    """Approve the ward list; after the round's approval deadline only with the reason for the delay.
    The day of the approval is logged: the chairman's decision cannot be dated before it."""
    today = today or timezone.localdate()
    return workflow.perform(
        "ward_approve",
        ward_list,
        user,
        reason=reason,
        today=today,
        data={"approved_on": today.isoformat()},
        read_version=read_version,
    )


@transaction.atomic
def ward_decide(*, ward_list: WardList, user, decision_number: str, decision_date: date, today: date | None = None):
    """The ward chairman's decision makes each household's result its official status for the year;
    it is dated between the list's approval and today."""
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Enter the decision number.")})
    workflow.check_decision_date(ward_list, decision_date, today=today)
    round_ = ward_list.round

    def apply(wl):
        wl.decision_number = decision_number.strip()
        wl.decision_date = decision_date
        return ["decision_number", "decision_date"]

    transition = workflow.perform("ward_decide", ward_list, user, apply=apply, data={"decision_number": decision_number.strip()})
    cases = Case.objects.filter(round=round_, village__parent_id=ward_list.ward_id).exclude(result_class="")
    OfficialStatus.objects.bulk_create(
        OfficialStatus(
            household_id=case.household_id,
            round=round_,
            case=case,
            ward_id=ward_list.ward_id,
            year=round_.year,
            standard_id=round_.primary_standard_id,
            household_class=case.result_class,
            movement=case.movement,
            decision_number=decision_number.strip(),
            decision_date=decision_date,
            effective_from=round_.effective_from,
        )
        for case in cases
    )
    ReviewRequest.objects.filter(household__in=cases.values("household"), decided_on__isnull=True).update(
        decided_on=decision_date
    )
    return transition


@transaction.atomic
def ward_reopen(*, ward_list: WardList, user, reason: str):
    """The level above reopens an approved or decided list; official statuses it produced are revoked (kept, marked)."""
    transition = workflow.perform("ward_reopen", ward_list, user, reason=reason)
    OfficialStatus.objects.filter(round_id=ward_list.round_id, ward_id=ward_list.ward_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return transition


@transaction.atomic
def round_close(*, round_: ReviewRound, user):
    def apply(r):
        r.closed_at = timezone.now()
        return ["closed_at"]

    transition = workflow.perform("round_close", round_, user, apply=apply)
    for standard in round_.standards.all():
        standard_lock(standard=standard)
    return transition


def overdue_requests(qs=None, today: date | None = None):
    today = today or timezone.localdate()
    qs = qs if qs is not None else ReviewRequest.objects.all()
    return qs.filter(decided_on__isnull=True, due_on__lt=today)


def case_results_now(
    case: Case,
    values: dict | None = None,
    members: list[CaseMember] | None = None,
    section: str | None = None,
    sections: Iterable[str] = (),
):
    """Classify the case as it stands (plus unsaved ``values``/``members`` of ``section`` — or of several
    ``sections``, the whole form — from a form being filled), without writing anything: the live result a
    village head sees while surveying."""
    from copy import copy

    draft = copy(case)
    filled = [*([section] if section is not None else []), *sections]
    if filled:
        draft.sections_done = [*(case.sections_done or []), *filled]
    for name, value in (values or {}).items():
        setattr(draft, name, value)
    members = members if members is not None else list(case.members.all().order_by("id"))
    if not members:
        return []
    facts = household_facts(draft, members)
    standards = sorted(
        case.round.standards.prefetch_related("indicators"), key=lambda s: (s.scope != PovertyStandard.Scope.NATIONAL, s.code)
    )
    return [(standard, engine.classify(facts, standard.to_spec(list(standard.indicators.all())))) for standard in standards]


DEADLINE_FIELDS = ("survey_deadline", "village_deadline", "ward_deadline", "approval_deadline")


@transaction.atomic
def round_update_deadlines(*, round_: ReviewRound, user, **deadlines: date | None) -> ReviewRound:
    """Change the phase deadlines of an open round; the change is recorded with the old and new dates."""
    require_capability(user, "manage_rounds")
    unknown = set(deadlines) - set(DEADLINE_FIELDS)
    if unknown:
        raise TypeError(f"not a deadline: {', '.join(sorted(unknown))}")
    round_.refresh_from_db()
    if not round_.is_open:
        raise ValidationError(_("The round “%(round)s” is closed; nothing in it can change.") % {"round": round_.name})
    changed = {
        name: [_iso(getattr(round_, name)), _iso(value)] for name, value in deadlines.items() if getattr(round_, name) != value
    }
    if not changed:
        return round_
    for name, value in deadlines.items():
        setattr(round_, name, value)
    # The phases follow each other: the survey ends before the village lists are due, and so on.
    ordered = [(name, getattr(round_, name)) for name in DEADLINE_FIELDS if getattr(round_, name)]
    for (_earlier, first), (later, second) in zip(ordered, ordered[1:], strict=False):
        if second < first:
            raise ValidationError({later: _("This deadline comes before an earlier phase's deadline.")})
    round_.full_clean()
    old_version = round_.version
    round_.version = old_version + 1
    values = {name: getattr(round_, name) for name in [*deadlines, "version"]}
    if ReviewRound.objects.filter(pk=round_.pk, version=old_version).update(**values) != 1:
        raise workflow.WorkflowError(_("Someone else changed this round a moment ago. Reload the page and try again."))
    workflow.record(round_=round_, user=user, action="round_deadlines", data=changed, to_status=round_.status)
    return round_


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
