"""The duplicate review: which member records may be one person, and the ward's decisions on them.

The rule (exact, on indexed columns; see the README's *Data quality*):

- **same ID number**: two *active* members holding the same citizen ID number, in two households or
  in the same one;
- **same name and date of birth**: two active members of *different* households whose full names are
  equal once diacritics, đ, case and spacing are folded (``households.names.name_key``) and who were
  born on the same day. This finds a person recorded without an ID number, or with a mistyped one.

The pairs live in ``DuplicateCandidate`` so that the page reads one indexed table and never groups the
city's members per request. Every write of the registry's services (and the import, the admin, the
review's own merge) calls ``duplicates_refresh`` for the members it touched, in its transaction;
``manage.py find_duplicates`` recomputes the whole table (after a write outside the portal, and once
after a migration or a demo seed). Two refreshes at once are safe: a pair is one row (unique
constraint, inserts ignore a conflict) and status changes are conditional updates.

Decisions (``duplicate_mark_distinct``, ``duplicate_merge``, ``duplicate_withdraw``) carry the version
they were read at, as household edits do, and write a ``DuplicateDecision`` (who, when, why, what).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from households.access import scope_of
from households.models import DuplicateCandidate, DuplicateDecision, Household, Member

Kind = DuplicateCandidate.Kind
Status = DuplicateCandidate.Status

# The values a merge never overwrites silently: when the two records differ, the officer chooses.
COMPARED_FIELDS = ("full_name", "date_of_birth", "sex", "id_number")
CHUNK = 500


@dataclass(frozen=True)
class _Record:
    pk: int
    household_id: int
    id_number: str
    name_key: str
    date_of_birth: dt.date
    active: bool


_RECORD_FIELDS = ("pk", "household_id", "id_number", "name_key", "date_of_birth", "left_on")


def _records(queryset: QuerySet[Member]) -> Iterator[_Record]:
    for pk, household_id, number, key, born, left_on in queryset.order_by().values_list(*_RECORD_FIELDS):
        yield _Record(pk, household_id, number, key, born, left_on is None)


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _number_key(number: str) -> str:
    # The table keeps a keyed digest, not a second copy of the number: equal numbers, equal keys.
    return salted_hmac("households.DuplicateCandidate", number).hexdigest()


def _desired(records: Iterable[_Record], touched: set[int] | None) -> dict[tuple[int, int], tuple[str, str]]:
    """The pairs the rule finds among active ``records`` (only those with a member of ``touched``,
    unless None): {(member_a, member_b): (kind, key)}. The ID number wins over name and birth date."""
    by_number: dict[str, list[_Record]] = defaultdict(list)
    by_name: dict[tuple[str, dt.date], list[_Record]] = defaultdict(list)
    for record in records:
        if not record.active:
            continue
        if record.id_number:
            by_number[record.id_number].append(record)
        if record.name_key:
            by_name[(record.name_key, record.date_of_birth)].append(record)
    pairs: dict[tuple[int, int], tuple[str, str]] = {}

    def add(group: list[_Record], kind: str, key: str, same_household: bool) -> None:
        for a, b in combinations(sorted(group, key=lambda r: r.pk), 2):
            if touched is not None and a.pk not in touched and b.pk not in touched:
                continue
            if same_household or a.household_id != b.household_id:
                pairs[(a.pk, b.pk)] = (kind, key)

    for (name, born), group in by_name.items():
        if len(group) > 1:
            add(group, Kind.NAME_BIRTH, f"{name}|{born.isoformat()}", same_household=False)
    for number, group in by_number.items():
        if len(group) > 1:
            add(group, Kind.ID_NUMBER, _number_key(number), same_household=True)
    return pairs


@dataclass
class RefreshReport:
    found: int = 0  # new pairs
    reopened: int = 0  # pairs that match again
    gone: int = 0  # open pairs that no longer match

    def __iadd__(self, other: RefreshReport) -> RefreshReport:
        self.found += other.found
        self.reopened += other.reopened
        self.gone += other.gone
        return self


def _sync(desired: dict[tuple[int, int], tuple[str, str]], existing: Iterable[tuple]) -> RefreshReport:
    """Make the candidate rows in ``existing`` (pk, a, b, status, kind, key) agree with ``desired``:
    insert the new pairs, mark open pairs that no longer match ``gone``, reopen gone pairs that match
    again. Decided pairs keep their decision whatever the records say now."""
    report = RefreshReport()
    seen: dict[tuple[int, int], tuple] = {(a, b): (pk, status, kind, key) for pk, a, b, status, kind, key in existing}
    new = [
        DuplicateCandidate(member_a_id=a, member_b_id=b, kind=kind, key=key)
        for (a, b), (kind, key) in desired.items()
        if (a, b) not in seen
    ]
    if new:
        # A refresh running at the same time may insert the same pair: the constraint keeps one row.
        DuplicateCandidate.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        report.found = len(new)
    gone = [pk for pair, (pk, status, _k, _key) in seen.items() if status == Status.OPEN and pair not in desired]
    for chunk in _chunks(gone):
        report.gone += DuplicateCandidate.objects.filter(pk__in=chunk, status=Status.OPEN).update(
            status=Status.GONE, version=F("version") + 1
        )
    for pair, (pk, status, kind, key) in seen.items():
        if pair not in desired:
            continue
        want_kind, want_key = desired[pair]
        if status == Status.GONE:
            report.reopened += DuplicateCandidate.objects.filter(pk=pk, status=Status.GONE).update(
                status=Status.OPEN, kind=want_kind, key=want_key, version=F("version") + 1
            )
        elif (kind, key) != (want_kind, want_key):
            DuplicateCandidate.objects.filter(pk=pk).update(kind=want_kind, key=want_key)
    return report


_EXISTING = ("pk", "member_a_id", "member_b_id", "status", "kind", "key")


def duplicates_refresh(*, member_ids: Iterable[int] = (), household_ids: Iterable[int] = ()) -> RefreshReport:
    """Recompute the pairs of the given members (and of every member of ``household_ids``): a few
    indexed queries per 500 members, whatever the size of the city."""
    ids = set(member_ids)
    household_ids = sorted(set(household_ids))
    for chunk in _chunks(household_ids):
        ids.update(Member.objects.filter(household_id__in=chunk).values_list("pk", flat=True))
    report = RefreshReport()
    for chunk in _chunks(sorted(ids)):
        mine = list(_records(Member.objects.filter(pk__in=chunk)))
        active = [r for r in mine if r.active]
        numbers = sorted({r.id_number for r in active if r.id_number})
        names = sorted({r.name_key for r in active if r.name_key})
        births = sorted({r.date_of_birth for r in active if r.name_key})
        # Each branch repeats its partial index's condition, so that the planner can use both indexes.
        match = Q(pk__in=[])
        if numbers:
            match |= Q(id_number__in=numbers) & ~Q(id_number="")
        if names:
            match |= Q(name_key__in=names, date_of_birth__in=births) & ~Q(name_key="")
        records = {r.pk: r for r in _records(Member.objects.active().filter(match))} if active else {}
        records.update({r.pk: r for r in mine})
        desired = _desired(records.values(), set(chunk))
        existing = DuplicateCandidate.objects.filter(Q(member_a_id__in=chunk) | Q(member_b_id__in=chunk))
        report += _sync(desired, existing.values_list(*_EXISTING))
    return report


def duplicates_rebuild() -> RefreshReport:
    """Recompute the whole table from the registry (``manage.py find_duplicates``): two grouped
    queries over the partial indexes, then only the members of the groups found."""
    active = Member.objects.active().order_by()
    numbers = list(
        active.exclude(id_number="")
        .values("id_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("id_number", flat=True)
    )
    name_groups = set(
        active.exclude(name_key="")
        .values("name_key", "date_of_birth")
        .annotate(n=Count("household_id", distinct=True))
        .filter(n__gt=1)
        .values_list("name_key", "date_of_birth")
    )
    records: dict[int, _Record] = {}
    for chunk in _chunks(numbers):
        records.update((r.pk, r) for r in _records(active.exclude(id_number="").filter(id_number__in=chunk)))
    for chunk in _chunks(sorted({name for name, _born in name_groups})):
        found = _records(active.exclude(name_key="").filter(name_key__in=chunk))
        records.update((r.pk, r) for r in found if (r.name_key, r.date_of_birth) in name_groups)
    with transaction.atomic():
        return _sync(_desired(records.values(), None), DuplicateCandidate.objects.values_list(*_EXISTING))


def duplicate_decisions_carry_over(*, old: Member, new: Member) -> None:
    """A member moved or split off gets a new record: the pairs the ward decided were distinct people
    stay decided for the new record too (otherwise the move would bring them back)."""
    distinct = DuplicateCandidate.objects.filter(Q(member_a=old) | Q(member_b=old), status=Status.DISTINCT)
    rows = []
    for candidate in distinct:
        other = candidate.member_b_id if candidate.member_a_id == old.pk else candidate.member_a_id
        a, b = sorted((new.pk, other))
        rows.append(
            DuplicateCandidate(
                member_a_id=a,
                member_b_id=b,
                kind=candidate.kind,
                key=candidate.key,
                status=Status.DISTINCT,
                decided_by_id=candidate.decided_by_id,
                decided_at=candidate.decided_at,
                reason=candidate.reason,
            )
        )
    if rows:
        DuplicateCandidate.objects.bulk_create(rows, ignore_conflicts=True)


# ----------------------------------------------------------------------------- decisions


def _stale() -> ValidationError:
    return ValidationError(
        _("Someone else decided or changed this pair meanwhile; reload the page and check it before deciding."),
        code="stale",
    )


def _claim(candidate: DuplicateCandidate, read_version: int, *, status_from: Iterable[str], **fields) -> None:
    """``UPDATE … SET version = version + 1 WHERE id = … AND version = read_version``: of two officers
    deciding the same pair at once, exactly one matches a row; the other is refused."""
    claimed = DuplicateCandidate.objects.filter(pk=candidate.pk, version=read_version, status__in=list(status_from)).update(
        version=F("version") + 1, **fields
    )
    if not claimed:
        raise _stale()
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.version = read_version + 1


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why.")}, code="reason")
    return reason[:255]


def _bump(*households: Household) -> None:
    Household.objects.filter(pk__in={h.pk for h in households}).update(version=F("version") + 1, updated_at=timezone.now())


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _from_json(field: str, value: Any) -> Any:
    return dt.date.fromisoformat(value) if field == "date_of_birth" and value else value


def differing_fields(a: Member, b: Member) -> list[str]:
    """The compared values the two records hold differently (a merge asks which one to keep)."""
    return [name for name in COMPARED_FIELDS if getattr(a, name) != getattr(b, name)]


def _pair(candidate: DuplicateCandidate) -> tuple[Member, Member]:
    members = list(
        Member.objects.select_for_update(of=("self",))
        .select_related("household__village")
        .filter(pk__in=[candidate.member_a_id, candidate.member_b_id])
        .order_by("pk")
    )
    return members[0], members[1]


@transaction.atomic
def duplicate_mark_distinct(*, user, candidate: DuplicateCandidate, read_version: int, reason: str) -> DuplicateCandidate:
    """The two records are two people: the pair is closed and no refresh opens it again."""
    reason = _reason(reason)
    _claim(
        candidate,
        read_version,
        status_from=[Status.OPEN],
        status=Status.DISTINCT,
        decided_by=user,
        decided_at=timezone.now(),
        reason=reason,
        kept=None,
    )
    DuplicateDecision.objects.create(candidate=candidate, action=DuplicateDecision.Action.DISTINCT, actor=user, reason=reason)
    return candidate


@transaction.atomic
def duplicate_merge(
    *,
    user,
    candidate: DuplicateCandidate,
    read_version: int,
    keep_id: int,
    choices: Mapping[str, str],
    reason: str,
    today: dt.date | None = None,
) -> Member:
    """The two records are one person: ``keep_id``'s household keeps them, the other record leaves
    with reason "merged" and a pointer to the one kept. Where the two differ (``differing_fields``)
    ``choices`` must say which value is right ("a" or "b", for member_a and member_b): nothing is
    overwritten without it. The officer must cover the record closed, and the record kept too if
    one of its values changes."""
    reason = _reason(reason)
    today = today or timezone.localdate()
    a, b = _pair(candidate)
    if keep_id not in (a.pk, b.pk):
        raise ValidationError({"keep": _("Choose which household keeps the person.")}, code="keep")
    kept, closed = (a, b) if keep_id == a.pk else (b, a)
    scope = scope_of(user)
    if not scope.covers(closed.household.village):
        raise ValidationError(
            _("The record to close is in a household outside your area: only its own ward/commune can close it."),
            code="closed_outside",
        )
    if not (kept.is_active and closed.is_active):
        raise _stale()
    missing = [name for name in differing_fields(a, b) if choices.get(name) not in ("a", "b")]
    if missing:
        raise ValidationError(
            {name: _("The two records differ here: choose the value to keep.") for name in missing}, code="choose"
        )
    changed: dict[str, list] = {}
    for name in differing_fields(a, b):
        value = getattr(a if choices[name] == "a" else b, name)
        if getattr(kept, name) != value:
            changed[name] = [_json(getattr(kept, name)), _json(value)]
            setattr(kept, name, value)
    if changed and not scope.covers(kept.household.village):
        raise ValidationError(
            _("The record kept is in a household outside your area: keep its values, or let its ward/commune decide."),
            code="kept_outside",
        )
    if closed.relationship == Member.Relationship.HEAD and closed.household.members.active().exclude(pk=closed.pk).exists():
        raise ValidationError(
            _("The record to close is the head of its household: make another member the head first."), code="head"
        )
    _claim(
        candidate,
        read_version,
        status_from=[Status.OPEN],
        status=Status.MERGED,
        decided_by=user,
        decided_at=timezone.now(),
        reason=reason,
        kept=kept,
    )
    closed.left_on = today
    closed.left_reason = Member.LeftReason.MERGED
    closed.left_note = (
        _("Same person as %(name)s (household %(code)s)") % {"name": kept.full_name, "code": kept.household.code}
    )[:255]
    closed.merged_into = kept
    closed._history_user = user
    closed.full_clean(exclude=["household"])
    closed.save()
    if changed:
        kept._history_user = user
        kept.full_clean(exclude=["household"])
        kept.save()
    _bump(kept.household, closed.household)
    DuplicateDecision.objects.create(
        candidate=candidate,
        action=DuplicateDecision.Action.MERGE,
        actor=user,
        reason=reason,
        data={"kept": kept.pk, "closed": closed.pk, "changed": changed},
    )
    duplicates_refresh(member_ids=[a.pk, b.pk])
    return kept


@transaction.atomic
def duplicate_withdraw(*, user, candidate: DuplicateCandidate, read_version: int, reason: str) -> DuplicateCandidate:
    """Undo a decision: the pair is undecided again. Undoing a merge brings the closed record back and
    puts back the kept record's values the merge took from it (unless someone changed them since)."""
    reason = _reason(reason)
    data: dict[str, Any] = {}
    a, b = _pair(candidate)
    if candidate.status == Status.MERGED:
        merge = candidate.decisions.filter(action=DuplicateDecision.Action.MERGE).order_by("-at", "-id").first()
        kept, closed = (a, b) if candidate.kept_id == a.pk else (b, a)
        scope = scope_of(user)
        if not scope.covers(closed.household.village):
            raise ValidationError(
                _("The record closed is in a household outside your area: only its own ward/commune can restore it."),
                code="closed_outside",
            )
        if closed.merged_into_id != kept.pk or closed.left_reason != Member.LeftReason.MERGED or not kept.is_active:
            raise ValidationError(_("The records changed after the merge; restore the closed record by hand."), code="changed")
        if (
            closed.relationship == Member.Relationship.HEAD
            and closed.household.members.active().filter(relationship=Member.Relationship.HEAD).exists()
        ):
            raise ValidationError(
                _("The household of the closed record has another head now: it cannot come back as head."),
                code="head",
            )
        changed = (merge.data.get("changed") if merge else None) or {}
        restored, kept_newer = {}, []
        for name, (before, after) in changed.items():
            if _json(getattr(kept, name)) == after:
                setattr(kept, name, _from_json(name, before))
                restored[name] = [after, before]
            else:
                kept_newer.append(name)  # changed again since the merge: the newer value stays
        if restored and not scope.covers(kept.household.village):
            raise ValidationError(
                _("The record kept is in a household outside your area: only its own ward/commune can undo this merge."),
                code="kept_outside",
            )
        _claim(
            candidate,
            read_version,
            status_from=[Status.MERGED],
            status=Status.OPEN,
            decided_by=None,
            decided_at=None,
            reason="",
            kept=None,
        )
        closed.left_on = None
        closed.left_reason = ""
        closed.left_note = ""
        closed.merged_into = None
        closed._history_user = user
        if restored:
            kept._history_user = user
            kept.full_clean(exclude=["household"])
            kept.save()
        closed.full_clean(exclude=["household"])
        try:
            with transaction.atomic():
                closed.save()
        except IntegrityError:
            raise ValidationError(
                _("The closed record cannot come back: its household already has an active member with its ID number."),
                code="conflict",
            ) from None
        _bump(kept.household, closed.household)
        data = {"restored": closed.pk, "values": restored, "kept_newer": kept_newer}
    elif candidate.status == Status.DISTINCT:
        _claim(
            candidate,
            read_version,
            status_from=[Status.DISTINCT],
            status=Status.OPEN,
            decided_by=None,
            decided_at=None,
            reason="",
            kept=None,
        )
    else:
        raise _stale()
    DuplicateDecision.objects.create(
        candidate=candidate, action=DuplicateDecision.Action.WITHDRAW, actor=user, reason=reason, data=data
    )
    duplicates_refresh(member_ids=[a.pk, b.pk])
    candidate.refresh_from_db(fields=["status", "version", "kind", "key"])
    return candidate
