"""Turn a case's survey answers into the engine's plain facts, and the engine's result into rows."""

from __future__ import annotations

from decimal import Decimal

from policies import classification as engine
from reviews.models import Case, CaseMember


def member_facts(member: CaseMember) -> engine.MemberFacts:
    return engine.MemberFacts(
        ref=str(member.pk) if member.pk else f"new-{id(member)}",
        full_name=member.full_name,
        birth_date=member.date_of_birth,
        sex=member.sex,
        has_health_insurance=member.has_health_insurance,
        schooling=member.schooling,
        education=member.education,
        has_vocational_training=member.has_vocational_training,
        employment=member.employment,
        working_capacity=member.working_capacity,
        has_disability=member.has_disability,
        receives_social_allowance=member.receives_social_allowance,
        nutrition=member.nutrition,
    )


def household_facts(case: Case, members: list[CaseMember]) -> engine.HouseholdFacts:
    """Facts as of the round's last day (ages are taken on that day)."""
    durable = {
        part for part, ok in (("walls", case.durable_walls), ("columns", case.durable_columns), ("roof", case.durable_roof)) if ok
    }
    return engine.HouseholdFacts(
        reference_date=case.round.ends_on,
        area_type=case.village.area_type,
        members=tuple(member_facts(m) for m in members),
        durable_parts=frozenset(durable),
        floor_area_m2=Decimal(case.floor_area_m2 or 0),
        water_source=case.water_source or "other",
        latrine=case.latrine or "other",
        uses_telecom=case.uses_telecom,
        devices=frozenset(case.devices or ()),
        within_loudspeaker_reach=case.within_loudspeaker_reach,
        income_12m={source: int(getattr(case, field)) for source, field in Case.INCOME_FIELDS.items()},
        in_agriculture=case.in_agriculture,
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
    }


def _plain(value):
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value
