"""Administrators' access to the rule data. Changes go through the city officer's pages or
``manage.py load_standard_file`` (new versions with a reason, checked by the engine's parser);
here the indicators are read-only, and a correction of a version's own values passes the same
engine check."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from policies.models import PovertyStandard, StandardIndicator, SupportPolicy, SupportPolicyVersion
from policies.services import standard_is_locked, validate_standard


class IndicatorInline(admin.TabularInline):
    """Read-only: indicators are added, removed and re-parameterised on the standards pages, where the
    engine checks the whole version before it is saved."""

    model = StandardIndicator
    extra = 0
    fields = ("position", "key", "dimension", "name", "rule", "params", "source", "confidence")
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PovertyStandardAdminForm(forms.ModelForm):
    class Meta:
        model = PovertyStandard
        fields = (
            "code",
            "version",
            "name",
            "scope",
            "legal_basis",
            "source",
            "valid_from",
            "valid_to",
            "urban_income_line",
            "urban_average_upper",
            "rural_income_line",
            "rural_average_upper",
            "deprivation_cutoff",
            "confidence",
            "quick_screen_items",
            "notes",
            "is_demo",
        )

    def _post_clean(self):
        super()._post_clean()
        indicators = list(self.instance.indicators.all()) if self.instance.pk else []
        try:
            validate_standard(self.instance, indicators)
        except ValidationError as exc:
            self.add_error(None, exc)


@admin.register(PovertyStandard)
class PovertyStandardAdmin(SimpleHistoryAdmin):
    form = PovertyStandardAdminForm
    list_display = ("code", "version", "name", "scope", "valid_from", "valid_to", "is_demo", "locked_at")
    list_filter = ("scope", "is_demo")
    inlines = [IndicatorInline]
    readonly_fields = ("superseded_by", "locked_at", "created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        # A version used by a closed round is never edited in place.
        return super().has_change_permission(request, obj) and (obj is None or not standard_is_locked(obj))

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
