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
from households.models import Member
from households.validation import birth_date_messages
from policies import facts as declared
from policies import vocabulary as v
from policies.forms import MAX_INCOME_12M, fact_field, fact_value
from policies.money import MoneyError, group_dong, parse_money
from policies.money_fields import MoneyField
from reviews.facts import FROM_REGISTER, case_columns
from reviews.models import Case, CaseMember
from reviews.services import MEMBER_FACT_FIELDS

# Less than this from one source over a whole year is far more often a slip (a dropped "triệu",
# 36.000 for 36.000.000) than the truth: the head confirms it before it is saved.
SMALL_INCOME_12M = 100_000
CONFIRM_SMALL = "confirm_small_amounts"


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


# Survey-only bounds of a fact's answer (the calculator takes any non-negative value).
FLOOR_AREA_MAX = 10_000


def _yes_no_initial(case: Case, column: str) -> bool:
    return bool(getattr(case, column))


class SectionForm(HiddenErrorsOnTop, forms.Form):
    """One survey section, its questions derived from the fact declaration (policies/facts.py) and
    limited to what the round's standards read (``asked``). A fact with Case columns is saved to
    them; any other fact into the case's answers document."""

    read_version = version_field()
    section = ""

    def __init__(
        self,
        data=None,
        *,
        instance: Case,
        asked: frozenset[str] | set[str],
        initial=None,
        members: int | None = None,
        confirm_small: bool = True,
    ):
        super().__init__(data, initial=initial)
        self.instance = instance
        self.members = members
        self.money_fields: list[str] = []
        self.facts = [f for f in declared.section_facts(self.section) if f.key in asked and f.key not in FROM_REGISTER]
        for fact in self.facts:
            self._add_fields(fact)
        # The preview (live result) does not ask for the confirmation; saving does.
        self.confirm_small = confirm_small
        if confirm_small and self.is_bound and self._small_amounts_typed():
            self.fields[CONFIRM_SMALL] = forms.BooleanField(
                label=_("I have checked the small amounts above: they are right."), required=False
            )

    def _small_amounts_typed(self) -> bool:
        for name in self.money_fields:
            try:
                amount = parse_money(self.data.get(self.add_prefix(name), ""))
            except MoneyError:
                continue
            if 0 < amount < SMALL_INCOME_12M:
                return True
        return False

    def _add_fields(self, fact: declared.Fact) -> None:
        case = self.instance
        columns = case_columns(fact)
        if fact.key == "durable_parts":
            for value, column in zip(fact.value_keys, columns, strict=True):
                self.fields[column] = forms.BooleanField(
                    label=_("%(part)s of durable material") % {"part": v.label(v.fact_choices(fact.key), value)},
                    required=False,
                    initial=_yes_no_initial(case, column),
                )
            return
        if fact.kind == "money_by_source":
            for (_value, source_label), column in zip(v.fact_choices(fact.key), columns, strict=True):
                # Empty until answered: "Không có" is the explicit 0, an empty box is not answered.
                self.fields[column] = MoneyField(
                    label=source_label,
                    max_value=MAX_INCOME_12M,
                    initial=getattr(case, column),
                    members=self.members,
                    none_button=True,
                    # Said once, under the first box: seven times makes the phone page twice as tall.
                    help_text=""
                    if self.money_fields
                    else _("Đồng over the last 12 months, e.g. 36.000.000 or 36 triệu; “None” if the household has none."),
                )
                self.money_fields.append(column)
            return
        name = columns[0] if columns else fact.key
        current = getattr(case, name) if columns else (case.answers or {}).get(fact.key)
        field = fact_field(fact, survey=True)
        field.initial = current if current not in (None, "") else None
        if fact.key == "floor_area_m2":
            field.min_value = 1
            field.widget.attrs.update({"inputmode": "decimal", "min": "1", "max": str(FLOOR_AREA_MAX), "step": "0.1"})
        self.fields[name] = field

    def clean_floor_area_m2(self):
        value = self.cleaned_data["floor_area_m2"]
        if value is not None and not (0 < value <= FLOOR_AREA_MAX):
            raise forms.ValidationError(_("Enter a floor area between 1 and 10,000 m²."))
        return value

    def clean(self):
        cleaned = super().clean()
        if self.confirm_small and not cleaned.get(CONFIRM_SMALL):
            for name in self.money_fields:
                amount = cleaned.get(name)
                if amount is not None and 0 < amount < SMALL_INCOME_12M:
                    self.add_error(
                        name,
                        _(
                            "%(amount)s đ over a whole year is very little: check the number (36 triệu is "
                            "36.000.000), or tick the confirmation below if it is right."
                        )
                        % {"amount": group_dong(amount)},
                    )
        return cleaned

    def section_values(self) -> dict:
        """Column values to set on the case, and ``answers``: the case's whole answers document with
        this section's answers merged in (JSON form)."""
        values: dict = {}
        answers = dict(self.instance.answers or {})
        for fact in self.facts:
            columns = case_columns(fact)
            if columns:
                for column in columns:
                    values[column] = self.cleaned_data[column]
            else:
                value = self.cleaned_data[fact.key]
                answers[fact.key] = None if value in (None, "") else fact.to_json(fact_value(fact, value))
        if any(not case_columns(f) for f in self.facts):
            values["answers"] = answers
        return values


def section_form_class(section: str) -> type[SectionForm]:
    return type(f"{section.title()}SectionForm", (SectionForm,), {"section": section})


SECTION_FORMS = {key: section_form_class(key) for key in declared.SECTION_KEYS if key != "members"}


class CaseMemberForm(HiddenErrorsOnTop, forms.ModelForm):
    class Meta:
        model = CaseMember
        fields = list(MEMBER_FACT_FIELDS)
        labels = {key: v.fact_label(key) for key in MEMBER_FACT_FIELDS}
        help_texts = {key: v.fact_help(key) for key in MEMBER_FACT_FIELDS if declared.FACTS[key].help}
        # The answers about a person are radio buttons: one tap each on a phone (a select takes two).
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{key: forms.RadioSelect for key in MEMBER_FACT_FIELDS if declared.FACTS[key].kind == "choice" and key != "sex"},
        }

    # Not kept on the surveyed member: the registry's (a person added in the survey joins the household
    # with it; a registered person removed from the survey leaves it with the reason).
    relationship = forms.ChoiceField(label=_("Relationship to the head"), choices=Member.Relationship.choices, required=False)
    left_reason = forms.ChoiceField(
        label=_("Why is this person no longer in the household?"),
        choices=[("", "---------"), *Member.LeftReason.choices],
        required=False,
    )

    def __init__(self, *args, reference_date: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Ages are taken on the round's last day, as the rules take them.
        self.reference_date = reference_date or timezone.localdate()
        # A person the registry does not know yet needs their relationship; a registered one has it there.
        self.joins_registry = self.instance.member_id is None
        if not self.joins_registry:
            del self.fields["relationship"]
        else:
            self.fields["relationship"].choices = [("", "---------"), *Member.Relationship.choices]
            self.fields.pop("left_reason")

    @property
    def age(self) -> int | None:
        born = self.instance.date_of_birth
        if born is None:
            return None
        day = self.reference_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def asked(self, name: str) -> bool:
        """Whether the card asks this question at the member's age (every question while the age is unknown)."""
        fact = declared.FACTS.get(name)
        return fact is None or self.age is None or fact.asked_at(self.age)

    def clean(self):
        data = super().clean()
        if self.joins_registry and self.has_changed() and not data.get("DELETE") and not data.get("relationship"):
            self.add_error("relationship", _("Choose the relationship to the head: the person joins the household register."))
        return data

    def has_changed(self):
        # The blank "add a member" row carries default choices and unticked boxes; it only counts
        # once a name is typed in.
        if self.instance.pk is None:
            return bool((self.data.get(self.add_prefix("full_name")) or "").strip())
        return super().has_changed()

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        for message in birth_date_messages(born):  # the registry's rule: one home
            raise forms.ValidationError(message)
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

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            registered = form.instance.pk is not None and form.instance.member_id is not None
            form.fields["DELETE"].label = (
                _("No longer lives in this household") if registered else _("Remove this person from the survey")
            )
            form.fields["DELETE"].widget.attrs["data-confirm"] = (
                _("Record that %(name)s no longer lives in the household? The register will show them as left.")
                % {"name": form.instance.full_name}
                if registered
                else _("Remove this person from the survey?")
            )

    def clean(self):
        super().clean()
        # A form marked for deletion is not validated by Django: the reason for leaving is checked here.
        for form in self.deleted_forms:
            if not form.joins_registry and not form.cleaned_data.get("left_reason"):
                form.add_error("left_reason", _("Say why this person is no longer in the household."))
                raise forms.ValidationError(
                    _("Say why %(name)s is no longer in the household.") % {"name": form.instance.full_name}
                )
        if not self.version_form.is_valid():
            raise forms.ValidationError(self.version_form.non_field_errors())

    @property
    def read_version(self) -> int:
        return self.version_form.cleaned_data["read_version"]


CaseMemberFormSet = forms.modelformset_factory(
    CaseMember, form=CaseMemberForm, formset=BaseCaseMemberFormSet, extra=1, can_delete=True
)
CaseMemberFormSetNoBlank = forms.modelformset_factory(
    CaseMember, form=CaseMemberForm, formset=BaseCaseMemberFormSet, extra=0, can_delete=True
)
