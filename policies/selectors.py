"""Reads of standards that views share (bounded queries, indicators prefetched)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch

from policies.models import PovertyStandard, StandardIndicator, SupportPolicy, SupportPolicyVersion


def standards_in_force(day: date) -> list[PovertyStandard]:
    """For each standard code, the newest version in force on ``day``; national first.

    Not ``latest_versions()``: a new version that takes effect later must not hide the version
    still in force before that day, and the old version is never edited (it may be locked), so its
    ``valid_to`` is left alone. Among the versions in force on a day, the newest one wins.
    Two queries: the standards and their indicators.
    """
    rows = PovertyStandard.objects.active_on(day).prefetch_related("indicators").order_by("code", "-version")
    newest: dict[str, PovertyStandard] = {}
    for standard in rows:
        newest.setdefault(standard.code, standard)
    return sorted(newest.values(), key=lambda s: (s.scope != PovertyStandard.Scope.NATIONAL, s.valid_from, s.code))


def standard_revision(standard_pk: int) -> int | None:
    """An ever-growing marker of the version's last change (its newest history row)."""
    history = PovertyStandard.history.filter(id=standard_pk).order_by("-history_id")
    return history.values_list("history_id", flat=True).first()


def standard_list() -> list[PovertyStandard]:
    return list(PovertyStandard.objects.select_related("superseded_by").order_by("scope", "code", "version"))


def standard_detail(pk: int) -> PovertyStandard:
    """One version with its indicators, versions of the same code and history (users resolved)."""
    indicators = Prefetch("indicators", queryset=StandardIndicator.objects.order_by("position"))
    return PovertyStandard.objects.select_related("superseded_by", "created_by").prefetch_related(indicators).get(pk=pk)


def support_policy_list() -> list[SupportPolicy]:
    """Policies with their versions (two queries); ``policy.newest`` is the newest version or None."""
    versions = Prefetch("versions", queryset=SupportPolicyVersion.objects.select_related("policy").order_by("version"))
    policies = list(SupportPolicy.objects.prefetch_related(versions).order_by("code"))
    for policy in policies:
        rows = list(policy.versions.all())
        policy.newest = rows[-1] if rows else None
    return policies


def support_policy_detail(pk: int) -> SupportPolicy:
    versions = Prefetch(
        "versions", queryset=SupportPolicyVersion.objects.select_related("policy", "created_by").order_by("version")
    )
    return SupportPolicy.objects.prefetch_related(versions).get(pk=pk)


def support_policy_history(policy: SupportPolicy) -> list:
    """Every recorded change of the policy's versions, newest first (who, when, why)."""
    return list(SupportPolicyVersion.history.filter(policy_id=policy.pk).select_related("history_user").order_by("-history_id"))
