"""History of a case's answers and results: what changed, from what to what, who and when.

``Case``, ``CaseMember`` and ``CaseResult`` carry django-simple-history's ``HistoricalRecords``, but
simple-history records on ``save()`` / ``delete()`` signals, and the services write cases with
conditional UPDATEs (the optimistic lock on ``version``) and members and results in bulk. So the
services record here, through simple-history's own ``bulk_history_create``: one call per model after
the writes of one step, all rows of the step with the same user, time and reason, and no row for an
object whose tracked values did not change.

Rows made in bulk (a round's cases and members, the demo) have no history yet. The first recorded
change of such an object first writes the state it changes *from* (a ``+`` row, reason ``BASELINE``,
dated just before the change), so every change can be shown as before → after.

Reasons are stored as codes (``section:housing``, ``complaint``…) and labelled when shown, so the
history reads in the language of whoever looks at it.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policies import facts as declared
from policies import vocabulary
from policies.explain import format_number, format_vnd
from policies.models import PovertyStandard
from reviews.facts import FROM_REGISTER, case_answer, member_columns
from reviews.models import Case, CaseMember, CaseResult, Class

BASELINE = "baseline"
SCREEN = "screen"
COMPLAINT = "complaint"
COMPLAINT_RESOLVED = "complaint_resolved"
RECLASSIFY = "reclassify"
SECTION_PREFIX = "section:"

REASON_LABELS = {
    SCREEN: gettext_lazy("Quick screen"),
    COMPLAINT: gettext_lazy("Complaint recorded: survey reopened for a re-check"),
    COMPLAINT_RESOLVED: gettext_lazy("Complaint resolved"),
    RECLASSIFY: gettext_lazy("Classified again"),
}


def section_reason(section: str) -> str:
    return f"{SECTION_PREFIX}{section}"


def reason_label(reason: str | None) -> str:
    if reason and reason.startswith(SECTION_PREFIX):
        titles = dict(vocabulary.SECTION_CHOICES)
        section = reason.removeprefix(SECTION_PREFIX)
        return _("Survey section saved: %(section)s") % {"section": titles.get(section, section)}
    label = REASON_LABELS.get(reason or "")
    return str(label) if label else _("Changed")


# ----------------------------------------------------------------------------- recording


def state(obj: models.Model) -> dict[str, object]:
    """The values of ``obj`` that its history tracks (JSON values copied: callers mutate them)."""
    return {f.attname: copy.deepcopy(getattr(obj, f.attname)) for f in type(obj).history.model.tracked_fields}


def tag(obj: models.Model, *, user, reason: str, at: datetime) -> None:
    """Who, why and when, for the row simple-history writes when ``obj`` is next saved or deleted."""
    obj._history_user = user
    obj._change_reason = reason
    obj._history_date = at


def baseline(model: type[models.Model], changes: list[tuple[models.Model, dict]], *, at: datetime) -> None:
    """Before the first recorded change of an object made in bulk, record the state it changes from."""
    if not changes:
        return
    known = set(model.history.filter(id__in=[obj.pk for obj, _before in changes]).values_list("id", flat=True).distinct())
    rows = []
    for obj, before in changes:
        if obj.pk in known:
            continue
        old = model(**before)
        tag(old, user=None, reason=BASELINE, at=at - timedelta(microseconds=1))
        rows.append(old)
    if rows:
        model.history.bulk_history_create(rows)


def record(changes: list[tuple[models.Model, dict]], *, user, reason: str, at: datetime | None = None) -> int:
    """Record each ``(object, state before)`` whose tracked values changed; returns how many were."""
    changed = [(obj, before) for obj, before in changes if state(obj) != before]
    if not changed:
        return 0
    model = type(changed[0][0])
    at = at or timezone.now()
    baseline(model, changed, at=at)
    model.history.bulk_history_create(
        [obj for obj, _before in changed], update=True, default_user=user, default_change_reason=reason, default_date=at
    )
    return len(changed)


# ----------------------------------------------------------------------------- reading


@dataclass
class Line:
    """One changed answer or figure: ``subject`` (a member, a standard) may be empty."""

    label: str
    before: str
    after: str
    subject: str = ""


@dataclass
class Change:
    """Everything one step changed (a section saved, a complaint recorded…), with who and when."""

    at: datetime
    user: object
    reason: str
    lines: list[Line] = field(default_factory=list)

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)


NONE = gettext_lazy("none")
NOT_ANSWERED = gettext_lazy("not answered")
EMPTY = "—"


def _fact_text(fact: declared.Fact, value: object) -> str:
    """An answer as the survey labels it."""
    if value is None or value == "":
        return str(NOT_ANSWERED)
    if fact.kind == "yes_no":
        return vocabulary.value_label(fact.key, bool(value))
    if fact.kind == "choice":
        return vocabulary.value_label(fact.key, value)
    if fact.kind == "multi_choice":
        chosen = [vocabulary.value_label(fact.key, v) for v in fact.value_keys if v in set(value)]  # type: ignore[arg-type]
        return ", ".join(chosen) if chosen else str(NONE)
    if fact.kind == "money_by_source":
        return format_vnd(value)  # type: ignore[arg-type]
    if fact.kind == "decimal":
        return format_number(value)  # type: ignore[arg-type]
    if fact.kind == "date":
        return value.strftime("%d/%m/%Y")  # type: ignore[attr-defined]
    return str(value)


def _household_lines(before, after, quick_screen_texts: dict[str, str]) -> list[Line]:
    lines = []
    if before.quick_screen != after.quick_screen:

        def met(keys):
            return ", ".join(quick_screen_texts.get(k, k) for k in keys) or str(NONE)

        lines.append(Line(_("Quick screen: criteria met"), met(before.quick_screen), met(after.quick_screen)))
    for fact in declared.HOUSEHOLD_FACTS:
        if fact.key in FROM_REGISTER:
            continue
        old, new = case_answer(before, fact), case_answer(after, fact)
        if old == new:
            continue
        label = str(vocabulary.fact_label(fact.key))
        if fact.kind == "money_by_source":
            # One line per source that changed: the question alone would hide which.
            for source, source_label in vocabulary.fact_choices(fact.key):
                a, b = (old or {}).get(source), (new or {}).get(source)
                if a != b:
                    lines.append(
                        Line(
                            f"{label}: {source_label}",
                            str(NOT_ANSWERED) if a is None else format_vnd(a),
                            str(NOT_ANSWERED) if b is None else format_vnd(b),
                        )
                    )
            continue
        lines.append(Line(label, _fact_text(fact, old), _fact_text(fact, new)))
    if before.result_class != after.result_class:
        classes = dict(Class.choices)
        lines.append(
            Line(
                _("Result"),
                str(classes.get(before.result_class, EMPTY)) if before.result_class else EMPTY,
                str(classes.get(after.result_class, EMPTY)) if after.result_class else EMPTY,
            )
        )
    return lines


def _member_value(row, fact: declared.Fact, columns: set[str]) -> object:
    if fact.key in columns:
        return getattr(row, fact.key)
    raw = (row.answers or {}).get(fact.key)
    return None if raw is None else fact.from_json(raw)


def _member_lines(before, after) -> list[Line]:
    if before is None:
        return [Line(_("Member added"), EMPTY, after.full_name, subject=after.full_name)]
    if after is None:
        return [Line(_("Member removed"), before.full_name, EMPTY, subject=before.full_name)]
    columns = set(member_columns())
    lines = []
    for fact in declared.MEMBER_FACTS:
        old, new = _member_value(before, fact, columns), _member_value(after, fact, columns)
        if old != new:
            lines.append(
                Line(str(vocabulary.fact_label(fact.key)), _fact_text(fact, old), _fact_text(fact, new), subject=after.full_name)
            )
    return lines


def _result_lines(before, after, standard_names: dict[int, str], indicator_names: dict[tuple[int, str], str]) -> list[Line]:
    row = after or before
    subject = standard_names.get(row.standard_id, "")
    classes = dict(Class.choices)

    def klass(r):
        if r is None:
            return EMPTY
        return str(classes[r.household_class]) if r.household_class else _("no class (answers missing)")

    def income(r):
        return EMPTY if r is None else format_vnd(r.income_per_person_month)

    def count(r):
        return EMPTY if r is None else str(r.deprivation_count)

    def deprived(r):
        if r is None:
            return EMPTY
        names = [indicator_names.get((r.standard_id, k), k) for k in r.deprived_keys]
        return ", ".join(names) if names else str(NONE)

    lines = []
    for label, show in (
        (_("Class"), klass),
        (_("Income per person per month"), income),
        (_("Number of deprivations"), count),
        (_("Indicators deprived on"), deprived),
    ):
        old, new = show(before), show(after)
        if old != new:
            lines.append(Line(label, old, new, subject=subject))
    return lines


def _pairs(rows):
    """(before, after, row) for each recorded change of one object, oldest first: ``row`` is the
    history row that says who and when; ``before`` is ``None`` for an object added by a step, ``after``
    for one removed. A baseline, or a row a plain save() created, starts the chain without a change."""
    previous = None
    for row in rows:
        if row.history_type == "+":
            if row.history_change_reason not in (BASELINE, None):
                yield None, row, row
        elif row.history_type == "-":
            yield row, None, row  # the removed object's last state is on its "-" row
        elif previous is not None:
            yield previous, row, row
        previous = None if row.history_type == "-" else row


def _by_object(rows):
    by_object = defaultdict(list)
    for row in rows:
        by_object[row.id].append(row)
    return by_object.values()


def case_changes(case: Case, *, since: datetime | None = None) -> list[Change]:
    """The case's recorded changes, newest first: its answers, its members' answers and its results,
    each step with who and when. ``since`` keeps the changes from then on. Five queries at most,
    however long the history."""
    order = ("history_date", "history_id")
    history = Case.history.filter(id=case.pk).select_related("history_user").order_by(*order)
    members = CaseMember.history.filter(case_id=case.pk).select_related("history_user").order_by(*order)
    results = list(CaseResult.history.filter(case_id=case.pk).select_related("history_user").order_by(*order))
    standard_names: dict[int, str] = {}
    indicator_names: dict[tuple[int, str], str] = {}
    if results:
        standards = PovertyStandard.objects.filter(pk__in={r.standard_id for r in results}).prefetch_related("indicators")
        for standard in standards:
            standard_names[standard.pk] = standard.name
            for indicator in standard.indicators.all():
                indicator_names[(standard.pk, indicator.key)] = indicator.name
    texts = {item["key"]: item["text"] for item in case.round.primary_standard.quick_screen_items}

    steps: dict[tuple, Change] = {}

    def add(lines: list[Line], row) -> None:
        if not lines or (since is not None and row.history_date < since):
            return
        key = (row.history_date, row.history_user_id, row.history_change_reason)
        step = steps.setdefault(key, Change(row.history_date, row.history_user, row.history_change_reason or ""))
        step.lines.extend(lines)

    for before, after, row in _pairs(history):
        if before is not None and after is not None:
            add(_household_lines(before, after, texts), row)
    for rows in _by_object(members):
        for before, after, row in _pairs(rows):
            add(_member_lines(before, after), row)
    for rows in _by_object(results):
        for before, after, row in _pairs(rows):
            if after is not None:  # a result removed by the quick screen: the case's result says it
                add(_result_lines(before, after, standard_names, indicator_names), row)
    return sorted(steps.values(), key=lambda s: s.at, reverse=True)
