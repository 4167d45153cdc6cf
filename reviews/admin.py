"""Administrators read the review data here; every change of state goes through the portal's own
pages and services (role, area and state checked, transition recorded), so the audit log and the
official statuses are read-only in the admin."""

from django.contrib import admin

from reviews.models import (
    ExportJob,
    OfficialStatus,
    PublicHoliday,
    ReviewRequest,
    ReviewRound,
    Transition,
    VillageList,
    WardList,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "year", "status", "starts_on", "ends_on", "primary_standard")
    list_filter = ("kind", "status")


@admin.register(WardList)
class WardListAdmin(ReadOnlyAdmin):
    list_display = ("ward", "round", "status", "approver", "decision_number", "decision_date")
    list_filter = ("status", "round")
    list_select_related = ("ward", "round", "approver")
    search_fields = ("ward__name", "ward__code")


@admin.register(VillageList)
class VillageListAdmin(ReadOnlyAdmin):
    list_display = ("village", "round", "status")
    list_filter = ("status", "round")
    list_select_related = ("village", "round")
    search_fields = ("village__name", "village__code")


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "unit", "household", "from_status", "to_status", "reason")
    list_filter = ("action", "round")
    list_select_related = ("actor", "unit", "household")
    search_fields = ("reason", "household__code", "unit__name", "actor__username")
    date_hierarchy = "at"


@admin.register(OfficialStatus)
class OfficialStatusAdmin(ReadOnlyAdmin):
    list_display = ("household", "year", "household_class", "movement", "decision_number", "decision_date", "revoked_at")
    list_filter = ("year", "household_class", "movement")
    list_select_related = ("household",)
    search_fields = ("household__code", "decision_number")


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReadOnlyAdmin):
    list_display = ("household", "form", "received_on", "due_on", "decided_on", "channel")
    list_filter = ("form", "channel")
    list_select_related = ("household",)
    search_fields = ("household__code",)


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "report", "unit", "status", "rows_done", "rows_total")
    list_filter = ("status", "report")
    list_select_related = ("user", "unit")


@admin.register(PublicHoliday)
class PublicHolidayAdmin(ReadOnlyAdmin):
    """Read-only here too: the city officer's page adds and removes days and audits each change."""

    list_display = ("day", "kind", "status", "name", "announcement", "note", "added_by", "added_at")
    list_filter = ("kind", "status")
    list_select_related = ("added_by",)
    date_hierarchy = "day"
