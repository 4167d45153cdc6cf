from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from households.duplicates import duplicates_refresh
from households.models import (
    AccountEvent,
    AdminUnit,
    Assignment,
    DuplicateDecision,
    Household,
    IdNumberDisclosure,
    IdNumberReveal,
    IdNumberSearch,
    ImportJob,
    Member,
    TerritoryEvent,
)


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    """Names and dates only: where a unit sits (code, parent, path, level, area type) changes through
    ``households.territory_changes`` (``manage.py territory``), which rebuilds the paths below it, moves the
    households, asks the open rounds and logs the change. Units are added by ``load_units`` and the ward's
    "Địa bàn" page."""

    list_display = ("code", "name", "unit_type", "level", "area_type", "valid_to")
    list_filter = ("level", "area_type")
    search_fields = ("code", "name")
    readonly_fields = ("code", "parent", "path", "level", "area_type")
    fields = ("code", "name", "unit_type", "level", "parent", "path", "area_type", "valid_from", "valid_to")

    def has_add_permission(self, request):
        return False


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "unit", "must_change_password", "ended_at")
    list_filter = ("role", "must_change_password")
    search_fields = ("user__username", "unit__name")
    raw_id_fields = ("unit",)


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ("code", "village", "address", "status")
    search_fields = ("code",)
    raw_id_fields = ("village",)
    list_select_related = ("village",)


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "household", "relationship", "date_of_birth")
    search_fields = ("full_name", "household__code")
    raw_id_fields = ("household",)
    list_select_related = ("household",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        duplicates_refresh(member_ids=[obj.pk])  # the duplicate review's pairs follow an edit here too


@admin.register(IdNumberReveal)
class IdNumberRevealAdmin(admin.ModelAdmin):
    """The log of who saw a full citizen ID number: read-only, nobody edits or deletes it."""

    list_display = ("revealed_at", "user", "member", "reason")
    list_filter = ("revealed_at",)
    search_fields = ("user__username", "member__full_name", "member__household__code")
    list_select_related = ("user", "member")
    date_hierarchy = "revealed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyLog(admin.ModelAdmin):
    """An audit log: read-only, nobody edits or deletes it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IdNumberSearch)
class IdNumberSearchAdmin(_ReadOnlyLog):
    """Who searched the household list by an ID number (masked; the digest finds one number's searches)."""

    list_display = ("searched_at", "user", "number_masked", "found", "refused")
    list_filter = ("refused", "searched_at")
    search_fields = ("user__username", "number_digest")
    list_select_related = ("user",)
    date_hierarchy = "searched_at"


@admin.register(IdNumberDisclosure)
class IdNumberDisclosureAdmin(_ReadOnlyLog):
    """Who opened a page or downloaded a file showing full ID numbers, and of which households."""

    list_display = ("disclosed_at", "user", "kind", "detail", "household_count")
    list_filter = ("kind", "disclosed_at")
    search_fields = ("user__username", "households__code")
    list_select_related = ("user",)
    date_hierarchy = "disclosed_at"
    raw_id_fields = ("households",)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports run by the worker, to follow a stuck or failed one; read-only (the worker writes them)."""

    list_display = ("created_at", "user", "ward", "file_name", "status", "rows_done", "rows_total", "error_count")
    list_filter = ("status",)
    list_select_related = ("user", "ward")
    exclude = ("errors",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    """What was done to which account, by whom and why: read-only like the other audit logs."""

    list_display = ("at", "account", "action", "unit", "actor", "reason")
    list_filter = ("action", "at")
    search_fields = ("account__username", "actor__username", "unit__name", "unit__code")
    list_select_related = ("account", "actor", "unit")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TerritoryEvent)
class TerritoryEventAdmin(_ReadOnlyLog):
    """Villages moved, merged and split, by whom and why: read-only like the other audit logs."""

    list_display = ("at", "action", "unit", "actor", "reason")
    list_filter = ("action", "at")
    search_fields = ("unit__code", "unit__name", "actor__username", "reason")
    list_select_related = ("unit", "actor")
    date_hierarchy = "at"


@admin.register(DuplicateDecision)
class DuplicateDecisionAdmin(admin.ModelAdmin):
    """The duplicate review's decisions: read-only, like every audit log here."""

    list_display = ("at", "action", "actor", "candidate", "reason")
    list_filter = ("action",)
    list_select_related = ("actor", "candidate")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
