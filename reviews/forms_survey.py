"""Forms of the village head's work: the quick screen (Form A) and the sections of the survey (Form B).

Forms check shape (types, ranges, required); meaning (who may save, whether the list is locked,
whether someone else saved first) is checked by reviews.services.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.form_guards import HiddenErrorsOnTop, OwnRowsModelFormSet, version_field
from policies import vocabulary as v
from reviews.models import Case, CaseMember
from reviews.services import MEMBER_FACT_FIELDS

MAX_INCOME_12M = 100_000_000_000  # 100 billion đồng a year: anything above is a typing error


class VersionedForm(HiddenErrorsOnTop, forms.Form):
    """Carries the version of the record the page was read at (optimistic concurrency); a post
    without it is refused, never saved over the current version."""

    read_version = version_field()


class ScreenForm(VersionedForm):
    items_met = forms.MultipleChoiceField(
        label=_("The household meets these criteria"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick nothing if none applies: the household then goes on to the full survey."),
    )

    def __init__(self, *args, items: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items_met"].choices = [(item["key"], item["text"]) for item in items]


class SectionForm(HiddenErrorsOnTop, forms.ModelForm):
    read_version = version_field()

    def section_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class HousingForm(SectionForm):
    class Meta:
        model = Case
        fields = ["durable_walls", "durable_columns", "durable_roof", "floor_area_m2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        area = self.fields["floor_area_m2"]
        area.required = True
        area.min_value = 1
        area.help_text = _("Total living floor area of the dwelling, in square metres.")
        area.widget.attrs.update({"inputmode": "decimal", "min": "1", "max": "10000", "step": "0.1"})

    def clean_floor_area_m2(self):
        value = self.cleaned_data["floor_area_m2"]
        if value is not None and not (0 < value <= 10_000):
            raise forms.ValidationError(_("Enter a floor area between 1 and 10,000 m²."))
        return value


class WaterForm(SectionForm):
    water_source = forms.ChoiceField(
        label=_("Main drinking-water source"), choices=v.WATER_SOURCE_CHOICES, widget=forms.RadioSelect
    )
    latrine = forms.ChoiceField(label=_("Latrine"), choices=v.LATRINE_CHOICES, widget=forms.RadioSelect)

    class Meta:
        model = Case
        fields = ["water_source", "latrine"]


class InformationForm(SectionForm):
    devices = forms.MultipleChoiceField(
        label=_("Information devices the household has"),
        choices=v.DEVICE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Case
        fields = ["uses_telecom", "devices", "within_loudspeaker_reach"]


class IncomeForm(SectionForm):
    class Meta:
        model = Case
        fields = [*Case.INCOME_FIELDS.values(), "in_agriculture"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Case.INCOME_FIELDS.values():
            field = self.fields[name]
            field.min_value = 0
            field.max_value = MAX_INCOME_12M
            field.help_text = _("Đồng over the last 12 months; 0 if none.")
            field.widget.attrs.update({"inputmode": "numeric", "min": "0", "step": "1000"})
            field.error_messages["invalid"] = _("Enter a whole number of đồng, without dots or commas.")

    def clean(self):
        cleaned = super().clean()
        for name in Case.INCOME_FIELDS.values():
            value = cleaned.get(name)
            if value is not None and value > MAX_INCOME_12M:
                self.add_error(name, _("This amount is implausibly large; check the number of zeros."))
        return cleaned


SECTION_FORMS = {"housing": HousingForm, "water": WaterForm, "information": InformationForm, "income": IncomeForm}


class CaseMemberForm(HiddenErrorsOnTop, forms.ModelForm):
    class Meta:
        model = CaseMember
        fields = list(MEMBER_FACT_FIELDS)
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def has_changed(self):
        # The blank "add a member" row carries default choices and unticked boxes; it only counts
        # once a name is typed in.
        if self.instance.pk is None:
            return bool((self.data.get(self.add_prefix("full_name")) or "").strip())
        return super().has_changed()

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if born < date(1900, 1, 1):
            raise forms.ValidationError(_("Check the year of birth."))
        return born

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Enter the member's full name."))
        return name


class BaseCaseMemberFormSet(OwnRowsModelFormSet):
    """The members section: bound with ``queryset=case.members``, so a posted id of any other case's
    member is refused (households.form_guards); it carries the case version the page was read at."""

    def __init__(self, *args, read_version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version_form = VersionedForm(self.data if self.is_bound else None, initial={"read_version": read_version})

    def clean(self):
        super().clean()
        if not self.version_form.is_valid():
            raise forms.ValidationError(self.version_form.non_field_errors())

    @property
    def read_version(self) -> int:
        return self.version_form.cleaned_data["read_version"]


CaseMemberFormSet = forms.modelformset_factory(
    CaseMember, form=CaseMemberForm, formset=BaseCaseMemberFormSet, extra=1, can_delete=True
)
