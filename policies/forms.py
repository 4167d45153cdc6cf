"""Forms that collect a household's facts, and their conversion into the engine's dataclasses.

The calculator uses them as they are; the review survey (reviews/) reuses the fields and the
``household_facts`` conversion so that both hand the engine the same ``HouseholdFacts``.
Forms check shape (types, ranges, required); the engine decides meaning.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policies import classification as engine
from policies import facts as declared
from policies import vocabulary as v
from policies.models import PovertyStandard, SupportPolicyVersion
from policies.money_fields import MoneyField

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# 100 billion đồng a year from one source: anything above is a typing slip (survey and calculator).
MAX_INCOME_12M = 100_000_000_000


class DateInput(forms.DateInput):
    """The phone's date picker; it sends ISO dates, typed dd/mm/yyyy is accepted too."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def fact_field(fact: declared.Fact, *, survey: bool = False) -> forms.Field:
    """The form field that asks one declared fact (label, values, help from the declaration).

    A money-by-source fact is several fields (one per source): see the callers."""
    common = {"label": v.fact_label(fact.key), "help_text": v.fact_help(fact.key)}
    if fact.kind == "text":
        return forms.CharField(max_length=150, **common)
    if fact.kind == "date":
        return forms.DateField(input_formats=DATE_INPUT_FORMATS, widget=DateInput(), **common)
    if fact.kind == "choice":
        if fact.member:
            return forms.ChoiceField(choices=v.fact_choices(fact.key), initial=fact.value_keys[0], **common)
        if survey:
            return forms.ChoiceField(choices=v.fact_choices(fact.key), widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=v.fact_choices(fact.key), **common)
    if fact.kind == "multi_choice":
        return forms.MultipleChoiceField(
            choices=v.fact_choices(fact.key), required=False, widget=forms.CheckboxSelectMultiple, **common
        )
    if fact.kind == "yes_no":
        return forms.BooleanField(required=False, **common)
    if fact.kind == "decimal":
        return forms.DecimalField(
            min_value=Decimal(0),
            max_value=Decimal(100000),
            max_digits=8,
            decimal_places=2,
            localize=True,
            error_messages={"min_value": _("The floor area cannot be negative.")},
            **common,
        )
    raise ValueError(f"no single form field for fact {fact.key!r} of kind {fact.kind!r}")


def fact_value(fact: declared.Fact, cleaned: object) -> object:
    """A form's cleaned value in the engine's form."""
    return frozenset(cleaned) if fact.kind == "multi_choice" else cleaned  # type: ignore[arg-type]


def _attribute_facts(cls) -> frozenset[str]:
    return frozenset(cls.__dataclass_fields__)


class HouseholdFactsForm(forms.Form):
    """The household-level facts (everything except the members), from the fact declaration.

    A fact the engine keeps in its answers document may be left unanswered: a standard that reads it
    then names it as missing instead of classifying on a default."""

    reference_date = forms.DateField(
        label=_("Reference date"),
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        help_text=_("Ages and the standards in force are taken on this day."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference_date"].initial = timezone.localdate()
        attributes = _attribute_facts(engine.HouseholdFacts)
        for fact in declared.HOUSEHOLD_FACTS:
            if fact.kind == "money_by_source":
                # One money field per income source, in the declared order.
                for source, source_label in v.fact_choices(fact.key):
                    self.fields[f"income_{source}"] = MoneyField(
                        label=_("%(source)s, last 12 months (đồng)") % {"source": source_label},
                        max_value=MAX_INCOME_12M,
                        none_button=True,
                    )
                continue
            field = fact_field(fact)
            if fact.name not in attributes and isinstance(field, forms.ChoiceField):
                field.required = False
                field.choices = [("", _("— not answered —")), *field.choices]
            self.fields[fact.key] = field
        self.fields["area_type"].initial = "urban"
        self.order_fields(["area_type", "reference_date"])

    def income_fields(self):
        return [self[f"income_{source}"] for source in engine.INCOME_SOURCES]

    def sections(self) -> list[tuple[object, list, bool]]:
        """(title, bound fields, whether it has money boxes) per survey section, in the declared order, for the page."""
        rows = []
        for key, title in v.SECTION_CHOICES:
            if key == "members":
                continue
            fields = []
            has_money = False
            for fact in declared.section_facts(key):
                if fact.kind == "money_by_source":
                    fields.extend(self.income_fields())
                    has_money = True
                else:
                    fields.append(self[fact.key])
            rows.append((title, fields, has_money))
        return rows


class MemberFactsForm(forms.Form):
    """One member's facts, from the fact declaration."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for fact in declared.MEMBER_FACTS:
            self.fields[fact.name] = fact_field(fact)

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."), code="future")
        return born


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not any(form.cleaned_data for form in self.forms if form.has_changed()):
            raise ValidationError(_("Enter at least one member of the household."), code="no_members")


MemberFormSet = forms.formset_factory(MemberFactsForm, formset=BaseMemberFormSet, extra=1, max_num=30, validate_max=True)


def member_facts(cleaned: dict, ref: str) -> engine.MemberFacts:
    attributes = _attribute_facts(engine.MemberFacts)
    values = {f.name: fact_value(f, cleaned[f.name]) for f in declared.MEMBER_FACTS if f.name in attributes}
    answers = {
        f.key: fact_value(f, cleaned[f.name])
        for f in declared.MEMBER_FACTS
        if f.name not in attributes and cleaned.get(f.name) not in (None, "")
    }
    return engine.MemberFacts(ref=ref, answers=answers, **values)


def household_facts(form: HouseholdFactsForm, members: list[engine.MemberFacts]) -> engine.HouseholdFacts:
    """The engine's facts from a valid household form and the members' facts."""
    data = form.cleaned_data
    attributes = _attribute_facts(engine.HouseholdFacts)
    values: dict[str, object] = {}
    answers: dict[str, object] = {}
    unanswered: set[str] = set()
    for fact in declared.HOUSEHOLD_FACTS:
        if fact.kind == "money_by_source":
            value: object = {source: data[f"income_{source}"] for source in fact.value_keys}
            if None in value.values():  # type: ignore[attr-defined]
                # An empty box is not answered, never 0 ("Không có" is the 0).
                unanswered.add(fact.key)
                value = {}
        else:
            value = fact_value(fact, data[fact.key])
        if fact.name in attributes:
            values[fact.name] = value
        elif value not in (None, ""):
            answers[fact.key] = value
    return engine.HouseholdFacts(
        reference_date=data["reference_date"], members=tuple(members), answers=answers, unanswered=frozenset(unanswered), **values
    )


def calculator_facts(form: HouseholdFactsForm, formset: MemberFormSet) -> engine.HouseholdFacts | None:
    """Validate both, check what needs both (a member born after the reference date), convert.

    Returns None and leaves the errors on the forms when something is wrong."""
    if not (form.is_valid() and formset.is_valid()):
        return None
    reference_date: date = form.cleaned_data["reference_date"]
    members = []
    for index, member_form in enumerate(formset.forms):
        if not member_form.has_changed():
            continue
        if member_form.cleaned_data["birth_date"] > reference_date:
            member_form.add_error("birth_date", _("This member was not born yet on the reference date."))
            continue
        members.append(member_facts(member_form.cleaned_data, ref=str(index + 1)))
    if any(member_form.errors for member_form in formset.forms):
        return None
    return household_facts(form, members)


# --------------------------------------------------------------------------------------------
# Standards
# --------------------------------------------------------------------------------------------

STANDARD_FIELDS = [
    "name",
    "legal_basis",
    "source",
    "valid_from",
    "valid_to",
    "urban_income_line",
    "urban_average_upper",
    "rural_income_line",
    "rural_average_upper",
    "deprivation_cutoff",
    "notes",
    "is_demo",
]


class StandardChangeForm(forms.ModelForm):
    """The editable values of one version, the reason for the change and the revision the user saw.

    The ModelForm only shapes the input; the view hands ``changes()`` to the service, which checks
    the meaning (locked, superseded, changed meanwhile, engine-valid) and writes."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=100,
        help_text=_("For example the document that sets the new values. Kept in the history."),
    )
    seen_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Money as people type it (1.500.000); empty means "not set yet", never 0.
    urban_income_line = MoneyField(label=_("urban income line (VND/person/month)"), empty_value=None)
    urban_average_upper = MoneyField(label=_("urban average-living upper band"), empty_value=None)
    rural_income_line = MoneyField(label=_("rural income line (VND/person/month)"), empty_value=None)
    rural_average_upper = MoneyField(label=_("rural average-living upper band"), empty_value=None)

    class Meta:
        model = PovertyStandard
        fields = STANDARD_FIELDS
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "source": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, previous_valid_from: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous_valid_from = previous_valid_from
        for name in ("valid_from", "valid_to"):
            self.fields[name].input_formats = DATE_INPUT_FORMATS

    def _post_clean(self):
        # The service validates the model (and the engine's view of it) on the real instance; a
        # ModelForm would otherwise write the values onto the instance it was given.
        pass

    def clean_valid_from(self):
        valid_from = self.cleaned_data["valid_from"]
        if self.previous_valid_from is not None and valid_from <= self.previous_valid_from:
            raise ValidationError(
                _("A new version takes effect after the current one: pick a day after %(day)s."),
                params={"day": self.previous_valid_from.strftime("%d/%m/%Y")},
                code="not_later",
            )
        return valid_from

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in STANDARD_FIELDS}


def _rule_choices() -> list[tuple[str, str]]:
    """The engine's rule registry, each with the parameters it needs (read from the engine, never listed here)."""
    needs = getattr(engine, "RULE_PARAMS", {})
    choices = [("", "---------")]
    for rule in sorted(engine.RULES):
        params = needs.get(rule, ())
        choices.append((rule, f"{rule} ({', '.join(params)})" if params else rule))
    return choices


class IndicatorForm(forms.Form):
    """One indicator of a version: shape only (a slug key, a known rule name, a JSON object of
    parameters). Whether the rule accepts the parameters is the engine's answer, asked by the service."""

    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, required=False)
    key = forms.SlugField(label=_("Key"), max_length=50, help_text=_("Letters, digits, - and _; unique in the version."))
    name = forms.CharField(label=_("Name"), max_length=200)
    dimension = forms.CharField(label=_("Dimension"), max_length=30)
    rule = forms.ChoiceField(label=_("Rule"), choices=_rule_choices, help_text=_("In brackets: the parameters the rule needs."))
    params = forms.CharField(
        label=_("Parameters (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "class": "font-monospace"}),
        help_text=_('A JSON object, for example {"minimum_m2_per_person": 8}.'),
    )
    source = forms.CharField(label=_("Source"), max_length=300, required=False)

    def clean_params(self):
        text = (self.cleaned_data.get("params") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("The parameters are not valid JSON (line %(line)s, column %(column)s): %(error)s"),
                params={"line": exc.lineno, "column": exc.colno, "error": exc.msg},
                code="json",
            ) from None
        if not isinstance(value, dict):
            raise ValidationError(_('The parameters must be a JSON object: {"name": value, …}.'), code="not_object")
        return value


class BaseIndicatorFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """The indicators kept (not deleted, not left blank), in position order."""
        kept = [
            (form.cleaned_data.get("position"), index, form)
            for index, form in enumerate(self.forms)
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        kept.sort(key=lambda item: (item[0] is None, item[0] if item[0] is not None else 0, item[1]))
        self.kept_forms = [form for _position, _index, form in kept]
        return [
            {name: form.cleaned_data[name] for name in ("key", "dimension", "name", "rule", "params", "source")}
            for _position, _index, form in kept
        ]


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, formset=BaseIndicatorFormSet, extra=1, can_delete=True, max_num=60, validate_max=True
)


def indicator_initial(standard: PovertyStandard) -> list[dict]:
    return [
        {
            "position": i.position,
            "key": i.key,
            "name": i.name,
            "dimension": i.dimension,
            "rule": i.rule,
            "params": json.dumps(i.params, ensure_ascii=False),
            "source": i.source,
        }
        for i in standard.indicators.all()
    ]


POLICY_VERSION_FIELDS = [
    "valid_from",
    "valid_to",
    "legal_document",
    "legal_article",
    "target_groups",
    "member_conditions",
    "per",
    "period",
    "amount",
    "percentage",
    "base",
    "base_amount",
    "duration_months",
    "notes",
]


class SupportPolicyVersionForm(forms.ModelForm):
    """A new version of a support policy: the values (prefilled from the newest version) and why.
    Shape only; the service checks the meaning (later start, engine-valid data) and writes."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        help_text=_("For example the resolution that amends the policy. Kept in the history."),
    )
    amount = MoneyField(label=_("amount (đồng)"), empty_value=None, help_text=_("Leave empty while the amount is not verified."))
    base_amount = MoneyField(label=_("base amount (đồng per period)"), empty_value=None)

    class Meta:
        model = SupportPolicyVersion
        fields = POLICY_VERSION_FIELDS
        widgets = {
            "valid_from": DateInput(),
            "valid_to": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "target_groups": forms.Textarea(attrs={"rows": 4}),
            "member_conditions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("valid_from", "valid_to"):
            self.fields[name].input_formats = DATE_INPUT_FORMATS

    def _post_clean(self):
        # The service validates the new version; the ModelForm must not write onto the old one.
        pass

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in POLICY_VERSION_FIELDS}
