"""Forms and formsets that edit existing rows accept only the rows of the object being edited.

A model formset tells the browser which row each form edits in a hidden ``id`` field, and the browser
can send any number back. Stock Django looks that id up in the formset's queryset for
``form.instance``, but validates the field itself against the *whole table*, so
``cleaned_data["id"]`` can be any row of the model, in any area; and a form ticked ``DELETE`` skips
validation altogether. The formsets here accept an id only if it is one of the formset's own rows
(its queryset, which for an inline formset is already limited to the parent instance): anything else —
another household's member, a row of another area, an id on an "add" row, the same row twice — makes
the whole formset invalid, ticked ``DELETE`` or not, so nothing is saved. Code that saves a formset
still takes the row from ``form.instance``, never from an id in cleaned data.

``HiddenErrorsOnTop`` shows the errors of hidden fields (a missing ``read_version``, a tampered id)
at the top of the form, where the user sees them; crispy-forms would otherwise drop them.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import BaseInlineFormSet, BaseModelFormSet
from django.utils.translation import gettext_lazy as _

FOREIGN_ROW_MESSAGE = _(
    "This page sent rows that do not belong to this record, so nothing was saved. Reload the page and enter your changes again."
)
MISSING_VERSION_MESSAGE = _(
    "This page was sent without the version of the record it was read at, so nothing was saved. "
    "Reload the page and enter your changes again."
)


def version_field(**kwargs) -> forms.IntegerField:
    """The hidden optimistic-concurrency field: required, so a save without it is refused, never
    taken as "the current version"."""
    message = MISSING_VERSION_MESSAGE
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=kwargs.pop("min_value", 1),
        error_messages={"required": message, "invalid": message, "min_value": message},
        **kwargs,
    )


class HiddenErrorsOnTop:
    """Form mixin: move errors of hidden fields to the form's non-field errors."""

    def full_clean(self):
        super().full_clean()
        errors = getattr(self, "_errors", None)
        if not errors:
            return
        for name, field in self.fields.items():
            if field.widget.is_hidden and name in errors:
                moved = errors.pop(name)
                if NON_FIELD_ERRORS not in errors:
                    errors[NON_FIELD_ERRORS] = self.error_class(error_class="nonfield", renderer=self.renderer)
                for message in moved:
                    if message not in errors[NON_FIELD_ERRORS]:
                        errors[NON_FIELD_ERRORS].append(message)


class OwnRowsMixin:
    """Formset mixin: every posted row id must be one of the formset's own rows (see the module)."""

    foreign_row_message = FOREIGN_ROW_MESSAGE

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields.get(self.model._meta.pk.name)
        if isinstance(field, forms.ModelChoiceField):
            # Stock Django validates against the model's whole table.
            field.queryset = self.get_queryset()

    def clean(self):
        self._check_own_rows()
        super().clean()

    def _check_own_rows(self) -> None:
        pk_field = self.model._meta.pk
        name = pk_field.name
        to_python = self._get_to_python(pk_field)
        own = {obj.pk for obj in self.get_queryset()}
        seen = set()
        for form in self.forms:
            raw = form.data.get(form.add_prefix(name))
            if raw is None or str(raw).strip() == "":
                continue
            try:
                pk = to_python(raw)
            except ValidationError:
                pk = None
            # The form must be bound to exactly the row it names, that row must be ours, and only once.
            if pk is None or pk not in own or pk != form.instance.pk or pk in seen:
                raise ValidationError(self.foreign_row_message, code="foreign_row")
            seen.add(pk)


class OwnRowsModelFormSet(OwnRowsMixin, BaseModelFormSet):
    pass


class OwnRowsInlineFormSet(OwnRowsMixin, BaseInlineFormSet):
    pass
