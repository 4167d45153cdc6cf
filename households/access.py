"""Capabilities and area scoping: the ONE place that decides what a user may see and do.

A user reaches their own unit and everything below it. Objects outside that area answer 404
(their existence is not revealed); objects inside it that the user's role may not act on answer
403. What a role may do is the table ``ROLE_CAPABILITIES``: everything else asks for a capability
(``has_capability``, ``capability_required``), never for a role by name. Every queryset a view hands to a user is built through ``unit_q`` (via the models'
``visible_to``) or ``get_visible_or_404``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from households.models import AdminUnit, Assignment

_CACHE_ATTR = "_portal_scope"


@dataclass(frozen=True)
class Scope:
    """What one user may reach: a role and the root unit of their area (None for administrators)."""

    role: str | None
    unit: AdminUnit | None
    is_admin: bool = False
    # Read with the role in the same query, so the forced-password-change check costs nothing extra.
    must_change_password: bool = False

    @property
    def path(self) -> str | None:
        return self.unit.path if self.unit else None

    def covers(self, unit: AdminUnit) -> bool:
        if self.is_admin:
            return True
        return self.unit is not None and unit.path.startswith(self.unit.path)


NO_SCOPE = Scope(role=None, unit=None)


def scope_of(user) -> Scope:
    """The user's scope, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return NO_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from households.models import Assignment

    # An ended assignment (a head who handed over) gives no access, even if the user was made active again.
    assignment: Assignment | None = (
        Assignment.objects.select_related("unit").filter(user_id=user.pk, ended_at__isnull=True).first()
    )
    if assignment is not None:
        scope = Scope(
            role=assignment.role,
            unit=assignment.unit,
            is_admin=user.is_superuser,
            must_change_password=assignment.must_change_password,
        )
    elif user.is_superuser:
        scope = Scope(role=None, unit=None, is_admin=True)
    else:
        scope = NO_SCOPE
    setattr(user, _CACHE_ATTR, scope)
    return scope


def unit_q(user, prefix: str = "") -> Q:
    """A filter that keeps rows whose unit (reached through ``prefix``) lies in the user's area."""
    scope = scope_of(user)
    if scope.is_admin:
        return Q()
    if scope.unit is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}path__startswith": scope.unit.path})


def get_visible_or_404(queryset: QuerySet, user, **lookup):
    """Fetch one object through the user's area; outside it the object does not exist (404)."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


# ----------------------------------------------------------------------------- who may do what
# The capabilities: what a user may do, whatever their role is called. Views, services, the workflow and
# the navigation ask for one of these; only the table below says which role holds which.
CAPABILITIES: dict[str, str] = {
    "see_households": "read the households, members and units of the area",
    "search_id_numbers": "search the household list by a whole citizen ID number (each search is logged)",
    "edit_households": "register and change households and members",
    "see_full_id_numbers": "see full citizen ID numbers (reveals, exports, lists and certificates are logged)",
    "check_data_quality": "read the possible duplicates of the area (same ID number; same name and birth date) and their decisions",
    "decide_duplicates": "decide a possible duplicate of the area: distinct people, same person (merge), or withdraw a decision",
    "import_households": "import the ward's households from Excel",
    "manage_villages": "add and import the ward's villages / residential groups",
    "manage_accounts": "create, hand over, reset and deactivate village heads' accounts",
    "manage_territory": "move a village to another ward/commune, merge and split villages (households.territory_changes)",
    "see_reviews": "read the rounds, village lists, cases and requests of the area",
    "survey": "screen and survey households, propose one, submit the village list",
    "record_requests": "record a household's Form 01 / Form 04 request",
    "see_ward_lists": "read a ward's list, meetings, complaints and decisions",
    "check_village_lists": "work on the ward's page: return a village list for re-survey",
    "record_meetings": "record a village meeting",
    "post_list": "post the ward list publicly",
    "handle_complaints": "record and resolve complaints, re-check the household",
    "send_ward_list": "send the ward list upward for an opinion",
    "decide": "record the chairman's decision",
    "give_opinion": "approve a ward list, return it with remarks, reopen it",
    "manage_rounds": "open and close rounds, change their deadlines",
    "manage_holidays": "declare public holidays and working days",
    "manage_standards": "change poverty standards and support policies",
    "see_dashboards": "read the dashboards and reports of the area",
    "enter_resident_counts": "enter the ward's resident households",
    "import_resident_counts": "import every ward's resident households",
    "see_support_policies": "read the support policies",
    "see_benefits": "read the beneficiary lists and budgets of the area",
    "use_calculator": "use the poverty calculator",
    "see_standards": "read the poverty standards",
    "see_sources": "see where the standards' values come from: their legal sources and how sure each value is",
}

_READ = frozenset({"see_households", "see_reviews", "see_standards"})
# Village heads read the standards and results in plain words: the sources and confidence of the
# values are for the officers who check them.
_OFFICER_READ = _READ | {
    "see_ward_lists",
    "see_dashboards",
    "see_support_policies",
    "see_benefits",
    "see_sources",
    "check_data_quality",
}

# Role → capabilities: the ONE place that names roles (keys are Assignment.Role values; strings here
# because models import this module). A new role is one entry here plus its Role choice.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    "village_head": _READ
    | {"search_id_numbers", "edit_households", "see_full_id_numbers", "survey", "record_requests", "use_calculator"},
    "ward_officer": _OFFICER_READ
    | {
        "search_id_numbers",
        "edit_households",
        "see_full_id_numbers",
        "decide_duplicates",
        "import_households",
        "manage_villages",
        "manage_accounts",
        "survey",
        "record_requests",
        "check_village_lists",
        "record_meetings",
        "post_list",
        "handle_complaints",
        "send_ward_list",
        "decide",
        "enter_resident_counts",
        "use_calculator",
    },
    "district_officer": _OFFICER_READ | {"search_id_numbers", "give_opinion", "use_calculator"},
    "city_officer": _OFFICER_READ
    | {
        "search_id_numbers",
        "give_opinion",
        "manage_rounds",
        "manage_holidays",
        "manage_standards",
        "manage_territory",
        "import_resident_counts",
        "use_calculator",
    },
    # Thống kê xã: reads the ward's households (masked numbers) and its dashboards; changes nothing.
    "ward_statistician": _OFFICER_READ,
}

# Administrators (Django superusers) pass every capability check of a page, but hold no role in the
# workflow: an act of the procedure (``acts``) needs an assignment whose role holds the capability.
ADMINISTRATOR_CAPABILITIES = frozenset(CAPABILITIES)

for _role, _caps in ROLE_CAPABILITIES.items():
    assert _caps <= CAPABILITIES.keys(), (_role, _caps - CAPABILITIES.keys())


def _known(capability: str) -> str:
    if capability not in CAPABILITIES:
        raise ValueError(f"Unknown capability: {capability}")
    return capability


def roles_with(capability: str) -> list[str]:
    """The roles that hold ``capability`` (to find who is told of a step: the notifications)."""
    _known(capability)
    return [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]


def role_capabilities(role: str | None) -> frozenset[str]:
    """What an assignment with ``role`` may do (nothing for no role)."""
    return ROLE_CAPABILITIES.get(role or "", frozenset())


def capabilities_of(user) -> frozenset[str]:
    """Everything ``user`` may do on the pages: their role's capabilities, all of them for administrators."""
    scope = scope_of(user)
    caps = role_capabilities(scope.role)
    return caps | ADMINISTRATOR_CAPABILITIES if scope.is_admin else caps


def has_capability(user, capability: str) -> bool:
    return _known(capability) in capabilities_of(user)


def acts(user, capability: str) -> bool:
    """Whether ``user``'s role holds ``capability`` (an administrator without it does not act in the procedure)."""
    return _known(capability) in role_capabilities(scope_of(user).role)


def require_capability(user, capability: str) -> Scope:
    """403 unless the user holds ``capability``."""
    if not has_capability(user, capability):
        raise PermissionDenied
    return scope_of(user)


def capability_required(capability: str) -> Callable:
    """View decorator: log in first, then 403 for a user without ``capability``."""
    _known(capability)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            require_capability(request.user, capability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require_in_area(user, unit: AdminUnit) -> Scope:
    """404 when ``unit`` lies outside the user's area: services answer like the pages, the object is not found."""
    scope = scope_of(user)
    if not scope.covers(unit):
        raise Http404
    return scope


def may_edit_households(user) -> bool:
    """Village heads edit their village's households, ward officers their ward's; higher levels only read."""
    return has_capability(user, "edit_households")


def may_reveal_id_numbers(user) -> bool:
    """Who sees full citizen ID numbers: the one answer for pages, exports, reports and certificates."""
    return has_capability(user, "see_full_id_numbers")


def approving_unit(ward: AdminUnit, units: Iterable[AdminUnit] | None = None) -> AdminUnit:
    """The nearest ancestor that gives the opinion on a ward's list: a district if there is one, else the city.

    Since 1 July 2025 Đà Nẵng has no districts, so wards report straight to the city department.
    """
    from households.models import AdminUnit

    codes = ward.ancestor_codes()[:-1]
    ancestors = {u.code: u for u in (units if units is not None else AdminUnit.objects.filter(code__in=codes))}
    for code in reversed(codes):
        unit = ancestors.get(code)
        if unit is not None and unit.level in (AdminUnit.Level.DISTRICT, AdminUnit.Level.CITY):
            return unit
    raise ValueError(f"Unit {ward.code} has no approving ancestor.")
