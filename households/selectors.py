"""Reads of the territory and the registry, already scoped to the user."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, StrIndex, Substr
from django.utils.translation import gettext as _

from households import citizen_ids, names
from households.models import (
    AccountEvent,
    AdminUnit,
    Assignment,
    DuplicateCandidate,
    DuplicateDecision,
    Household,
    ImportJob,
    Member,
)
from households.names import natural_sorted


def child_code(unit: AdminUnit, path_field: str):
    """Database expression: the code of ``unit``'s child that a row under ``unit`` belongs to,
    cut from a materialised path such as "/48/492/20236/20236-001/"."""
    start = len(unit.path) + 1
    rest = Substr(path_field, start)
    return Substr(path_field, start, StrIndex(rest, Value("/")) - 1)


def household_counts_by_child(unit: AdminUnit) -> dict[str, int]:
    """Active households under each direct child of ``unit``, in one grouped query."""
    rows = (
        Household.objects.active()
        .filter(village__path__startswith=unit.path)
        .exclude(village_id=unit.pk)
        .annotate(child=child_code(unit, "village__path"))
        .values("child")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["child"]: row["n"] for row in rows}


def children_with_counts(unit: AdminUnit) -> list[AdminUnit]:
    """Direct children of ``unit`` with ``household_count``: two queries whatever the size."""
    counts = household_counts_by_child(unit) if unit.level != AdminUnit.Level.VILLAGE else {}
    children = natural_sorted(unit.children.current())
    for child in children:
        child.household_count = counts.get(child.code, 0)
    return children


# --- Households and members ---------------------------------------------------------------------


def household_scope(user) -> QuerySet[Household]:
    """Households the user may see, in the list's order (household code: the village's code leads it,
    so the order follows the territory), with their village; nothing computed yet."""
    return Household.objects.visible_to(user).select_related("village").order_by("code")


def _head() -> QuerySet[Member]:
    return Member.objects.filter(household=OuterRef("pk"), relationship=Member.Relationship.HEAD, left_on__isnull=True)


def household_list(user) -> QuerySet[Household]:
    """Households the user may see, with the head's name, the head's ID number and the number of
    active members computed in the database: one query for the whole list (the export's rows)."""
    head = _head()
    return household_scope(user).annotate(
        head_name=Subquery(head.values("full_name")[:1]),
        head_id_number=Subquery(head.values("id_number")[:1]),
        head_date_of_birth=Subquery(head.values("date_of_birth")[:1]),
        member_count=Count("members", filter=Q(members__left_on__isnull=True)),
    )


def _with_row_details(queryset: QuerySet[Household]) -> QuerySet[Household]:
    """The head's name and the active members' number as subqueries of each row: PostgreSQL computes
    them for the rows the LIMIT keeps, where ``Count("members")`` grouped every member in scope first."""
    active = (
        Member.objects.filter(household=OuterRef("pk"), left_on__isnull=True)
        .order_by()
        .values("household")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(
        head_name=Subquery(_head().values("full_name")[:1]),
        member_count=Coalesce(Subquery(active), 0),
    )


@dataclass
class HouseholdPage:
    """One page of the household list, reached by keyset: the rows after (or before) a household code.

    No page counts the scope: the links carry the code of the last (or first) row shown, and the next
    page is an index range scan on ``code`` that stops after one row more than the page holds."""

    object_list: list[Household]
    has_next: bool
    has_previous: bool

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_after(self) -> str:
        return self.object_list[-1].code if self.object_list else ""

    @property
    def previous_before(self) -> str:
        return self.object_list[0].code if self.object_list else ""


def household_page(queryset: QuerySet[Household], *, after: str = "", before: str = "", size: int = 50) -> HouseholdPage:
    """The ``size`` households of ``queryset`` (the list's filtered scope) that follow the code ``after``
    or precede the code ``before`` (the first page without either), in code order: one query."""
    if before:
        rows = list(_with_row_details(queryset.filter(code__lt=before).order_by("-code"))[: size + 1])
        return HouseholdPage(rows[:size][::-1], has_next=True, has_previous=len(rows) > size)
    if after:
        queryset = queryset.filter(code__gt=after)
    rows = list(_with_row_details(queryset.order_by("code"))[: size + 1])
    return HouseholdPage(rows[:size], has_next=len(rows) > size, has_previous=bool(after))


def looks_like_code(text: str) -> bool:
    """A household code has a digit and no space ("20236-001-00012", "HH-1"); a name has neither."""
    return " " not in text and any(ch.isdigit() for ch in text)


def households_matching(queryset: QuerySet[Household], text: str) -> QuerySet[Household]:
    """Search by household code or a member's name, decided by the shape of the text, never both at
    once (an OR of the two kinds leaves no index usable):

    * a code (a digit, no space): the codes that start with it (an index range on ``code``);
    * a name: every word, diacritics folded, inside the member's ``name_key`` ("nguyen van nam" and
      "Nguyễn Nam" both find "Nguyễn Văn Nam"); PostgreSQL answers from a trigram index on the column.

    ID numbers are searched by ``households.services.id_number_search`` (whole numbers only, recorded,
    throttled), never here."""
    text = " ".join(text.split())
    if not text:
        return queryset
    if looks_like_code(text):
        prefixes = Q(code__startswith=text)
        if text.upper() != text:
            prefixes |= Q(code__startswith=text.upper())
        return queryset.filter(prefixes)
    members = Member.objects.all()
    for word in names.name_key(text).split():
        members = members.filter(name_key__contains=word)
    return queryset.filter(pk__in=members.values("household_id"))


def duplicate_members(user, members: Iterable[Member]) -> dict[int, list[Member]]:
    """For each of ``members``, the other ACTIVE members anywhere in the city with the same ID number
    that ``user`` may see (one query). The caller shows them next to the member."""
    by_number: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        if member.id_number and member.left_on is None:
            by_number[member.id_number].append(member)
    if not by_number:
        return {}
    others = (
        Member.objects.visible_to(user)
        .active()
        .filter(id_number__in=list(by_number))
        .select_related("household")
        .order_by("household__code", "id")
    )
    result: dict[int, list[Member]] = defaultdict(list)
    for other in others:
        for member in by_number[other.id_number]:
            if other.pk != member.pk:
                result[member.pk].append(other)
    return dict(result)


# What the duplicate review's filter offers: undecided pairs, decided ones, or both.
DUPLICATE_STATES = ("open", "decided", "all")


def _live_open() -> Q:
    """An undecided pair whose two records are both still active. The table is refreshed by every
    write of the portal; this keeps the page right even after a write outside it (a repair by hand)
    until ``find_duplicates`` runs."""
    return Q(member_a__left_on__isnull=True, member_b__left_on__isnull=True)


def duplicate_candidates(user, *, kind: str = "", state: str = "open") -> QuerySet[DuplicateCandidate]:
    """The possible duplicates the user may see (either record in their area), in the page's order
    (rule, shared key, id: the pairs of one group sit together), with both records, their households,
    villages and wards and the decider in the same query."""
    queryset = DuplicateCandidate.objects.visible_to(user)
    if state == "decided":
        queryset = queryset.decided()
    elif state == "all":
        queryset = queryset.filter(
            Q(status__in=DuplicateCandidate.DECIDED) | Q(_live_open(), status=DuplicateCandidate.Status.OPEN)
        )
    else:
        queryset = queryset.undecided().filter(_live_open())
    if kind in DuplicateCandidate.Kind.values:
        queryset = queryset.filter(kind=kind)
    return queryset.select_related(
        "member_a__household__village__parent", "member_b__household__village__parent", "decided_by"
    ).order_by("kind", "key", "id")


def duplicate_counts(user) -> dict[str, dict[str, int]]:
    """{kind: {"open": n, "decided": n}} for the user's area, in one grouped query."""
    counts: dict[str, dict[str, int]] = {kind: {"open": 0, "decided": 0} for kind in DuplicateCandidate.Kind.values}
    rows = (
        DuplicateCandidate.objects.visible_to(user)
        .filter(Q(status__in=DuplicateCandidate.DECIDED) | Q(_live_open(), status=DuplicateCandidate.Status.OPEN))
        .values_list("kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for kind, status, n in rows:
        counts[kind]["open" if status == DuplicateCandidate.Status.OPEN else "decided"] += n
    return counts


def duplicate_decisions(candidate: DuplicateCandidate) -> list[DuplicateDecision]:
    return list(candidate.decisions.select_related("actor").order_by("-at", "-id"))


# --- Change history -------------------------------------------------------------------------------


@dataclass
class Change:
    when: datetime
    who: str
    what: str  # "household" or the member's name
    kind: str  # "+", "~", "-"
    fields: list[tuple[str, str, str]]  # (verbose name, old, new)


def _display(model, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    field = model._meta.get_field(name)
    if name == "id_number":
        return citizen_ids.mask(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _diff(model, records, tracked: list[str], label) -> list[Change]:
    changes = []
    previous = None
    for record in records:  # oldest first
        fields = []
        for name in tracked:
            old = getattr(previous, name) if previous is not None else None
            new = getattr(record, name)
            if previous is None and new in (None, ""):
                continue
            if old != new:
                verbose = str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
                display_name = name.removesuffix("_id")
                fields.append((verbose, _display(model, display_name, old), _display(model, display_name, new)))
        if fields or record.history_type != "~":
            user = record.history_user
            changes.append(
                Change(record.history_date, user.get_username() if user else "", label(record), record.history_type, fields)
            )
        previous = record
    return changes


def household_history(household: Household, limit: int = 100) -> list[Change]:
    """Who changed what and when, for the household, its members and the duplicate review's decisions
    on them (three queries)."""
    household_fields = ["village_id", "address", "phone", "in_agriculture", "notes", "status", "left_on", "code"]
    # The matching key is derived from the name (not in the history); a merge's pointer is told by its note.
    skipped = ("id", "version", "name_key", "merged_into_id")
    member_fields = [f.attname for f in Member._meta.concrete_fields if f.attname not in skipped]
    h_records = list(household.history.select_related("history_user", "village").order_by("history_date", "history_id"))
    for record in h_records:
        record.village_id = record.village.name if record.village_id else None  # show the name, not the id
    changes = _diff(Household, h_records, household_fields, lambda r: str(_("Household")))
    m_records = (
        Member.history.filter(household_id=household.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    by_member: dict[int, list] = defaultdict(list)
    for record in m_records:
        by_member[record.id].append(record)
    member_fields = [f for f in member_fields if f != "household_id"]
    for records in by_member.values():
        changes += _diff(Member, records, member_fields, lambda r: r.full_name)
    changes += _duplicate_changes(household)
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]


def _duplicate_changes(household: Household) -> list[Change]:
    """The duplicate review's decisions on the household's members, as lines of its history."""
    decisions = (
        DuplicateDecision.objects.filter(
            Q(candidate__member_a__household=household) | Q(candidate__member_b__household=household)
        )
        .select_related("actor", "candidate__member_a", "candidate__member_b")
        .order_by("at", "id")
    )
    changes = []
    for decision in decisions:
        pair = (decision.candidate.member_a, decision.candidate.member_b)
        mine = pair[0] if pair[0].household_id == household.pk else pair[1]
        changes.append(
            Change(
                decision.at,
                decision.actor.get_username(),
                mine.full_name,
                "~",
                [(str(_("duplicate review")), decision.get_action_display(), decision.reason)],
            )
        )
    return changes


def import_jobs_recent(user, limit: int = 10) -> QuerySet[ImportJob]:
    """The user's own latest imports, newest first (nobody else's: a job is its importer's)."""
    return ImportJob.objects.filter(user=user).defer("errors").order_by("-created_at")[:limit]


def village_heads(ward: AdminUnit) -> list[AdminUnit]:
    """The ward's current villages, each with ``head_assignments`` (village-head accounts, the current
    one first, then former heads newest first), in two queries whatever the number of villages."""
    heads = Assignment.objects.heads().select_related("user").order_by(F("ended_at").desc(nulls_first=True), "-id")
    villages = AdminUnit.objects.villages().current().filter(parent=ward).order_by("path")
    return list(villages.prefetch_related(Prefetch("assignments", queryset=heads, to_attr="head_assignments")))


def account_events(unit: AdminUnit, limit: int = 20) -> list:
    """The latest account changes under ``unit`` (one query)."""
    return list(AccountEvent.objects.filter(unit__path__startswith=unit.path).select_related("account", "actor", "unit")[:limit])
