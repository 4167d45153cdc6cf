"""Writes to households and members (HackSoft style: keyword-only, full_clean, one transaction).

Members are never deleted: they leave with a date and a reason. Splitting a household or moving a
member closes the member's row in the old household (reason "split"/"moved") and opens a new row in
the new one, so each household's history keeps who lived there and when.

Every write that changes a household or its members bumps ``Household.version``; an edit form carries
the version it was read at and ``household_update`` refuses a stale one (see there).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from households import citizen_ids
from households.duplicates import duplicate_decisions_carry_over, duplicates_refresh
from households.models import AdminUnit, Household, IdNumberDisclosure, IdNumberReveal, IdNumberSearch, Member

HOUSEHOLD_FIELDS = ("village", "address", "phone", "in_agriculture", "notes")
MEMBER_FIELDS = (*Member.PERSON_FIELDS, *Member.IDENTITY_FIELDS, *Member.FACT_FIELDS)


def _check_one_head(members: Iterable[Member]) -> None:
    heads = sum(1 for m in members if m.left_on is None and m.relationship == Member.Relationship.HEAD)
    if heads != 1:
        raise ValidationError(
            _("A household must have exactly one head; these members have %(count)s.") % {"count": heads},
            code="heads",
        )


def _save_heads_last(members: Iterable[Member]) -> None:
    # The "one active head" constraint is checked per statement: demote the old head before promoting the new one.
    for member in sorted(members, key=lambda m: m.relationship == Member.Relationship.HEAD):
        member.save()


def _bump_version(household: Household) -> None:
    Household.objects.filter(pk=household.pk).update(version=F("version") + 1, updated_at=timezone.now())
    household.refresh_from_db(fields=["version", "updated_at"])


def _check_village(village: AdminUnit) -> None:
    if village.level != AdminUnit.Level.VILLAGE:
        raise ValidationError({"village": _("Choose a village or residential group.")}, code="village")


def _member_from(data: Mapping[str, Any], household: Household, member: Member | None = None) -> Member:
    member = member or Member(household=household)
    for name in MEMBER_FIELDS:
        if name in data:
            setattr(member, name, data[name])
    member.id_number = citizen_ids.normalize(member.id_number)  # before the 12-character field check
    member.full_clean(exclude=["household"])
    return member


@transaction.atomic
def household_create(
    *,
    village: AdminUnit,
    code: str,
    address: str,
    members: Sequence[Mapping[str, Any]],
    phone: str = "",
    in_agriculture: bool = False,
    notes: str = "",
) -> Household:
    """A new household with its members; exactly one of them is the head."""
    _check_village(village)
    household = Household(village=village, code=code, address=address, phone=phone, in_agriculture=in_agriculture, notes=notes)
    household.full_clean()
    new_members = [_member_from(data, household) for data in members]
    _check_one_head(new_members)
    household.save()
    for member in new_members:
        member.household = household
    _save_heads_last(new_members)
    duplicates_refresh(member_ids=[m.pk for m in new_members])
    return household


@transaction.atomic
def household_update(
    *,
    household: Household,
    read_version: int,
    data: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]] = (),
) -> Household:
    """Change a household and its active members, refusing a save based on a stale read.

    The check is a conditional ``UPDATE … SET version = version + 1 WHERE id = … AND version = read_version``:
    of two people who read version 3, exactly one UPDATE matches a row; the other gets a clear message
    instead of silently overwriting the first one's work. ``members`` are dicts of member fields; one
    with an ``id`` changes that active member, one without adds a member.
    """
    claimed = Household.objects.filter(pk=household.pk, version=read_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not claimed:
        saved_at = Household.objects.values_list("updated_at", flat=True).get(pk=household.pk)
        raise ValidationError(
            _("Someone else saved this household at %(time)s; reload the page and make your changes again.")
            % {"time": timezone.localtime(saved_at).strftime("%H:%M")},
            code="stale",
        )
    household.version = read_version + 1
    for name in HOUSEHOLD_FIELDS:
        if name in data:
            setattr(household, name, data[name])
    _check_village(household.village)
    household.full_clean()

    current = {m.pk: m for m in household.members.active()}
    changed: list[Member] = []
    for item in members:
        member_id = item.get("id")
        if member_id is not None and member_id not in current:
            raise ValidationError(_("This member is no longer in the household; reload the page."), code="member")
        member = _member_from(item, household, current.get(member_id))
        if member.pk:
            current[member.pk] = member
        changed.append(member)
    _check_one_head(list(current.values()) + [m for m in changed if m.pk is None])

    household.save()
    _save_heads_last(changed)
    duplicates_refresh(member_ids=[m.pk for m in changed])
    return household


@transaction.atomic
def member_leave(*, member: Member, left_on: date, reason: str, note: str = "") -> Member:
    """Record that a member left (died, moved, married …); the row stays for the history."""
    if member.left_on is not None:
        raise ValidationError(_("This member has already left the household."), code="left")
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The date cannot be in the future.")}, code="future")
    if member.relationship == Member.Relationship.HEAD and member.household.members.active().exclude(pk=member.pk).exists():
        raise ValidationError(_("Make another member the head of the household before the head leaves."), code="head_leaves")
    member.left_on = left_on
    member.left_reason = reason
    member.left_note = note
    member.full_clean(exclude=["household"])
    member.save()
    _bump_version(member.household)
    duplicates_refresh(member_ids=[member.pk])
    return member


def _transfer(member: Member, *, to: Household, relationship: str, on: date, reason: str) -> Member:
    """Close ``member`` in its household and open a copy in ``to``."""
    copy = Member(household=to)
    for name in MEMBER_FIELDS:
        setattr(copy, name, getattr(member, name))
    copy.relationship = relationship
    member.left_on = on
    member.left_reason = reason
    member.left_note = _("Now in household %(code)s") % {"code": to.code}
    member.full_clean(exclude=["household"])
    member.save()
    copy.full_clean(exclude=["household"])
    copy.save()
    duplicate_decisions_carry_over(old=member, new=copy)
    duplicates_refresh(member_ids=[member.pk, copy.pk])
    return copy


@transaction.atomic
def household_split(
    *,
    household: Household,
    members: Sequence[Member],
    new_head: Member,
    code: str,
    address: str = "",
    on: date | None = None,
) -> Household:
    """Move ``members`` into a new household in the same village; ``new_head`` becomes its head.

    The old household keeps its head: to split the head off, make someone else the head first.
    """
    on = on or timezone.localdate()
    ids = {m.pk for m in members}
    active = {m.pk: m for m in household.members.active()}
    if not ids or not ids <= active.keys():
        raise ValidationError(_("Choose members who live in this household now."), code="members")
    if new_head.pk not in ids:
        raise ValidationError(_("The new head must be one of the members who move."), code="new_head")
    if any(active[i].relationship == Member.Relationship.HEAD for i in ids):
        raise ValidationError(
            _("The head stays in this household; make another member the head first to split the head off."),
            code="head_moves",
        )
    new = Household(village=household.village, code=code, address=address or household.address, phone=household.phone)
    new.full_clean()
    new.save()
    for member_id in sorted(ids, key=lambda i: i == new_head.pk):
        member = active[member_id]
        relationship = Member.Relationship.HEAD if member_id == new_head.pk else member.relationship
        _transfer(member, to=new, relationship=relationship, on=on, reason=Member.LeftReason.SPLIT)
    _bump_version(household)
    return new


@transaction.atomic
def member_move(*, member: Member, to: Household, relationship: str, on: date | None = None) -> Member:
    """Move an active member into another active household (the caller checks the user may edit both)."""
    on = on or timezone.localdate()
    if member.left_on is not None:
        raise ValidationError(_("This member has already left the household."), code="left")
    if to.pk == member.household_id:
        raise ValidationError(_("Choose a different household."), code="same")
    if to.status != Household.Status.ACTIVE:
        raise ValidationError(_("That household has left the area."), code="inactive")
    if member.relationship == Member.Relationship.HEAD and member.household.members.active().exclude(pk=member.pk).exists():
        raise ValidationError(_("Make another member the head of the household before the head leaves."), code="head_leaves")
    if relationship == Member.Relationship.HEAD and to.members.active().filter(relationship=Member.Relationship.HEAD).exists():
        raise ValidationError(_("That household already has a head."), code="two_heads")
    copy = _transfer(member, to=to, relationship=relationship, on=on, reason=Member.LeftReason.MOVED)
    _bump_version(member.household)
    _bump_version(to)
    return copy


def id_number_reveal(*, user, member: Member, reason: str = "") -> str:
    """Log that ``user`` saw ``member``'s full ID number and return it (the caller checks the role)."""
    IdNumberReveal.objects.create(user=user, member=member, reason=reason)
    return member.id_number


def id_number_digest(number: str) -> str:
    """A keyed digest of an ID number: equal numbers give equal digests, and without the SECRET_KEY
    the 10^4 numbers a masked one leaves open cannot be tried against it."""
    return salted_hmac("households.IdNumberSearch", citizen_ids.normalize(number)).hexdigest()


def id_number_search(*, user, number: str, households: QuerySet[Household], throttled: bool) -> list[int] | None:
    """Search ``households`` (already scoped to ``user``) for a member holding the whole ID number
    ``number`` and record the search. Returns the ids of the households found, or None when
    ``throttled`` and the user already made ``ID_SEARCHES_PER_HOUR`` searches in the last hour (the
    refusal is recorded too; it does not count towards the limit).

    The caller checks that ``number`` is a whole number and decides ``throttled`` (the roles that see
    masked numbers: each search is a guess at a hidden number).
    """
    number = citizen_ids.normalize(number)
    record = {"user": user, "number_masked": citizen_ids.mask(number), "number_digest": id_number_digest(number)}
    if throttled:
        since = timezone.now() - timedelta(hours=1)
        done = IdNumberSearch.objects.filter(user=user, refused=False, searched_at__gte=since).count()
        if done >= settings.ID_SEARCHES_PER_HOUR:
            IdNumberSearch.objects.create(**record, refused=True)
            return None
    members = Member.objects.filter(id_number=number)
    found = list(households.filter(pk__in=members.values("household_id")).values_list("pk", flat=True))
    IdNumberSearch.objects.create(**record, found=len(found))
    return found


def id_numbers_disclosed(*, user, kind: str, households: QuerySet[Household], detail: str = "") -> IdNumberDisclosure:
    """Record that ``user`` saw or downloaded the full ID numbers of ``households`` (a page or a file).

    Three queries whatever the number of households (plus the savepoint): their ids, the record, its
    households in batches of 5,000."""
    ids = list(households.order_by().values_list("pk", flat=True).distinct())
    through = IdNumberDisclosure.households.through
    with transaction.atomic():
        disclosure = IdNumberDisclosure.objects.create(user=user, kind=kind, detail=detail[:255], household_count=len(ids))
        through.objects.bulk_create(
            [through(idnumberdisclosure_id=disclosure.pk, household_id=pk) for pk in ids], batch_size=5000
        )
    return disclosure


@transaction.atomic
def members_from_survey(
    *,
    household: Household,
    added: Sequence[Mapping[str, Any]] = (),
    changed: Sequence[tuple[Member, Mapping[str, Any]]] = (),
    left: Sequence[tuple[Member, str]] = (),
    on: date,
    reason: str,
) -> list[Member]:
    """The registry follows the members the village head surveyed: people added (with their relationship
    to the head), corrections of who they are (name, birth date, sex) and of the facts both keep, and people
    no longer in the household (they leave on ``on`` with the reason given, never deleted). Checked as any
    registry change is (one head, valid values, the head leaves last); each row's history says why.
    Returns the members created, in the order of ``added``."""
    active = {m.pk: m for m in household.members.active().select_for_update()}
    for member, _data in (*changed, *left):
        if member.pk not in active:
            raise ValidationError(
                _("%(name)s is no longer in this household's register; reload the page.") % {"name": member.full_name},
                code="member",
            )
    edited: list[Member] = []
    for member, data in changed:
        person = active[member.pk]
        before = {name: getattr(person, name) for name in MEMBER_FIELDS}
        _member_from(data, household, person)
        if {name: getattr(person, name) for name in MEMBER_FIELDS} != before:
            edited.append(person)
    created = [_member_from(data, household) for data in added]
    leaving = []
    for member, left_reason in left:
        person = active[member.pk]
        person.left_on, person.left_reason = on, left_reason
        person.left_note = reason[:255]
        person.full_clean(exclude=["household"])
        leaving.append(person)
    staying = [m for m in active.values() if m.left_on is None] + created
    if not staying:
        raise ValidationError(_("A household has at least one member."), code="members")
    head_stays = any(m.relationship == Member.Relationship.HEAD for m in staying)
    if not head_stays and any(m.relationship == Member.Relationship.HEAD for m in leaving):
        raise ValidationError(_("Make another member the head of the household before the head leaves."), code="head_leaves")
    _check_one_head(staying)
    for person in (*leaving, *edited, *created):
        person._change_reason = reason[:100]
    for person in leaving:  # first: a head who leaves frees the "one active head" constraint
        person.save()
    _save_heads_last([*edited, *created])
    if leaving or edited or created:
        _bump_version(household)
        duplicates_refresh(member_ids=[p.pk for p in (*leaving, *edited, *created)])
    return created
