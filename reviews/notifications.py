"""Telling people that work waits for them: the portal's inbox, and e-mail.

Two sources, one table (``Notification``):

* **steps of the procedure**, as the workflow records them (``on_transition``, called by
  ``reviews.workflow``): a village list sent to the ward or returned to the village, a ward list sent for
  the opinion or returned with remarks, a complaint that reopens a household's survey;
* **what falls due** (``due_reminders``, run once a day: ``manage.py notify_due``): a complaint's re-check
  due tomorrow, a Form 01 / Form 04 request due tomorrow, a phase deadline in three days for those still
  behind it.

Who is told is whoever holds the capability for the next step in the unit concerned
(``households.access.roles_with``), never a role named here. Nothing is sent for a closed round. The same
event reaches the same user once (a unique ``key`` per user); e-mails go out from the task worker
(``reviews.tasks.send_notification_emails``) after the database commit, to users with an address who did
not turn e-mail off.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from households.access import roles_with
from households.models import Assignment
from reviews.models import (
    Complaint,
    Notification,
    NotificationSettings,
    ReviewRequest,
    ReviewRound,
    Transition,
    VillageList,
    WardList,
)

# How far ahead a phase deadline is announced.
DEADLINE_NOTICE_DAYS = 3


def recipients(unit_ids: Iterable[int], capability: str) -> dict[int, list[int]]:
    """{unit id: [user ids]} of the active users assigned to those units whose role holds ``capability``."""
    found: dict[int, list[int]] = {}
    rows = Assignment.objects.filter(
        unit_id__in=list(unit_ids), role__in=roles_with(capability), ended_at__isnull=True, user__is_active=True
    ).values_list("unit_id", "user_id")
    for unit_id, user_id in rows:
        found.setdefault(unit_id, []).append(user_id)
    return found


def notify(user_ids: Iterable[int], *, kind: str, key: str, round_: ReviewRound | None, url: str, data: dict) -> int:
    """One notification per user for this event (a second call with the same key adds nothing); the
    e-mails follow from the worker once the transaction commits. Returns how many were new."""
    user_ids = sorted(set(user_ids))
    if not user_ids or (round_ is not None and round_.status != ReviewRound.Status.OPEN):
        return 0
    known = set(Notification.objects.filter(key=key, user_id__in=user_ids).values_list("user_id", flat=True))
    new = [Notification(user_id=u, kind=kind, key=key, round=round_, url=url, data=data) for u in user_ids if u not in known]
    Notification.objects.bulk_create(new, ignore_conflicts=True)  # two at once: the constraint keeps one
    if new:
        transaction.on_commit(lambda: _enqueue_emails(key, [n.user_id for n in new]))
    return len(new)


def _enqueue_emails(key: str, user_ids: list[int]) -> None:
    from reviews.tasks import send_notification_emails

    ids = list(Notification.objects.filter(key=key, user_id__in=user_ids, emailed_at__isnull=True).values_list("pk", flat=True))
    if ids:
        send_notification_emails.enqueue(ids)


# ----------------------------------------------------------------------------- what a step tells whom


def on_transition(transition: Transition) -> int:
    """The notifications a recorded step raises (called by the workflow for every transition)."""
    handler = _STEP_HANDLERS.get(transition.action)
    if handler is None or transition.round is None or transition.round.status != ReviewRound.Status.OPEN:
        return 0
    return handler(transition)


def _tell(t: Transition, unit_id: int, capability: str, kind: str, url: str, **data) -> int:
    """Notify whoever holds ``capability`` in the unit ``unit_id`` of the step ``t``."""
    users = recipients([unit_id], capability).get(unit_id, [])
    return notify(users, kind=kind, key=f"step:{t.pk}", round_=t.round, url=url, data={"round": t.round.name, **data})


def _village_sent(t: Transition) -> int:
    ward_list = WardList.objects.filter(round=t.round, ward_id=t.unit.parent_id).select_related("ward").first()
    if ward_list is None:
        return 0
    url = reverse("reviews:ward_detail", args=[t.round_id, ward_list.ward.code])
    return _tell(t, t.unit.parent_id, "check_village_lists", "village_list_sent", url, village=t.unit.name)


def _village_returned(t: Transition) -> int:
    if t.to_status != VillageList.Status.RETURNED:
        return 0
    url = reverse("reviews:village_cases", args=[t.round_id, t.unit.code])
    return _tell(t, t.unit.pk, "survey", "village_list_returned", url, village=t.unit.name, reason=t.reason[:300])


def _ward_sent(t: Transition) -> int:
    ward_list = WardList.objects.filter(round=t.round, ward=t.unit).select_related("ward").first()
    if ward_list is None:
        return 0
    url = reverse("reviews:ward_review", args=[t.round_id, ward_list.ward.code])
    return _tell(t, ward_list.approver_id, "give_opinion", "ward_list_sent", url, ward=ward_list.ward.name)


def _ward_returned(t: Transition) -> int:
    url = reverse("reviews:ward_detail", args=[t.round_id, t.unit.code])
    return _tell(t, t.unit.pk, "send_ward_list", "ward_list_returned", url, ward=t.unit.name, reason=t.reason[:300])


def _survey_reopened(t: Transition) -> int:
    if t.case is None:
        return 0
    url = reverse("reviews:case_detail", args=[t.case_id])
    return _tell(t, t.case.village_id, "survey", "survey_reopened", url, household=t.case.household.code)


_STEP_HANDLERS = {
    "village_submit": _village_sent,
    "village_return": _village_returned,
    "meeting_record": _village_returned,  # under the meeting's share, the list goes back
    "ward_submit": _ward_sent,
    "ward_return": _ward_returned,
    "complaint_record": _survey_reopened,
}


# ----------------------------------------------------------------------------- what falls due


def due_reminders(today: date | None = None) -> int:
    """Raise the reminders of ``today`` (idempotent: run it as often as you like). Returns how many are new."""
    today = today or timezone.localdate()
    tomorrow = today + timedelta(days=1)
    made = 0
    complaints = Complaint.objects.filter(
        status=Complaint.Status.OPEN, recheck_due_on=tomorrow, case__round__status=ReviewRound.Status.OPEN
    ).select_related("case__village__parent", "case__household", "case__round")
    complaints = list(complaints)
    officers = recipients({c.case.village.parent_id for c in complaints}, "handle_complaints")
    for complaint in complaints:
        ward = complaint.case.village.parent
        made += notify(
            officers.get(ward.pk, []),
            kind="complaint_due",
            key=f"complaint:{complaint.pk}:{tomorrow.isoformat()}",
            round_=complaint.case.round,
            url=reverse("reviews:ward_detail", args=[complaint.case.round_id, ward.code]),
            data={"household": complaint.case.household.code, "day": tomorrow.isoformat(), "round": complaint.case.round.name},
        )
    requests = list(
        ReviewRequest.objects.filter(decided_on__isnull=True, due_on=tomorrow).select_related("household__village__parent")
    )
    officers = recipients({r.household.village.parent_id for r in requests}, "record_requests")
    for request in requests:
        ward = request.household.village.parent
        made += notify(
            officers.get(ward.pk, []),
            kind="request_due",
            key=f"request:{request.pk}:{tomorrow.isoformat()}",
            round_=None,
            url=reverse("reviews:request_list", args=[ward.code]),
            data={"household": request.household.code, "day": tomorrow.isoformat()},
        )
    made += _deadlines(today + timedelta(days=DEADLINE_NOTICE_DAYS))
    return made


def _deadlines(day: date) -> int:
    """Those still behind a phase deadline that falls on ``day``: the village heads whose list is not sent
    (survey and village deadlines), the wards whose list is not sent, the approvers with lists waiting."""
    made = 0
    for round_ in ReviewRound.objects.filter(status=ReviewRound.Status.OPEN):
        for field in ("survey_deadline", "village_deadline"):
            if getattr(round_, field) != day:
                continue
            villages = list(
                VillageList.objects.filter(
                    round=round_, status__in=(VillageList.Status.OPEN, VillageList.Status.RETURNED)
                ).select_related("village")
            )
            heads = recipients([v.village_id for v in villages], "survey")
            for village_list in villages:
                made += notify(
                    heads.get(village_list.village_id, []),
                    kind="deadline",
                    key=f"deadline:{round_.pk}:{field}:{day.isoformat()}:{village_list.village_id}",
                    round_=round_,
                    url=reverse("reviews:village_cases", args=[round_.pk, village_list.village.code]),
                    data={"round": round_.name, "day": day.isoformat(), "phase": field},
                )
        if round_.ward_deadline == day:
            lists = list(
                WardList.objects.filter(round=round_)
                .exclude(status__in=(WardList.Status.SUBMITTED, WardList.Status.APPROVED, WardList.Status.DECIDED))
                .select_related("ward")
            )
            officers = recipients([w.ward_id for w in lists], "send_ward_list")
            for ward_list in lists:
                made += notify(
                    officers.get(ward_list.ward_id, []),
                    kind="deadline",
                    key=f"deadline:{round_.pk}:ward_deadline:{day.isoformat()}:{ward_list.ward_id}",
                    round_=round_,
                    url=reverse("reviews:ward_detail", args=[round_.pk, ward_list.ward.code]),
                    data={"round": round_.name, "day": day.isoformat(), "phase": "ward_deadline"},
                )
        if round_.approval_deadline == day:
            waiting = list(
                WardList.objects.filter(round=round_, status=WardList.Status.SUBMITTED).values_list("approver_id", flat=True)
            )
            approvers = recipients(set(waiting), "give_opinion")
            for approver_id in set(waiting):
                made += notify(
                    approvers.get(approver_id, []),
                    kind="deadline",
                    key=f"deadline:{round_.pk}:approval_deadline:{day.isoformat()}:{approver_id}",
                    round_=round_,
                    url=reverse("reviews:approvals"),
                    data={"round": round_.name, "day": day.isoformat(), "phase": "approval_deadline"},
                )
    return made


# ----------------------------------------------------------------------------- reading and sending


def _day(iso: str) -> str:
    try:
        return date.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return ""


class _Data(dict):
    """A notification's data where a missing value reads as empty (an older row, a hand-made one)."""

    def __missing__(self, key):
        return ""


def text(n: Notification) -> str:
    """The notification in the reader's language (made when read: the inbox and the e-mail)."""
    d = _Data(n.data or {})
    if n.kind == "village_list_sent":
        return _("The list of %(village)s was sent to the ward (%(round)s): check it.") % d
    if n.kind == "village_list_returned":
        return _("The list of %(village)s was returned for re-survey (%(round)s): %(reason)s") % d
    if n.kind == "ward_list_sent":
        return _("The list of %(ward)s waits for your opinion (%(round)s).") % d
    if n.kind == "ward_list_returned":
        return _("The list of %(ward)s was returned with remarks (%(round)s): %(reason)s") % d
    if n.kind == "survey_reopened":
        return _("A complaint reopened the survey of household %(household)s (%(round)s).") % d
    if n.kind == "complaint_due":
        return _("The re-check of the complaint about household %(household)s is due on %(day)s.") % _Data(d, day=_day(d["day"]))
    if n.kind == "request_due":
        return _("The request of household %(household)s must be answered by %(day)s.") % _Data(d, day=_day(d["day"]))
    if n.kind == "deadline":
        phases = {
            "survey_deadline": _("the survey"),
            "village_deadline": _("the village lists"),
            "ward_deadline": _("the ward lists"),
            "approval_deadline": _("the opinions on the ward lists"),
        }
        return _("The deadline for %(phase)s is %(day)s (%(round)s).") % {
            "phase": phases.get(d["phase"], d["phase"]),
            "day": _day(d["day"]),
            "round": d.get("round", ""),
        }
    return n.kind


def email_wanted(user) -> bool:
    choice = NotificationSettings.objects.filter(user=user).values_list("email", flat=True).first()
    return bool(user.email) and choice is not False


def send_emails(ids: Iterable[int]) -> int:
    """E-mail the notifications not e-mailed yet (the worker's task); returns how many were sent."""
    sent = 0
    base = settings.PORTAL_BASE_URL.rstrip("/")
    for n in Notification.objects.filter(pk__in=list(ids), emailed_at__isnull=True).select_related("user"):
        if not email_wanted(n.user):
            continue
        with translation.override(settings.LANGUAGE_CODE):
            body = f"{text(n)}\n\n{base}{n.url}\n\n" + _("You can turn these e-mails off in the portal's inbox.")
            subject = _("Poverty review portal: %(text)s") % {"text": text(n)[:120]}
        send_mail(subject, body, None, [n.user.email])
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def inbox(user):
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def set_email(user, wanted: bool) -> None:
    NotificationSettings.objects.update_or_create(user=user, defaults={"email": wanted})
