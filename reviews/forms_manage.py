"""Forms of the ward, district and city pages: they check shape; services check meaning."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policies import procedure
from policies.models import PovertyStandard
from reviews import services, workflow
from reviews.models import PublicHoliday, ReviewRequest, ReviewRound

MINUTES_MAX_BYTES = 10 * 1024 * 1024
# The first bytes of each accepted file type: the extension alone would let anything through.
MINUTES_SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), **kwargs)


class RoundOpenForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2021, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReviewRound.Kind.choices, initial=ReviewRound.Kind.PERIODIC)
    # Help texts and initial values come from the procedure in force (``policies.procedure``).
    starts_on = date_field(_("Starts on"), required=False)
    ends_on = date_field(_("Ends on"), required=False)
    survey_deadline = date_field(_("Survey deadline"), required=False)
    village_deadline = date_field(_("Village lists deadline"), required=False)
    ward_deadline = date_field(_("Ward lists deadline"), required=False)
    approval_deadline = date_field(_("Approval deadline"), required=False)
    effective_from = date_field(_("Results effective from"), required=False, help_text=_("Empty: 1 January of the next year."))
    standards = forms.ModelMultipleChoiceField(
        label=_("Standards applied"),
        queryset=PovertyStandard.objects.latest_versions(),
        widget=forms.CheckboxSelectMultiple,
    )
    primary_standard = forms.ModelChoiceField(
        label=_("Standard for the official status"), queryset=PovertyStandard.objects.latest_versions()
    )
    posting_working_days = forms.IntegerField(label=_("Public posting (working days)"), min_value=1, max_value=30)
    recheck_working_days = forms.IntegerField(label=_("Complaint re-check, phúc tra (working days)"), min_value=1, max_value=30)
    widen_scope = forms.BooleanField(
        label=_("Village heads may propose other households"),
        required=False,
        help_text=_("Off by default: the law names the current lists and households that filed a request."),
    )

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        effective = date(today.year + 1, 1, 1)
        self.fields["year"].initial = today.year
        rules = procedure.rules_on(today)
        starts_on, ends_on = rules.periodic_window(today.year)
        self.fields["starts_on"].initial = starts_on
        self.fields["ends_on"].initial = ends_on
        self.fields["starts_on"].help_text = _("Empty: %(day)s of the year (periodic review, %(basis)s).") % {
            "day": starts_on.strftime("%d/%m"),
            "basis": rules.sources["periodic_window"].basis,
        }
        self.fields["ends_on"].help_text = _("Empty: %(day)s of the year (periodic review, %(basis)s).") % {
            "day": ends_on.strftime("%d/%m"),
            "basis": rules.sources["periodic_window"].basis,
        }
        for name in ("posting_working_days", "recheck_working_days"):
            self.fields[name].initial = getattr(rules, name)
            self.fields[name].help_text = procedure.period_help_text(rules, name)
        self.fields["effective_from"].initial = effective
        defaults = list(services.default_standards_for(effective))
        self.fields["standards"].initial = [s.pk for s in defaults]
        national = [s for s in defaults if s.scope == PovertyStandard.Scope.NATIONAL]
        if national:
            self.fields["primary_standard"].initial = national[0].pk

    def clean(self):
        data = super().clean()
        primary, standards = data.get("primary_standard"), data.get("standards")
        if primary is not None and standards is not None and primary not in standards:
            self.add_error("primary_standard", _("The standard for the official status must be one of the standards applied."))
        return data


class RoundDeadlinesForm(forms.Form):
    survey_deadline = date_field(_("Survey deadline"), required=False)
    village_deadline = date_field(_("Village lists deadline"), required=False)
    ward_deadline = date_field(_("Ward lists deadline"), required=False)
    approval_deadline = date_field(_("Approval deadline"), required=False)


class MeetingForm(forms.Form):
    held_on = date_field(_("Held on"))
    attendees = forms.IntegerField(label=_("Attendees"), min_value=1)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0)
    minutes = forms.FileField(
        label=_("Minutes"),
        required=False,
        help_text=_("The signed minutes, scanned: PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def clean_minutes(self):
        upload = self.cleaned_data.get("minutes")
        if not upload:
            return upload
        if upload.size > MINUTES_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        signatures = MINUTES_SIGNATURES.get(Path(upload.name).suffix.lower())
        head = upload.read(8)
        upload.seek(0)
        if signatures is None or not head.startswith(signatures):
            raise forms.ValidationError(_("Upload a PDF, JPEG or PNG file."))
        return upload

    def clean(self):
        data = super().clean()
        attendees, votes_for, votes_against = (data.get(k) for k in ("attendees", "votes_for", "votes_against"))
        if None not in (attendees, votes_for, votes_against) and votes_for + votes_against > attendees:
            raise forms.ValidationError(_("Votes for and against cannot add up to more than the attendees."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class PostForm(forms.Form):
    starts_on = date_field(_("Posting starts on"))

    def __init__(self, *args, round_: ReviewRound, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.today = today or timezone.localdate()
        self.fields["starts_on"].help_text = _(
            "The day the list is put up at the ward office and the village halls: within the round, at most %(days)d days ago."
        ) % {"days": settings.POSTING_BACKDATE_GRACE_DAYS}

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        workflow.check_posting_start(self.round, starts_on, today=self.today)
        return starts_on


class OpinionForm(forms.Form):
    """The approving unit's opinion on one list: asked to confirm it has read what the page shows."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)
    confirmed = forms.BooleanField(
        label=_("I have checked the list's figures, its households and its complaints."),
        error_messages={"required": _("Tick “I have checked” to confirm the opinion.")},
    )


class BulkOpinionForm(OpinionForm):
    """One opinion for several ward lists (the lists are read from the checkboxes, each checked on its own)."""

    decision = forms.ChoiceField(
        label=_("Opinion"),
        choices=[("approve", _("Approve the ward lists")), ("return", _("Return the ward lists with remarks"))],
        widget=forms.RadioSelect,
    )
    field_order = ["decision", "reason", "confirmed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _(
            "Required to return (the same remarks go to every ward); to approve after the deadline, the reason for the delay."
        )
        self.fields["confirmed"].label = _("I have checked the figures, households and complaints of every list I ticked.")


class ComplaintForm(forms.Form):
    """The household is chosen among the ward's cases of the round (searched by name or code, never typed):
    any other id, another ward's included, is not a valid choice."""

    case = forms.ModelChoiceField(
        label=_("Household"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("Search by the head's name or the household code above, then choose the household."),
        error_messages={"invalid_choice": _("Choose a household of this ward's list in this round.")},
    )
    received_on = date_field(_("Received on"))
    complainant = forms.CharField(label=_("Complainant"), max_length=150)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, cases, choices, **kwargs):
        """``cases``: the ward's cases of the round (what may be chosen); ``choices``: (id, label) of
        the households the search found, plus the one chosen, the only ones listed."""
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].widget.choices = choices


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Result of the re-check"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the re-check found and what changed in the survey."),
    )


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=50, help_text=_("For example 123/QĐ-UBND."))
    decision_date = date_field(_("Decision date"))


class RequestForm(forms.Form):
    household_code = forms.CharField(label=_("Household code"), max_length=30)
    form = forms.ChoiceField(label=_("Form"), choices=ReviewRequest.Form.choices)
    received_on = date_field(_("Received on"))
    channel = forms.ChoiceField(label=_("Channel"), choices=ReviewRequest.Channel.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class HolidayForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=PublicHoliday.Kind.choices,
        initial=PublicHoliday.Kind.DAY_OFF,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("A working day (làm bù) is a Saturday or Sunday that the announcement declares a working day."),
    )
    day = date_field(_("Date"), error_messages={"required": _("Give the date of the holiday.")})
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        error_messages={"required": _("Give the holiday's name.")},
        help_text=_("For example: Tết Nguyên đán, Giỗ Tổ Hùng Vương, Quốc khánh (ngày nghỉ thứ hai), nghỉ bù, làm bù."),
    )
    announcement = forms.CharField(
        label=_("Announcement number"),
        max_length=100,
        required=False,
        help_text=_("Required for a working day. For example 6150/TB-BLĐTBXH."),
    )
    swapped_with = date_field(
        _("Swapped with"),
        required=False,
        help_text=_("The day off this working day makes up for, or the working day this day off is swapped with."),
    )
    note = forms.CharField(
        label=_("Legal basis / note"),
        max_length=255,
        required=False,
        help_text=_("The announcement that sets the day, e.g. the government's notice on the year's holidays."),
    )

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or PublicHoliday.Kind.DAY_OFF


class HolidayConfirmForm(forms.Form):
    announcement = forms.CharField(
        label=_("Announcement number"),
        max_length=100,
        error_messages={"required": _("Give the number of the announcement that sets this day.")},
        help_text=_("The government's announcement that sets this day, e.g. 6150/TB-BLĐTBXH."),
    )
    name = forms.CharField(label=_("Name"), max_length=150, required=False, help_text=_("Empty: keep the suggested name."))
