"""Turn a case's survey answers into the engine's plain facts, and the engine's result into rows."""

from __future__ import annotations

from decimal import Decimal

from policies import classification as engine
from policies import facts as declared
from reviews.models import Case, CaseMember

# Declared facts a Case keeps as one column per value (a boolean per part, đồng per source).
PER_VALUE_COLUMNS = {"durable_parts": "durable_", "income_12m": "income_"}
# Facts the case does not ask: they come from the register.
FROM_REGISTER = {"area_type"}


def _columns(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def case_columns(fact: declared.Fact) -> list[str]:
    """The Case columns holding ``fact``; empty when it lives in the case's answers document."""
    if fact.key in PER_VALUE_COLUMNS:
        return [PER_VALUE_COLUMNS[fact.key] + value for value in fact.value_keys]
    return [fact.key] if fact.key in _columns(Case) and fact.key not in FROM_REGISTER else []


def member_columns() -> list[str]:
    """The declared member facts CaseMember (and the registry's Member) have a column for."""
    return [key for key in declared.MEMBERS if key in _columns(CaseMember)]


def case_answer(case: Case, fact: declared.Fact) -> object:
    """The case's answer to a household fact in engine form; None when not answered."""
    columns = case_columns(fact)
    if not columns:
        raw = (case.answers or {}).get(fact.key)
        return None if raw is None else fact.from_json(raw)
    if fact.section not in (case.sections_done or ()):
        return None
    if fact.key == "durable_parts":
        return frozenset(value for value, column in zip(fact.value_keys, columns, strict=True) if getattr(case, column))
    if fact.key == "income_12m":
        income = {value: getattr(case, column) for value, column in zip(fact.value_keys, columns, strict=True)}
        # A source left empty is not answered (never 0): the income is then unanswered as a whole.
        return None if None in income.values() else {value: int(amount) for value, amount in income.items()}
    value = getattr(case, columns[0])
    if value in (None, ""):
        return None
    return Decimal(value) if fact.kind == "decimal" else value


def _placeholder(fact: declared.Fact) -> object:
    """A valid value for an unanswered fact the engine holds as an attribute; the fact is passed as
    unanswered, so no standard classifies on it."""
    if fact.kind == "choice":
        return "other" if "other" in fact.value_keys else fact.value_keys[0]
    return {"multi_choice": frozenset(), "yes_no": False, "decimal": Decimal(0), "money_by_source": {}}[fact.kind]


def check_case_answers(doc: dict) -> None:
    """Refuse an answers document that is not valid for the declaration (raises ValueError)."""
    column_backed = [key for key in doc if key in declared.HOUSEHOLD and case_columns(declared.HOUSEHOLD[key])]
    if column_backed:
        raise ValueError(f"{column_backed} have their own columns")
    declared.answers_from_json(doc)


def member_facts(member: CaseMember) -> engine.MemberFacts:
    values = {fact.name: getattr(member, fact.key) for fact in declared.MEMBER_FACTS if fact.key in member_columns()}
    return engine.MemberFacts(
        ref=str(member.pk) if member.pk else f"new-{id(member)}",
        answers=declared.answers_from_json(member.answers or {}, member=True),
        **values,
    )


def household_facts(case: Case, members: list[CaseMember]) -> engine.HouseholdFacts:
    """Facts as of the round's last day (ages are taken on that day). A fact of a section not saved
    yet, or missing from the answers document, is passed as unanswered."""
    attributes = engine.HouseholdFacts.__dataclass_fields__
    values: dict[str, object] = {}
    answers: dict[str, object] = {}
    unanswered = set()
    for fact in declared.HOUSEHOLD_FACTS:
        if fact.key in FROM_REGISTER:
            continue
        answer = case_answer(case, fact)
        if fact.name in attributes:
            if answer is None:
                unanswered.add(fact.key)
                answer = _placeholder(fact)
            values[fact.name] = answer
        elif answer is not None:
            answers[fact.key] = answer
    return engine.HouseholdFacts(
        reference_date=case.round.ends_on,
        area_type=case.village.area_type,
        members=tuple(member_facts(m) for m in members),
        answers=answers,
        unanswered=frozenset(unanswered),
        **values,
    )


def result_as_data(result: engine.ClassificationResult) -> dict:
    """The result as JSON-ready data (reasons stay structured so they can be explained in any language)."""

    def reason(r: engine.Reason) -> dict:
        return {"code": r.code, "member_ref": r.member_ref, "member_name": r.member_name, "params": _plain(r.params)}

    return {
        "standard_code": result.standard_code,
        "standard_name": result.standard_name,
        "legal_basis": result.legal_basis,
        "area_type": result.area_type,
        "household_class": result.household_class,
        "income_per_person_month": str(result.income_per_person_month),
        "total_income_12m": result.total_income_12m,
        "member_count": result.member_count,
        "income_line": result.income_line,
        "average_upper": result.average_upper,
        "cutoff": result.cutoff,
        "deprivation_count": result.deprivation_count,
        "deprivations": [
            {"key": d.key, "dimension": d.dimension, "name": d.name, "reasons": [reason(r) for r in d.reasons]}
            for d in result.deprivations
        ],
        "reasons": [reason(r) for r in result.reasons],
        "missing_answers": list(result.missing_answers),
        "provisional_class": result.provisional_class,
    }


def _plain(value):
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value
