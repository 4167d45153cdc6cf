"""Administrators' access to the rule data. Day-to-day changes go through the city officer's pages
(new versions with a reason); here an administrator can correct indicator parameters of a version
that no closed round has locked, with the change kept in the history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from policies.models import PovertyStandard, StandardIndicator, SupportPolicy, SupportPolicyVersion


class IndicatorInline(admin.TabularInline):
    model = StandardIndicator
    extra = 0
    fields = ("position", "key", "dimension", "name", "rule", "params", "source", "confidence")

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_locked

    def has_add_permission(self, request, obj=None):
        return obj is None or not obj.is_locked

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_locked


@admin.register(PovertyStandard)
class PovertyStandardAdmin(SimpleHistoryAdmin):
    list_display = ("code", "version", "name", "scope", "valid_from", "valid_to", "is_demo", "locked_at")
    list_filter = ("scope", "is_demo")
    inlines = [IndicatorInline]
    readonly_fields = ("superseded_by", "locked_at", "created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        # A version used by a closed round is never edited in place.
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_locked)

    def has_delete_permission(self, request, obj=None):
        return False


class SupportPolicyVersionInline(admin.StackedInline):
    model = SupportPolicyVersion
    extra = 0
    can_delete = False


@admin.register(SupportPolicy)
class SupportPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    inlines = [SupportPolicyVersionInline]

    def has_delete_permission(self, request, obj=None):
        return False
