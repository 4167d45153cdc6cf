"""The review workflow: who may move what from which state to which, checked on the server.

Every state change of a village list, a ward list, a case, a complaint or a round goes through
``perform``: it checks the user's capability (``households.access``), area and the object's state and
round, applies the change with an optimistic guard (the row must still be in the state that was read),
and writes a ``Transition`` with who, when and why. Views and services never set a status themselves.

Area: an object outside the user's area answers 404 (``Http404``); inside it, a user whose role lacks the
action's capability answers 403 (``PermissionDenied``); a valid user acting on the wrong state, on a closed
round or without a required reason gets a ``WorkflowError`` whose message is shown to the user. A step with
a phase deadline (``Action.deadline``) done after it needs the reason for the delay, kept in the log.
Administrators hold no role, so they act in no transition (``households.access.acts``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from households.access import Scope, acts, scope_of
from households.models import AdminUnit, Member
from reviews.models import Case, Complaint, ReviewRound, Transition, VillageList, WardList

VL = VillageList.Status
WL = WardList.Status
CS = Case.Status
CO = Complaint.Status
# The "state" of an object a transition creates (a complaint being recorded).
NEW = ""


class WorkflowError(ValidationError):
    """A refused transition that the user can understand and fix."""


# A page names this many blocking villages or households, then folds the rest ("và 42 thôn/tổ khác").
FOLD_AFTER = 10


@dataclass(frozen=True)
class Blocker:
    """One reason a step cannot be done now, naming every village or household that holds it up."""

    message: str
    names: tuple[str, ...] = ()
    # What the names are: "village" or "household" (for "and 42 other villages").
    noun: str = "village"

    @property
    def shown(self) -> tuple[str, ...]:
        return self.names[:FOLD_AFTER]

    @property
    def folded(self) -> tuple[str, ...]:
        return self.names[FOLD_AFTER:]

    @property
    def more_text(self) -> str:
        n = len(self.folded)
        if self.noun == "household":
            return ngettext("and %(n)d other household", "and %(n)d other households", n) % {"n": n}
        return ngettext("and %(n)d other village", "and %(n)d other villages", n) % {"n": n}

    def __str__(self) -> str:
        if not self.names:
            return self.message
        text = f"{self.message}: {', '.join(self.shown)}"
        return f"{text} {self.more_text}" if self.folded else text


@dataclass(frozen=True)
class Action:
    name: str
    model: type
    sources: tuple[str, ...]
    target: str | None
    # What the user's role must hold (``households.access.ROLE_CAPABILITIES``).
    capability: str
    label: Promise
    reason_required: bool = False
    # Who acts: "unit" = someone whose area covers the object's unit; "approver" = the approving unit's officer.
    actor: str = "unit"
    # The round's phase deadline for this step (a ReviewRound date field). After it the step still goes
    # through (a late list is better than none) but only with the reason for the delay, which is recorded.
    deadline: str | None = None
    # With ``target=None``, the targets the caller may choose between (the outcome decides).
    targets: tuple[str, ...] = ()
    # A further condition on the object's state (raises WorkflowError), e.g. "the village list is still open".
    condition: Callable[[object], None] | None = None
    # The message when the object is not in one of ``sources`` (default: the list's status).
    state_error: Promise | None = None
    # What else holds the step up in the object's state (every village not met, every complaint open…),
    # as a list of ``Blocker``: the same list refuses the transition and explains the disabled button.
    blockers: Callable[[object, date], list[Blocker]] | None = None
    # The step that comes right before this one on the list's path (``next_steps`` shows both).
    after: str | None = None


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "village_submit",
            VillageList,
            (VL.OPEN, VL.RETURNED),
            VL.SUBMITTED,
            "survey",
            gettext_lazy("Submit the village list"),
            deadline="village_deadline",
            blockers=lambda vl, today: households_not_done(vl),
        ),
        Action(
            "village_return",
            VillageList,
            (VL.SUBMITTED, VL.MEETING_PASSED),
            VL.RETURNED,
            "check_village_lists",
            gettext_lazy("Return the village list for re-survey"),
            reason_required=True,
        ),
        # The meeting's outcome decides the target: passed → MEETING_PASSED, under the procedure's share → RETURNED.
        Action(
            "meeting_record",
            VillageList,
            (VL.SUBMITTED,),
            None,
            "record_meetings",
            gettext_lazy("Record the village meeting"),
            targets=(VL.MEETING_PASSED, VL.RETURNED),
        ),
        Action(
            "ward_post",
            WardList,
            (WL.OPEN, WL.RETURNED),
            WL.POSTED,
            "post_list",
            gettext_lazy("Post the list publicly"),
            blockers=lambda wl, today: villages_not_agreed(wl),
        ),
        Action(
            "ward_submit",
            WardList,
            (WL.POSTED,),
            WL.SUBMITTED,
            "send_ward_list",
            gettext_lazy("Send the ward list for opinion"),
            deadline="ward_deadline",
            blockers=lambda wl, today: posting_or_complaints_open(wl, today),
            after="ward_post",
        ),
        Action(
            "ward_return",
            WardList,
            (WL.SUBMITTED,),
            WL.RETURNED,
            "give_opinion",
            gettext_lazy("Return with remarks"),
            reason_required=True,
            actor="approver",
        ),
        Action(
            "ward_approve",
            WardList,
            (WL.SUBMITTED,),
            WL.APPROVED,
            "give_opinion",
            gettext_lazy("Approve the ward list"),
            actor="approver",
            deadline="approval_deadline",
            after="ward_submit",
        ),
        Action(
            "ward_decide",
            WardList,
            (WL.APPROVED,),
            WL.DECIDED,
            "decide",
            gettext_lazy("Record the chairman's decision"),
            after="ward_approve",
        ),
        Action(
            "ward_reopen",
            WardList,
            (WL.APPROVED, WL.DECIDED),
            WL.OPEN,
            "give_opinion",
            gettext_lazy("Reopen the ward list"),
            reason_required=True,
            actor="approver",
        ),
        Action(
            "round_close",
            ReviewRound,
            (ReviewRound.Status.OPEN,),
            ReviewRound.Status.CLOSED,
            "manage_rounds",
            gettext_lazy("Close the round"),
            reason_required=False,
        ),
        # A household's case: the quick screen decides whether it is surveyed; saving the last section
        # of the survey completes it, once no standard of the round misses an answer. Both only while the survey is open for the case (``case_editable``).
        Action(
            "case_screen",
            Case,
            (CS.TO_SCREEN, CS.TO_SURVEY, CS.SURVEYED, CS.SCREENED_OUT),
            None,
            "survey",
            gettext_lazy("Screen the household"),
            targets=(CS.SCREENED_OUT, CS.TO_SURVEY, CS.SURVEYED),
            condition=lambda case: require_case_editable(case),
        ),
        Action(
            "case_complete",
            Case,
            (CS.TO_SURVEY,),
            CS.SURVEYED,
            "survey",
            gettext_lazy("Complete the survey"),
            condition=lambda case: require_case_editable(case),
        ),
        # A surveyed case whose answer is emptied again (an income box cleared) is provisional again.
        Action(
            "case_incomplete",
            Case,
            (CS.SURVEYED,),
            CS.TO_SURVEY,
            "survey",
            gettext_lazy("Mark the survey incomplete"),
            condition=lambda case: require_case_editable(case),
        ),
        # A complaint against the posted list is recorded (it reopens the household for a re-check) and resolved.
        Action(
            "complaint_record",
            Complaint,
            (NEW,),
            CO.OPEN,
            "handle_complaints",
            gettext_lazy("Record a complaint"),
            condition=lambda complaint: require_posted(complaint),
        ),
        Action(
            "complaint_resolve",
            Complaint,
            (CO.OPEN,),
            CO.RESOLVED,
            "handle_complaints",
            gettext_lazy("Resolve the complaint"),
            reason_required=True,
            state_error=gettext_lazy("This complaint is already resolved."),
        ),
    ]
}


def case_editable(case: Case, village_list: VillageList | None = None, ward_list: WardList | None = None) -> bool:
    """A case can be edited while its round is open and its village list is open or returned, or when
    a complaint reopened it during the public posting."""
    if not case.round.is_open:
        return False
    village_list = village_list or VillageList.objects.get(round_id=case.round_id, village_id=case.village_id)
    if village_list.is_editable:
        return True
    if case.reopened:
        ward_list = ward_list or WardList.objects.get(round_id=case.round_id, ward_id=case.village.parent_id)
        return ward_list.status in (WL.OPEN, WL.POSTED, WL.RETURNED)
    return False


def require_case_editable(case: Case) -> None:
    if not case_editable(case):
        raise WorkflowError(_("This household's survey is locked: the village list has been submitted or the round is closed."))


def require_posted(complaint: Complaint) -> None:
    """Complaints are received while the ward list is publicly posted."""
    ward_list = WardList.objects.get(round_id=complaint.case.round_id, ward_id=complaint.case.village.parent_id)
    if ward_list.status != WL.POSTED:
        raise WorkflowError(_("Complaints are recorded while the list is publicly posted."))


def households_not_done(village_list: VillageList) -> list[Blocker]:
    """A village list goes to the ward once every household in it is screened out or surveyed."""
    head = Member.objects.filter(household=OuterRef("household_id"), relationship=Member.Relationship.HEAD, left_on__isnull=True)
    rows = list(
        Case.objects.filter(
            round_id=village_list.round_id, village_id=village_list.village_id, status__in=[CS.TO_SCREEN, CS.TO_SURVEY]
        )
        .annotate(head_name=Subquery(head.values("full_name")[:1]))
        .order_by("household__code")
        .values_list("household__code", "head_name")
    )
    if not rows:
        return []
    names = tuple(f"{head_name} ({code})" if head_name else code for code, head_name in rows)
    message = ngettext(
        "%(n)d household is not screened or surveyed yet", "%(n)d households are not screened or surveyed yet", len(rows)
    ) % {"n": len(rows)}
    return [Blocker(message, names, noun="household")]


def villages_not_agreed(ward_list: WardList) -> list[Blocker]:
    """The ward posts its list once every village with households in the round agreed its list at a meeting."""
    rows = list(
        VillageList.objects.filter(round_id=ward_list.round_id, village__parent_id=ward_list.ward_id)
        .exclude(status=VL.MEETING_PASSED)
        .filter(village__in=Case.objects.filter(round_id=ward_list.round_id).values("village"))
        .order_by("village__code")
        .values_list("status", "village__name")
    )
    not_submitted = tuple(name for status, name in rows if status in (VL.OPEN, VL.RETURNED))
    not_met = tuple(name for status, name in rows if status == VL.SUBMITTED)
    found = []
    if not_submitted:
        found.append(Blocker(_("These villages have not submitted their list yet"), not_submitted))
    if not_met:
        found.append(Blocker(_("These villages have not agreed their list at a meeting yet"), not_met))
    return found


def posting_or_complaints_open(ward_list: WardList, today: date) -> list[Blocker]:
    """The ward sends its list once the public posting has ended and every complaint is re-checked."""
    found = []
    if ward_list.posting_ends_on and today <= ward_list.posting_ends_on:
        found.append(
            Blocker(
                _("The public posting runs until %(day)s; send the list after it ends.")
                % {"day": ward_list.posting_ends_on.strftime("%d/%m/%Y")}
            )
        )
    codes = tuple(
        Complaint.objects.filter(case__round_id=ward_list.round_id, case__village__parent_id=ward_list.ward_id, status=CO.OPEN)
        .order_by("case__household__code", "id")
        .values_list("case__household__code", flat=True)
    )
    if codes:
        message = ngettext(
            "%(n)d complaint is still being re-checked", "%(n)d complaints are still being re-checked", len(codes)
        ) % {"n": len(codes)}
        found.append(Blocker(message, codes, noun="household"))
    return found


def _unit_of(obj) -> AdminUnit:
    if isinstance(obj, VillageList):
        return obj.village
    if isinstance(obj, WardList):
        return obj.ward
    if isinstance(obj, Case):
        return obj.village
    if isinstance(obj, Complaint):
        return obj.case.village
    if isinstance(obj, ReviewRound):
        return AdminUnit.objects.get(level=AdminUnit.Level.CITY, valid_to__isnull=True)
    raise TypeError(obj)


def _round_of(obj) -> ReviewRound:
    if isinstance(obj, ReviewRound):
        return obj
    return obj.case.round if isinstance(obj, Complaint) else obj.round


def _case_of(obj) -> Case | None:
    if isinstance(obj, Case):
        return obj
    return obj.case if isinstance(obj, Complaint) else None


def _status_of(obj) -> str:
    """The object's state; one a transition is about to create has none yet (``NEW``)."""
    return NEW if obj.pk is None else obj.status


def check_area(user, obj) -> Scope:
    """404 when the object lies outside the user's area."""
    scope = scope_of(user)
    if isinstance(obj, ReviewRound):
        # A round spans the whole city: every user with an area sees it.
        if scope.unit is None and not scope.is_admin:
            raise Http404
        return scope
    if not scope.covers(_unit_of(obj)):
        raise Http404
    return scope


def overdue(action_name: str, round_: ReviewRound, today: date | None = None) -> date | None:
    """The phase deadline of ``action_name`` in ``round_`` if it has passed (``today`` is after it), else None."""
    field = ACTIONS[action_name].deadline
    return round_.deadline_passed(field, today or timezone.localdate()) if field else None


def check_actor(action_name: str, obj, user) -> Action:
    """Raise Http404 (outside the area) or PermissionDenied (the role does not act, or another unit gives
    the opinion) unless ``user`` is one who does ``action_name`` to ``obj``, whatever its state."""
    action = ACTIONS[action_name]
    if not isinstance(obj, action.model):
        raise TypeError(f"{action_name} acts on {action.model.__name__}")
    scope = check_area(user, obj)
    if not acts(user, action.capability):
        raise PermissionDenied
    if action.actor == "approver" and scope.unit.pk != obj.approver_id:
        # The ward is in this officer's area, but its list goes to another unit for opinion.
        raise PermissionDenied
    return action


def check(action_name: str, obj, user, *, reason: str = "", today: date | None = None) -> Action:
    """Raise Http404 / PermissionDenied / WorkflowError unless ``user`` may do ``action_name`` to ``obj`` now."""
    action = check_actor(action_name, obj, user)
    round_ = _round_of(obj)
    require_open(round_)
    if _status_of(obj) not in action.sources:
        raise WorkflowError(_state_error(action, obj))
    if action.condition is not None:
        action.condition(obj)
    found = action.blockers(obj, today or timezone.localdate()) if action.blockers else []
    if found:
        error = WorkflowError([str(b) for b in found])
        error.blockers = found
        raise error
    if action.reason_required and not reason.strip():
        raise WorkflowError(_("Give a reason."))
    late = overdue(action_name, round_, today)
    if late and not reason.strip():
        raise WorkflowError(
            _("The deadline for this step was %(day)s. Give the reason for the delay.") % {"day": late.strftime("%d/%m/%Y")}
        )
    return action


def _state_error(action: Action, obj) -> str:
    if action.state_error is not None:
        return str(action.state_error)
    if _status_of(obj) == NEW:
        return _("This cannot be done now.")
    return _("This cannot be done now: the list is “%(status)s”.") % {"status": obj.get_status_display()}


def blockers(action_name: str, obj, *, today: date | None = None, _seen: dict | None = None) -> list[Blocker]:
    """Every reason the step cannot be done to ``obj`` now, whoever asks (empty when it can).

    The same rules as ``check`` (round open, state, condition, the action's declared blockers), but all of
    them at once, for a page that shows the step disabled with its reasons. When ``obj`` is still at the
    step before (``Action.after``), the reasons are "first that step" and that step's own blockers.
    """
    if _seen is not None and action_name in _seen:
        return _seen[action_name]
    found = _blockers(ACTIONS[action_name], obj, today or timezone.localdate(), {} if _seen is None else _seen)
    if _seen is not None:
        _seen[action_name] = found
    return found


def _blockers(action: Action, obj, today: date, seen: dict) -> list[Blocker]:
    round_ = _round_of(obj)
    if not round_.is_open:
        return [Blocker(_("The round “%(round)s” is closed; nothing in it can change.") % {"round": round_.name})]
    status = _status_of(obj)
    if status not in action.sources:
        before = ACTIONS.get(action.after or "")
        if before is not None and status in before.sources:
            return [Blocker(_("First: %(step)s.") % {"step": before.label}), *blockers(before.name, obj, today=today, _seen=seen)]
        return [Blocker(_state_error(action, obj))]
    if action.condition is not None:
        try:
            action.condition(obj)
        except ValidationError as exc:
            return [Blocker(message) for message in exc.messages]
    return action.blockers(obj, today) if action.blockers else []


@dataclass(frozen=True)
class Step:
    """A step a page offers: enabled when nothing blocks it, else disabled with every reason."""

    action: Action
    blockers: list[Blocker]

    @property
    def name(self) -> str:
        return self.action.name

    @property
    def allowed(self) -> bool:
        return not self.blockers


# The ward's own steps on its list, in the order of the procedure (the approving unit's come between).
WARD_STEPS = ("ward_post", "ward_submit", "ward_decide")


def next_ward_step(ward_list: WardList) -> Action | None:
    """The ward's step its list waits for: none while the approving unit has it, or once it is decided."""
    return next((ACTIONS[name] for name in WARD_STEPS if ward_list.status in ACTIONS[name].sources), None)


def next_steps(obj, user, names: tuple[str, ...], *, today: date | None = None) -> list[Step]:
    """Of the steps ``names``, those ``user``'s role takes on ``obj`` that are due now: the one its state
    allows and the one right after it (``Action.after``), each with every reason it is refused. Nothing
    in a closed round (it is history), nothing outside the user's area (404)."""
    scope = check_area(user, obj)
    if not _round_of(obj).is_open:
        return []
    status = _status_of(obj)
    steps, seen = [], {}  # a step's blockers are read once, also when the next step repeats them
    for name in names:
        action = ACTIONS[name]
        if not acts(user, action.capability):
            continue
        if action.actor == "approver" and (scope.unit is None or scope.unit.pk != obj.approver_id):
            continue
        before = ACTIONS.get(action.after or "")
        if status in action.sources or (before is not None and status in before.sources):
            steps.append(Step(action, blockers(name, obj, today=today, _seen=seen)))
    return steps


def require_open(round_: ReviewRound) -> None:
    """A closed round is history: nothing in it changes (no list, no case, no complaint)."""
    if not round_.is_open:
        raise WorkflowError(_("The round “%(round)s” is closed; nothing in it can change.") % {"round": round_.name})


# ----------------------------------------------------------------------------- dates of the procedure
# The portal records steps that happened on paper (a meeting, a posting, a complaint, a decision) with the
# date they happened. The dates must keep the order of the procedure, or a list could be "posted" in the
# past and decided at once, with no posting or complaint window ever having existed.

# How far ahead a posting may be recorded: the ward may enter on Friday a posting that starts on Monday.
POSTING_ADVANCE_DAYS = 7


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def check_posting_start(round_: ReviewRound, starts_on: date, *, today: date | None = None) -> None:
    """The public posting starts within the round, at most ``POSTING_BACKDATE_GRACE_DAYS`` days before
    ``today`` (a posting put up on Friday and entered on Monday) and at most ``POSTING_ADVANCE_DAYS`` after."""
    today = today or timezone.localdate()
    if starts_on < round_.starts_on:
        raise WorkflowError(
            _("The posting cannot start before the round starts (%(day)s).") % {"day": _day(round_.starts_on)},
            code="posting_before_round",
        )
    grace = settings.POSTING_BACKDATE_GRACE_DAYS
    earliest = today - timedelta(days=grace)
    if starts_on < earliest:
        raise WorkflowError(
            _(
                "The posting cannot start more than %(days)d days before today: the earliest start is %(day)s. "
                "Record the posting on the day it is put up."
            )
            % {"days": grace, "day": _day(earliest)},
            code="posting_backdated",
        )
    latest = today + timedelta(days=POSTING_ADVANCE_DAYS)
    if starts_on > latest:
        raise WorkflowError(
            _("The posting cannot start more than %(days)d days from today (at the latest %(day)s).")
            % {"days": POSTING_ADVANCE_DAYS, "day": _day(latest)},
            code="posting_too_far",
        )


def check_meeting_date(round_: ReviewRound, held_on: date, *, today: date | None = None) -> None:
    """A village meeting of the round is held between the round's start and today."""
    if held_on > (today or timezone.localdate()):
        raise WorkflowError({"held_on": _("The meeting date cannot be in the future.")})
    if held_on < round_.starts_on:
        raise WorkflowError(
            {"held_on": _("The meeting cannot be before the round starts (%(day)s).") % {"day": _day(round_.starts_on)}}
        )


def check_complaint_date(ward_list: WardList, received_on: date, *, today: date | None = None) -> None:
    """A complaint against the posted list is received between the posting's start and today."""
    if received_on > (today or timezone.localdate()):
        raise WorkflowError({"received_on": _("The date received cannot be in the future.")})
    if ward_list.posting_starts_on and received_on < ward_list.posting_starts_on:
        raise WorkflowError(
            {
                "received_on": _("A complaint cannot be received before the posting starts (%(day)s).")
                % {"day": _day(ward_list.posting_starts_on)}
            }
        )


def approved_on(ward_list: WardList) -> date | None:
    """The day the approving unit last approved the ward list (from the log)."""
    row = (
        Transition.objects.filter(round_id=ward_list.round_id, unit_id=ward_list.ward_id, action="ward_approve")
        .order_by("-at", "-id")
        .values_list("at", "data")
        .first()
    )
    if row is None:
        return None
    at, data = row
    day = (data or {}).get("approved_on")
    return date.fromisoformat(day) if day else timezone.localdate(at)


def check_decision_date(ward_list: WardList, decision_date: date, *, today: date | None = None) -> None:
    """The chairman decides after the list was approved, and not in the future."""
    if decision_date > (today or timezone.localdate()):
        raise WorkflowError({"decision_date": _("The decision date cannot be in the future.")})
    approved = approved_on(ward_list)
    if approved and decision_date < approved:
        raise WorkflowError(
            {"decision_date": _("The decision cannot be dated before the list was approved (%(day)s).") % {"day": _day(approved)}}
        )


def can(action_name: str, obj, user) -> bool:
    try:
        check(action_name, obj, user, reason="-")
    except (Http404, PermissionDenied, ValidationError):
        return False
    return True


def allowed_actions(obj, user) -> list[Action]:
    return [a for a in ACTIONS.values() if isinstance(obj, a.model) and can(a.name, obj, user)]


def perform(
    action_name: str,
    obj,
    user,
    *,
    reason: str = "",
    target: str | None = None,
    data: dict | None = None,
    apply: Callable[[object], list[str]] | None = None,
    guard: Callable[[object], None] | None = None,
    today: date | None = None,
    read_version: int | None = None,
    on_conflict: Callable[[], None] | None = None,
) -> Transition:
    """Check, then move ``obj`` to the action's target state and record the transition.

    ``guard`` may raise WorkflowError after the state checks (e.g. "all villages have met");
    ``apply`` sets extra fields on the object and returns their names (saved in the same UPDATE).
    The UPDATE only matches if the row is still at the status and version that were read (``read_version``
    when a form carried it), so two people acting at once cannot both succeed: the later one is told to
    reload (``on_conflict`` may raise a better message). An object the action creates (``NEW``) is saved.
    """
    action = check(action_name, obj, user, reason=reason, today=today)
    late = overdue(action_name, _round_of(obj), today)
    if late:
        data = {**(data or {}), "late_after": late.isoformat()}
    new_status = target or action.target
    if new_status is None:
        raise ValueError(f"{action_name} needs an explicit target")
    if target is not None and action.target is None and target not in action.targets:
        raise ValueError(f"{action_name} cannot lead to {target}")
    with transaction.atomic():
        if guard is not None:
            guard(obj)
        old_status = _status_of(obj)
        obj.status = new_status
        extra = apply(obj) if apply else []
        if old_status == NEW:
            obj.full_clean()
            obj.save()
        else:
            versioned = hasattr(obj, "version")
            fields = ["status", *extra]
            match = {"pk": obj.pk, "status": old_status}
            if versioned:
                old_version = obj.version if read_version is None else read_version
                match["version"] = old_version
                obj.version = old_version + 1
                fields.append("version")
            values = {name: getattr(obj, name) for name in fields}
            if type(obj).objects.filter(**match).update(**values) != 1:
                obj.status = old_status
                if on_conflict is not None:
                    on_conflict()
                raise WorkflowError(_("Someone else changed this list a moment ago. Reload the page and try again."))
        case = _case_of(obj)
        transition = Transition.objects.create(
            round=_round_of(obj),
            unit=_unit_of(obj),
            case=case,
            household_id=case.household_id if case else None,
            action=action_name,
            from_status=old_status,
            to_status=new_status,
            actor=user,
            reason=reason.strip(),
            data=data or {},
        )
        _notify(transition)
        return transition


def _notify(transition: Transition) -> None:
    """Whoever the step leaves work for is told (``reviews.notifications``), in the same transaction."""
    from reviews import notifications

    notifications.on_transition(transition)


def record(
    *,
    round_: ReviewRound | None,
    user,
    action: str,
    unit=None,
    case: Case | None = None,
    reason: str = "",
    data=None,
    to_status="",
    from_status="",
):
    """Record an event that is not a list transition (a case screened, a complaint, a public holiday
    added or removed: those belong to no round) in the same log."""
    transition = Transition.objects.create(
        round=round_,
        unit=unit if unit is not None else (case.village if case else None),
        case=case,
        household=case.household if case else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=user,
        reason=reason,
        data=data or {},
    )
    _notify(transition)
    return transition
