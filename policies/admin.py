"""Administrators' access to the rule data. Changes go through the city officer's pages or
``manage.py load_standard_file`` (new versions with a reason, checked by the engine's parser);
here the indicators are read-only, and a correction of a version's own values passes the same
engine check."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from policies.models import PovertyStandard, StandardIndicator, SupportPolicy, SupportPolicyVersion
from policies.money_fields import MoneyField
from policies.services import standard_is_locked, validate_standard


class MoneyAdminMixin:
    """The portal's one money field for these columns: Django's number box would send a typed
    1.500.000 as 1.5 (or 36.000.000 as 36.000000)."""

    money_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.money_fields:
            return MoneyField(label=capfirst(db_field.verbose_name), help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


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
class PovertyStandardAdmin(MoneyAdminMixin, SimpleHistoryAdmin):
    form = PovertyStandardAdminForm
    money_fields = ("urban_income_line", "urban_average_upper", "rural_income_line", "rural_average_upper")
    list_display = ("code", "version", "name", "scope", "valid_from", "valid_to", "is_demo", "locked_at")
    list_filter = ("scope", "is_demo")
    inlines = [IndicatorInline]
    readonly_fields = ("superseded_by", "locked_at", "created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        # A version used by a closed round is never edited in place.
        return super().has_change_permission(request, obj) and (obj is None or not standard_is_locked(obj))

    def has_delete_permission(self, request, obj=None):
        return False


class SupportPolicyVersionInline(MoneyAdminMixin, admin.StackedInline):
    model = SupportPolicyVersion
    money_fields = ("amount", "base_amount")
    extra = 0
    can_delete = False


@admin.register(SupportPolicy)
class SupportPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    inlines = [SupportPolicyVersionInline]

    def has_delete_permission(self, request, obj=None):
        return False
