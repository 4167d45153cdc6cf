from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from households import citizen_ids
from households.ethnicities import ETHNICITY_CHOICES
from households.form_guards import HiddenErrorsOnTop, OwnRowsInlineFormSet, version_field
from households.importing import workbook_problem
from households.models import Household, Member
from households.services import MEMBER_FIELDS
from households.unit_choices import group_by_ward
from households.validation import birth_date_messages, phone_messages


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, help_text=_("For example “Tổ dân phố 12” or “Thôn Phú Túc”."))


class HouseholdForm(HiddenErrorsOnTop, forms.ModelForm):
    """Shape only; the services check meaning. ``version`` is the version the page was read at,
    required when editing: an edit without it is refused, never saved over the current version."""

    version = version_field(required=False)

    class Meta:
        model = Household
        fields = ["code", "village", "address", "phone", "in_agriculture", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        group_by_ward(self.fields["village"])
        if self.instance.pk:
            del self.fields["code"]  # the code identifies the household in imports and reports
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        for message in phone_messages(phone):
            raise forms.ValidationError(message)
        return phone


class MemberForm(HiddenErrorsOnTop, forms.ModelForm):
    ethnicity = forms.TypedChoiceField(label=_("Ethnicity"), choices=ETHNICITY_CHOICES, initial="01")

    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
            "id_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    def clean_id_number(self):
        return citizen_ids.normalize(self.cleaned_data.get("id_number", ""))

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        for message in birth_date_messages(born):
            raise forms.ValidationError(message)
        return born


def member_formset(*, data=None, household=None, extra=1):
    # Only the household's active members can be named by a posted id (form_guards).
    formset_class = forms.inlineformset_factory(
        Household, Member, form=MemberForm, formset=OwnRowsInlineFormSet, extra=extra, min_num=0, can_delete=False
    )
    instance = household or Household()
    queryset = household.members.active() if household else Member.objects.none()
    return formset_class(data, instance=instance, queryset=queryset, prefix="members")


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"))
    # "Merged" is the duplicate review's own reason (it sets the pointer to the record kept).
    reason = forms.ChoiceField(
        label=_("Reason"), choices=[c for c in Member.LeftReason.choices if c[0] != Member.LeftReason.MERGED]
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class SplitForm(forms.Form):
    code = forms.CharField(label=_("Code of the new household"), max_length=30)
    address = forms.CharField(label=_("Address of the new household"), max_length=255, required=False)
    members = forms.ModelMultipleChoiceField(label=_("Members who move"), queryset=Member.objects.none())
    new_head = forms.ModelChoiceField(label=_("Head of the new household"), queryset=Member.objects.none())

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        active = household.members.active()
        self.fields["members"].queryset = active
        self.fields["new_head"].queryset = active


class MoveForm(forms.Form):
    to_code = forms.CharField(label=_("Code of the household the member joins"), max_length=30)
    relationship = forms.ChoiceField(label=_("Relationship to that household's head"), choices=Member.Relationship.choices)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why you need the full number"), max_length=255, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel file ending in .xlsx."))
        # A look at the package (no sheet is parsed), the same the worker and `import_households`
        # make, so that a wrong or hostile file is refused here rather than after a trip to the worker.
        problem = workbook_problem(upload)
        if problem:
            raise forms.ValidationError(problem)
        return upload


class VillageImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with the columns parent_code (the ward or commune code) and name, one village per line."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Save the file as CSV UTF-8 and upload it again.")) from None


# --- Accounts of village heads (households/accounts.py) ----------------------------------------------

PHONE_VALIDATOR = RegexValidator(r"^[0-9 +().-]*$", _("Enter a phone number: digits, spaces and + ( ) . - only."))


class AccountForm(forms.Form):
    """A new village head: their login, full name and phone (optional); the password is generated."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and . @ + - _ only, e.g. “totruong.hc1.12”."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        validators=[PHONE_VALIDATOR],
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)


class HandOverForm(HiddenErrorsOnTop, AccountForm):
    """The new head of a village that has one: ``version`` is the current head's account as read."""

    version = version_field()
    reason = forms.CharField(
        label=_("Reason"), max_length=100, help_text=_("For example the decision that appointed the new head.")
    )


class AccountActionForm(HiddenErrorsOnTop, forms.Form):
    """Confirm an action on one account, carrying the account version the page was read at."""

    version = version_field()
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form, plus: the new password must not be the one somebody else gave you."""

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("new_password1")
        if new and self.user.check_password(new):
            self.add_error("new_password1", _("Choose a password different from your current one."))
        return cleaned


class DuplicateDecisionForm(HiddenErrorsOnTop, forms.Form):
    """A decision on a possible duplicate: the version the page was read at and why."""

    version = version_field()
    reason = forms.CharField(label=_("Reason"), max_length=255)


class DuplicateMergeForm(DuplicateDecisionForm):
    """Same person: which household keeps them, and for every value the two records hold differently,
    which one is right (no default: nothing is overwritten without a choice)."""

    def __init__(self, *args, sides, differing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"] = forms.TypedChoiceField(
            label=_("Which household keeps the person?"),
            coerce=int,
            widget=forms.RadioSelect,
            choices=[(side.member.pk, side.label) for side in sides],
        )
        for name, verbose, (a_text, b_text) in differing:
            self.fields[f"value_{name}"] = forms.ChoiceField(
                label=_("Correct %(field)s") % {"field": verbose},
                widget=forms.RadioSelect,
                choices=[("a", a_text), ("b", b_text)],
            )
        self.order_fields(["version", "keep", *(f"value_{name}" for name, _v, _t in differing), "reason"])

    def choices(self) -> dict[str, str]:
        return {name.removeprefix("value_"): value for name, value in self.cleaned_data.items() if name.startswith("value_")}
