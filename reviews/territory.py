"""Open rounds and territory changes: what ``households.territory_changes`` may do while a round is open.

The registry changes units without knowing rounds; this module is the hook it calls (registered in
``ReviewsConfig.ready``), and the ``post_save`` receiver that gives a village added mid-round its list.

What a change does to each open round, and when it is refused:

* **Move** (a village to another ward): the village keeps its village list, its cases and its tallies — they
  are the village's, and every ward query reads the village's parent, so they follow it to the new ward.
  If the village has cases in the round, both wards' lists must still be "Villages at work": once a ward's
  list is posted, sent, approved or decided, taking cases out of it or adding them to another would change
  what was posted or decided, so the move is refused until the round is over (or the list reopened).
* **Merge** and **split** (households change village): the same rule for the wards, and the village lists of
  the villages giving and receiving cases must still be editable (being surveyed, or returned), since a
  submitted list is what the village meeting votes on. The cases then move to the receiving village (the
  households' cases of past rounds stay where they were decided), the tallies of both are counted again,
  and a merged village's list, left empty, is removed — unless a village meeting is on record for it, which
  refuses the merge (the minutes must keep their list).
* **Area type** of a ward: refused while the ward has cases in an open round (their results were computed
  on the other line).

Households without cases in an open round move freely. Each carried change is written to the round's log
(``Transition`` "territory_change") so the ward timeline shows it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_save
from django.utils.translation import gettext as _

from households.access import approving_unit
from households.models import AdminUnit, TerritoryEvent
from households.territory_changes import TerritoryChange, register_hook
from reviews import tallies, workflow
from reviews.models import Case, ReviewRound, VillageList, VillageMeeting, WardList

Action = TerritoryEvent.Action


def _open_rounds():
    return ReviewRound.objects.filter(status=ReviewRound.Status.OPEN).order_by("pk")


def _cases(round_: ReviewRound, change: TerritoryChange):
    cases = Case.objects.filter(round=round_)
    if change.action == Action.AREA_TYPE:
        return cases.filter(village__parent=change.ward)
    if change.household_ids:
        return cases.filter(household_id__in=change.household_ids)
    return cases.filter(village__in=change.villages)


def _refuse(round_: ReviewRound, message: str) -> None:
    raise ValidationError(
        _("Refused because of the open round “%(round)s”: %(reason)s") % {"round": round_.name, "reason": message},
        code="open_round",
    )


def check(change: TerritoryChange) -> None:
    """Refuse (ValidationError) a change that would corrupt an open round; locks the lists it reads."""
    for round_ in _open_rounds():
        village_ids = [v.pk for v in change.villages] + ([change.into.pk] if change.into else [])
        village_lists = list(
            VillageList.objects.select_for_update()
            .filter(round=round_, village_id__in=village_ids)
            .select_related("village")
            .order_by("pk")
        )
        if change.action == Action.MERGE:
            met = VillageMeeting.objects.filter(village_list__in=[vl for vl in village_lists if vl.village in change.villages])
            for meeting in met.select_related("village_list__village"):
                _refuse(
                    round_,
                    _("a village meeting of %(village)s is on record (%(day)s); its list cannot be merged away.")
                    % {"village": meeting.village_list.village.name, "day": f"{meeting.held_on:%d/%m/%Y}"},
                )
        if not _cases(round_, change).exists():
            continue
        if change.action == Action.AREA_TYPE:
            _refuse(
                round_,
                _("%(ward)s has households in this round, classified on its current area type.") % {"ward": change.ward.name},
            )
        ward_lists = WardList.objects.select_for_update().filter(round=round_, ward_id__in=change.ward_ids)
        for ward_list in ward_lists.select_related("ward").order_by("pk"):
            if ward_list.status != WardList.Status.OPEN:
                _refuse(
                    round_,
                    _("the list of %(ward)s is “%(status)s”; its households cannot change until the round is closed.")
                    % {"ward": ward_list.ward.name, "status": ward_list.get_status_display()},
                )
        if change.action in (Action.MERGE, Action.SPLIT):
            for village_list in village_lists:
                if not village_list.is_editable:
                    _refuse(
                        round_,
                        _("the list of %(village)s is “%(status)s”; ask the ward to return it for re-survey first.")
                        % {"village": village_list.village.name, "status": village_list.get_status_display()},
                    )


def carry(change: TerritoryChange) -> dict:
    """Bring the open rounds along (the change passed ``check``); returns {round id: cases moved}."""
    carried = {}
    for round_ in _open_rounds():
        moved = 0
        if change.action in (Action.MERGE, Action.SPLIT):
            VillageList.objects.get_or_create(round=round_, village=change.into)
            moved = Case.objects.filter(round=round_, household_id__in=change.household_ids).update(village=change.into)
            tallies.refresh(round_.pk, {v.pk for v in change.villages} | {change.into.pk})
        if change.action == Action.MERGE:
            VillageList.objects.filter(round=round_, village__in=change.villages).delete()
        in_round = moved or (
            change.action == Action.MOVE and VillageList.objects.filter(round=round_, village__in=change.villages).exists()
        )
        if in_round:
            _ward_lists_follow(round_, change)
        if in_round:
            workflow.record(
                round_=round_,
                user=change.user,
                action="territory_change",
                unit=change.into or change.villages[0],
                reason=change.reason,
                data={
                    "change": change.action,
                    "villages": [v.code for v in change.villages],
                    "ward": change.ward.code,
                    "cases": moved,
                },
            )
            carried[str(round_.pk)] = {"cases": moved}
    return carried


def _ward_lists_follow(round_: ReviewRound, change: TerritoryChange) -> None:
    """The ward that receives villages has a list in the round (a ward created by a reorganisation has
    none yet), and a ward left with no village in the round loses its list while that list is still open
    — otherwise the round would wait for a list with no household."""
    if not WardList.objects.filter(round=round_, ward=change.ward).exists():
        WardList.objects.create(round=round_, ward=change.ward, approver=approving_unit(change.ward))
    villages_left = VillageList.objects.filter(round=round_, village__parent_id=OuterRef("ward_id"))
    WardList.objects.filter(
        round=round_, ward_id__in=change.from_ward_ids - {change.ward.pk}, status=WardList.Status.OPEN
    ).exclude(Exists(villages_left)).delete()  # nothing refers to a ward list; the log names the unit


def village_list_for_new_village(sender, instance: AdminUnit, created: bool, raw: bool = False, **kwargs) -> None:
    """A village added while a round is open, in a ward that round covers, gets its village list at once:
    otherwise a Form 01 of one of its households would be left out of the round."""
    if raw or not created or instance.level != AdminUnit.Level.VILLAGE or instance.valid_to is not None:
        return
    rounds = WardList.objects.filter(round__status=ReviewRound.Status.OPEN, ward_id=instance.parent_id).values_list(
        "round_id", flat=True
    )
    VillageList.objects.bulk_create([VillageList(round_id=round_id, village=instance) for round_id in rounds])


def connect() -> None:
    register_hook("reviews", check=check, carry=carry)
    post_save.connect(village_list_for_new_village, sender=AdminUnit, dispatch_uid="reviews.territory.village_list")
