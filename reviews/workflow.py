"""The review workflow: which role may move what from which state to which, checked on the server.

Every state change of a village list, a ward list, a case or a round goes through ``perform``:
it checks the user's role, area and the object's state and round, applies the change with an
optimistic guard (the row must still be in the state that was read), and writes a ``Transition``
with who, when and why. Views never set a status themselves.

Area: an object outside the user's area answers 404 (``Http404``); inside it, a role that may not
act answers 403 (``PermissionDenied``); a valid role acting on the wrong state, on a closed round
or without a required reason gets a ``WorkflowError`` whose message is shown to the user. A step with a
phase deadline (``Action.deadline``) done after it needs the reason for the delay, kept in the log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.access import Scope, scope_of
from households.models import AdminUnit, Assignment
from reviews.models import Case, ReviewRound, Transition, VillageList, WardList

Role = Assignment.Role
VL = VillageList.Status
WL = WardList.Status


class WorkflowError(ValidationError):
    """A refused transition that the user can understand and fix."""


@dataclass(frozen=True)
class Action:
    name: str
    model: type
    sources: tuple[str, ...]
    target: str | None
    roles: tuple[str, ...]
    label: Promise
    reason_required: bool = False
    # Who acts: "unit" = someone whose area covers the object's unit; "approver" = the approving unit's officer.
    actor: str = "unit"
    # The round's phase deadline for this step (a ReviewRound date field). After it the step still goes
    # through (a late list is better than none) but only with the reason for the delay, which is recorded.
    deadline: str | None = None


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "village_submit",
            VillageList,
            (VL.OPEN, VL.RETURNED),
            VL.SUBMITTED,
            (Role.VILLAGE_HEAD, Role.WARD_OFFICER),
            gettext_lazy("Submit the village list"),
            deadline="village_deadline",
        ),
        Action(
            "village_return",
            VillageList,
            (VL.SUBMITTED, VL.MEETING_PASSED),
            VL.RETURNED,
            (Role.WARD_OFFICER,),
            gettext_lazy("Return the village list for re-survey"),
            reason_required=True,
        ),
        # The meeting's outcome decides the target: passed → MEETING_PASSED, under 50 % → RETURNED.
        Action(
            "meeting_record", VillageList, (VL.SUBMITTED,), None, (Role.WARD_OFFICER,), gettext_lazy("Record the village meeting")
        ),
        Action(
            "ward_post", WardList, (WL.OPEN, WL.RETURNED), WL.POSTED, (Role.WARD_OFFICER,), gettext_lazy("Post the list publicly")
        ),
        Action(
            "ward_submit",
            WardList,
            (WL.POSTED,),
            WL.SUBMITTED,
            (Role.WARD_OFFICER,),
            gettext_lazy("Send the ward list for opinion"),
            deadline="ward_deadline",
        ),
        Action(
            "ward_return",
            WardList,
            (WL.SUBMITTED,),
            WL.RETURNED,
            (Role.DISTRICT_OFFICER, Role.CITY_OFFICER),
            gettext_lazy("Return with remarks"),
            reason_required=True,
            actor="approver",
        ),
        Action(
            "ward_approve",
            WardList,
            (WL.SUBMITTED,),
            WL.APPROVED,
            (Role.DISTRICT_OFFICER, Role.CITY_OFFICER),
            gettext_lazy("Approve the ward list"),
            actor="approver",
            deadline="approval_deadline",
        ),
        Action(
            "ward_decide",
            WardList,
            (WL.APPROVED,),
            WL.DECIDED,
            (Role.WARD_OFFICER,),
            gettext_lazy("Record the chairman's decision"),
        ),
        Action(
            "ward_reopen",
            WardList,
            (WL.APPROVED, WL.DECIDED),
            WL.OPEN,
            (Role.DISTRICT_OFFICER, Role.CITY_OFFICER),
            gettext_lazy("Reopen the ward list"),
            reason_required=True,
            actor="approver",
        ),
        Action(
            "round_close",
            ReviewRound,
            (ReviewRound.Status.OPEN,),
            ReviewRound.Status.CLOSED,
            (Role.CITY_OFFICER,),
            gettext_lazy("Close the round"),
            reason_required=False,
        ),
    ]
}


def _unit_of(obj) -> AdminUnit:
    if isinstance(obj, VillageList):
        return obj.village
    if isinstance(obj, WardList):
        return obj.ward
    if isinstance(obj, Case):
        return obj.village
    if isinstance(obj, ReviewRound):
        return AdminUnit.objects.get(level=AdminUnit.Level.CITY, valid_to__isnull=True)
    raise TypeError(obj)


def _round_of(obj) -> ReviewRound:
    return obj if isinstance(obj, ReviewRound) else obj.round


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


def check(action_name: str, obj, user, *, reason: str = "", today: date | None = None) -> Action:
    """Raise Http404 / PermissionDenied / WorkflowError unless ``user`` may do ``action_name`` to ``obj`` now."""
    action = ACTIONS[action_name]
    if not isinstance(obj, action.model):
        raise TypeError(f"{action_name} acts on {action.model.__name__}")
    scope = check_area(user, obj)
    if scope.role not in action.roles:
        raise PermissionDenied
    if action.actor == "approver" and scope.unit.pk != obj.approver_id:
        # The ward is in this officer's area, but its list goes to another unit for opinion.
        raise PermissionDenied
    round_ = _round_of(obj)
    if not round_.is_open:
        raise WorkflowError(_("The round “%(round)s” is closed; nothing in it can change.") % {"round": round_.name})
    if obj.status not in action.sources:
        raise WorkflowError(_("This cannot be done now: the list is “%(status)s”.") % {"status": obj.get_status_display()})
    if action.reason_required and not reason.strip():
        raise WorkflowError(_("Give a reason."))
    late = overdue(action_name, round_, today)
    if late and not reason.strip():
        raise WorkflowError(
            _("The deadline for this step was %(day)s. Give the reason for the delay.") % {"day": late.strftime("%d/%m/%Y")}
        )
    return action


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
) -> Transition:
    """Check, then move ``obj`` to the action's target state and record the transition.

    ``guard`` may raise WorkflowError after the state checks (e.g. "all villages have met");
    ``apply`` sets extra fields on the object and returns their names (saved in the same UPDATE).
    The UPDATE only matches if the row is still at the status and version that were read, so two
    people acting at once cannot both succeed: the later one is told to reload.
    """
    action = check(action_name, obj, user, reason=reason, today=today)
    late = overdue(action_name, _round_of(obj), today)
    if late:
        data = {**(data or {}), "late_after": late.isoformat()}
    new_status = target or action.target
    if new_status is None:
        raise ValueError(f"{action_name} needs an explicit target")
    with transaction.atomic():
        if guard is not None:
            guard(obj)
        old_status, old_version = obj.status, obj.version
        obj.status = new_status
        obj.version = old_version + 1
        fields = ["status", "version"] + (apply(obj) if apply else [])
        values = {name: getattr(obj, name) for name in fields}
        updated = type(obj).objects.filter(pk=obj.pk, status=old_status, version=old_version).update(**values)
        if updated != 1:
            raise WorkflowError(_("Someone else changed this list a moment ago. Reload the page and try again."))
        return Transition.objects.create(
            round=_round_of(obj),
            unit=_unit_of(obj),
            action=action_name,
            from_status=old_status,
            to_status=new_status,
            actor=user,
            reason=reason.strip(),
            data=data or {},
        )


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
    return Transition.objects.create(
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
