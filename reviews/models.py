"""Review rounds and everything that happens in them.

A round (periodic: 1 Sep – 14 Dec; or the regular monthly review) puts households in scope as
*cases*. The village head screens (Form A) and surveys (Form B) each case; the engine classifies
it against every standard the round applies (``CaseResult``). Village lists go to the ward, which
records the village meeting, posts the list, handles complaints and sends the ward list to the
approving unit; after approval the ward records the chairman's decision and each result becomes the
household's official status for the year (``OfficialStatus``). Every state change is a
``Transition`` row (who, when, why), written by ``reviews.workflow``.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households import access
from households.models import AdminUnit, Household, Member
from households.retention import past_retention
from policies import procedure
from policies.models import PovertyStandard


class Class(models.TextChoices):
    """Household classes, the vocabulary of policies.classification.CLASSES."""

    POOR = "poor", _("Poor household")
    NEAR_POOR = "near_poor", _("Near-poor household")
    AVERAGE = "average", _("Average living standard")
    NOT_POOR = "not_poor", _("Not poor or near-poor")


class Movement(models.TextChoices):
    """Vocabulary of policies.movement."""

    ESCAPED_POVERTY = "escaped_poverty", _("Escaped poverty")
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty", _("Escaped near-poverty")
    NEW_POOR = "new_poor", _("New poor")
    RE_POOR = "re_poor", _("Re-poor")
    NEW_NEAR_POOR = "new_near_poor", _("New near-poor")
    UNCHANGED = "unchanged", _("Unchanged")


class ReviewRound(models.Model):
    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic (annual)")
        REGULAR = "regular", _("Regular (monthly)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERIODIC)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    survey_deadline = models.DateField(_("survey deadline"), null=True, blank=True)
    village_deadline = models.DateField(_("village lists deadline"), null=True, blank=True)
    ward_deadline = models.DateField(_("ward lists deadline"), null=True, blank=True)
    approval_deadline = models.DateField(_("approval deadline"), null=True, blank=True)
    PHASE_DEADLINES = ("survey_deadline", "village_deadline", "ward_deadline", "approval_deadline")
    effective_from = models.DateField(_("results effective from"))
    standards = models.ManyToManyField(PovertyStandard, verbose_name=_("standards applied"), related_name="rounds")
    primary_standard = models.ForeignKey(
        PovertyStandard,
        verbose_name=_("standard for the official status"),
        on_delete=models.PROTECT,
        related_name="primary_rounds",
    )
    # A round keeps its own periods; a new one starts from the procedure in force (``policies.procedure``).
    posting_working_days = models.PositiveSmallIntegerField(
        _("public posting (working days)"), default=procedure.default_posting_working_days
    )
    recheck_working_days = models.PositiveSmallIntegerField(
        _("complaint re-check (working days)"), default=procedure.default_recheck_working_days
    )
    widen_scope = models.BooleanField(
        _("village heads may propose other households"),
        default=False,
        help_text=_("Off by default: the law names the current lists and households that filed a request."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="one_round_per_kind_and_year"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="round_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def deadline_passed(self, name: str, today: date) -> date | None:
        """The phase deadline ``name`` if ``today`` is after it (its own day is still in time), else None."""
        deadline = getattr(self, name)
        return deadline if deadline is not None and today > deadline else None

    def deadlines_passed(self, today: date) -> dict[str, bool]:
        return {name: self.deadline_passed(name, today) is not None for name in self.PHASE_DEADLINES}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ReviewRequest(models.Model):
    """A household's request (Form 01 to be reviewed, Form 04 to be recognised as out of poverty)."""

    class Form(models.TextChoices):
        FORM_01 = "form01", _("Form 01 – request to be reviewed")
        FORM_04 = "form04", _("Form 04 – request to be recognised as out of poverty")

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person at the ward office")
        VILLAGE_HEAD = "village_head", _("Through the village head")
        POST = "post", _("By post")
        ONLINE = "online", _("Online public service")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="review_requests"
    )
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    due_on = models.DateField(_("decision due on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["-received_on"]

    def __str__(self) -> str:
        return f"{self.get_form_display()} – {self.household}"


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        return self.filter(access.unit_q(user, "village__"))


class Case(models.Model):
    """One household in one round: its quick screen, its survey answers and its computed result."""

    class Inclusion(models.TextChoices):
        POOR_LIST = "poor_list", _("On the current poor list")
        NEAR_POOR_LIST = "near_poor_list", _("On the current near-poor list")
        FORM_01 = "form01", _("Filed Form 01")
        FORM_04 = "form04", _("Filed Form 04")
        PROPOSED = "proposed", _("Proposed by the village head")

    class Status(models.TextChoices):
        TO_SCREEN = "to_screen", _("To screen")
        SCREENED_OUT = "screened_out", _("Excluded by the quick screen")
        TO_SURVEY = "to_survey", _("To survey")
        SURVEYED = "surveyed", _("Surveyed")

    round = models.ForeignKey(ReviewRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="cases")
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="review_cases")
    village = models.ForeignKey(AdminUnit, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    inclusion = models.CharField(_("why in scope"), max_length=20, choices=Inclusion.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TO_SCREEN)
    reopened = models.BooleanField(_("reopened by a complaint"), default=False)
    # Form A: keys of the standard's quick-screen items the household meets.
    quick_screen = models.JSONField(_("quick screen answers"), default=list, blank=True)
    # Form B, household part (member facts are CaseMember rows).
    durable_walls = models.BooleanField(_("walls of durable material"), default=True)
    durable_columns = models.BooleanField(_("columns of durable material"), default=True)
    durable_roof = models.BooleanField(_("roof of durable material"), default=True)
    floor_area_m2 = models.DecimalField(_("floor area (m²)"), max_digits=7, decimal_places=2, null=True, blank=True)
    water_source = models.CharField(_("drinking water source"), max_length=30, blank=True)
    latrine = models.CharField(_("latrine"), max_length=30, blank=True)
    uses_telecom = models.BooleanField(_("a member uses telephone or internet services"), default=True)
    devices = models.JSONField(_("information devices"), default=list, blank=True)
    within_loudspeaker_reach = models.BooleanField(_("within reach of the village loudspeaker"), default=True)
    # Đồng over the last 12 months per source; NULL = not answered yet (never read as 0), 0 = none.
    income_wages = models.PositiveBigIntegerField(_("wages and salaries"), null=True, blank=True)
    income_agriculture = models.PositiveBigIntegerField(_("net farm, forest and fishery income"), null=True, blank=True)
    income_business = models.PositiveBigIntegerField(_("business and services"), null=True, blank=True)
    income_pension = models.PositiveBigIntegerField(_("pensions"), null=True, blank=True)
    income_social_allowance = models.PositiveBigIntegerField(_("state social allowances"), null=True, blank=True)
    income_remittances = models.PositiveBigIntegerField(_("remittances"), null=True, blank=True)
    income_other = models.PositiveBigIntegerField(_("other income"), null=True, blank=True)
    in_agriculture = models.BooleanField(_("works in agriculture, forestry, fishery or salt-making"), default=False)
    sections_done = models.JSONField(_("survey sections saved"), default=list, blank=True)
    # Answers to declared household facts (policies/facts.py) that no column above holds, keyed by
    # fact in JSON form; checked against the declaration on save (reviews.facts.check_case_answers).
    answers = models.JSONField(_("other survey answers"), default=dict, blank=True)
    # Result against the round's primary standard (all standards: CaseResult).
    result_class = models.CharField(_("result"), max_length=20, choices=Class.choices, blank=True)
    movement = models.CharField(_("movement"), max_length=30, choices=Movement.choices, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Answers and result as they were before each change (``reviews.history`` records them: the services
    # write cases with conditional UPDATEs, which send no signal). Who saved is the history's user.
    history = HistoricalRecords(excluded_fields=["version", "updated_at", "updated_by"])
    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("review case")
        verbose_name_plural = _("review cases")
        ordering = ["village__code", "household__code"]
        constraints = [models.UniqueConstraint(fields=["round", "household"], name="one_case_per_household_and_round")]
        indexes = [models.Index(fields=["round", "village", "status"], name="case_round_village_status")]

    def __str__(self) -> str:
        return f"{self.household} – {self.round}"

    INCOME_FIELDS = {
        "wages": "income_wages",
        "agriculture": "income_agriculture",
        "business": "income_business",
        "pension": "income_pension",
        "social_allowance": "income_social_allowance",
        "remittances": "income_remittances",
        "other": "income_other",
    }


class CaseMember(models.Model):
    """A member as surveyed: prefilled from the registry, corrected by the village head."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    full_name = models.CharField(_("full name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Member.Sex.choices)
    has_health_insurance = models.BooleanField(_("has a health insurance card"), default=True)
    schooling = models.CharField(
        _("attending now"), max_length=20, choices=Member.Schooling.choices, default=Member.Schooling.NONE
    )
    education = models.CharField(
        _("highest education completed"), max_length=20, choices=Member.Education.choices, default=Member.Education.NONE
    )
    has_vocational_training = models.BooleanField(_("has vocational or on-the-job training"), default=False)
    employment = models.CharField(
        _("employment"), max_length=30, choices=Member.Employment.choices, default=Member.Employment.OTHER_NOT_WORKING
    )
    working_capacity = models.CharField(
        _("working capacity"), max_length=10, choices=Member.WorkingCapacity.choices, default=Member.WorkingCapacity.FULL
    )
    has_disability = models.BooleanField(_("has a disability"), default=False)
    receives_social_allowance = models.BooleanField(_("receives a monthly social allowance"), default=False)
    nutrition = models.CharField(
        _("nutrition (children under 16)"), max_length=20, choices=Member.Nutrition.choices, default=Member.Nutrition.NORMAL
    )
    # Answers to declared member facts no column above holds, keyed by fact in JSON form.
    answers = models.JSONField(_("other survey answers"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("surveyed member")
        verbose_name_plural = _("surveyed members")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.full_name


class CaseResult(models.Model):
    """The engine's result for one case against one standard, with its structured reasons."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="results")
    standard = models.ForeignKey(PovertyStandard, on_delete=models.PROTECT, related_name="+")
    household_class = models.CharField(_("class"), max_length=20, choices=Class.choices, blank=True)
    income_per_person_month = models.DecimalField(_("income per person per month"), max_digits=14, decimal_places=2)
    deprivation_count = models.PositiveSmallIntegerField(_("deprivations"))
    deprived_keys = models.JSONField(default=list)
    explanation = models.JSONField(default=dict, help_text="The engine's result as plain data, for explaining it later.")
    computed_at = models.DateTimeField(auto_now=True)

    # The figures a result is judged by; the explanation is the engine's working, recomputed each time.
    history = HistoricalRecords(excluded_fields=["explanation", "computed_at"])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "standard"], name="one_result_per_case_and_standard")]

    def __str__(self) -> str:
        return f"{self.case} – {self.standard}: {self.household_class}"


class VillageTally(models.Model):
    """How many of a village's cases in a round are in each state and class, and how many of its poor and
    near-poor households are deprived on each indicator: the dashboards add these up instead of counting
    hundreds of thousands of cases. Kept exact by ``reviews.tallies`` (see there); never edited by hand.

    Three kinds of rows: ``standard`` empty — cases by status, movement and the case's result class;
    ``standard`` set and ``indicator`` empty — that standard's results by class; both set — poor or
    near-poor results under that standard deprived on that indicator.
    """

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="+")
    standard = models.ForeignKey(PovertyStandard, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    status = models.CharField(max_length=20, blank=True)
    movement = models.CharField(max_length=30, blank=True)
    household_class = models.CharField(max_length=20, blank=True)
    indicator = models.CharField(max_length=50, blank=True)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["round", "village"], name="tally_round_village")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.village_id}: {self.n}"


class VillageList(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Being surveyed")
        SUBMITTED = "submitted", _("Submitted to the ward")
        MEETING_PASSED = "meeting_passed", _("Agreed at the village meeting")
        RETURNED = "returned", _("Returned for re-survey")

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="village_lists")
    village = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    remarks = models.TextField(_("remarks"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("village list")
        verbose_name_plural = _("village lists")
        constraints = [models.UniqueConstraint(fields=["round", "village"], name="one_village_list_per_round")]

    def __str__(self) -> str:
        return f"{self.village} – {self.round}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.RETURNED)


class VillageMeeting(models.Model):
    """The village meeting: at least the procedure's share of the attendees must agree with the list
    (``policies.procedure``)."""

    village_list = models.ForeignKey(VillageList, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("held on"))
    attendees = models.PositiveIntegerField(_("attendees"))
    votes_for = models.PositiveIntegerField(_("votes for"))
    votes_against = models.PositiveIntegerField(_("votes against"))
    minutes = models.FileField(_("minutes"), upload_to="meetings/%Y/", blank=True)
    passed = models.BooleanField(_("passed"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("village meeting")
        verbose_name_plural = _("village meetings")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(votes_for__lte=models.F("attendees")), name="meeting_votes_for_within_attendees"),
            models.CheckConstraint(
                condition=Q(votes_against__lte=models.F("attendees") - models.F("votes_for")),
                name="meeting_votes_within_attendees",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_list} – {self.held_on}"


class WardList(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Villages at work")
        POSTED = "posted", _("Publicly posted")
        SUBMITTED = "submitted", _("Sent for opinion")
        RETURNED = "returned", _("Returned with remarks")
        APPROVED = "approved", _("Approved")
        DECIDED = "decided", _("Decided by the chairman")

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="ward_lists")
    ward = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(AdminUnit, verbose_name=_("approving unit"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    posting_starts_on = models.DateField(_("posting starts on"), null=True, blank=True)
    posting_ends_on = models.DateField(_("posting ends on"), null=True, blank=True)
    remarks = models.TextField(_("remarks of the approving unit"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("ward list")
        verbose_name_plural = _("ward lists")
        constraints = [models.UniqueConstraint(fields=["round", "ward"], name="one_ward_list_per_round")]

    def __str__(self) -> str:
        return f"{self.ward} – {self.round}"


class Complaint(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Being re-checked")
        RESOLVED = "resolved", _("Resolved")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="complaints")
    received_on = models.DateField(_("received on"))
    complainant = models.CharField(_("complainant"), max_length=150)
    content = models.TextField(_("content"))
    recheck_due_on = models.DateField(_("re-check due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # When it was entered (``received_on`` may be days earlier): the re-check's changes are the case's
    # history from then on. Empty for complaints recorded before it was kept.
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} – {self.received_on}"


class Transition(models.Model):
    """Audit log of every state change: who, when, why, from which state to which."""

    ACTION_LABELS = {
        "round_open": _("Round opened"),
        "round_close": _("Round closed"),
        "round_settings": _("Round settings changed"),
        "case_add": _("Household added to the round"),
        "case_screen": _("Quick screen recorded"),
        "case_survey": _("Survey section saved"),
        "case_complete": _("Survey completed"),
        "case_incomplete": _("Survey incomplete again (an answer was emptied)"),
        "village_submit": _("Village list submitted to the ward"),
        "village_return": _("Village list returned for re-survey"),
        "meeting_record": _("Village meeting recorded"),
        "ward_post": _("List publicly posted"),
        "complaint_record": _("Complaint recorded"),
        "complaint_resolve": _("Complaint resolved"),
        "ward_submit": _("Ward list sent for opinion"),
        "ward_return": _("Ward list returned with remarks"),
        "ward_approve": _("Ward list approved"),
        "ward_decide": _("Chairman's decision recorded"),
        "ward_reopen": _("Ward list reopened"),
        "holiday_add": _("Public holiday added"),
        "holiday_remove": _("Public holiday removed"),
        "holiday_suggest": _("Expected public holidays suggested"),
        "holiday_confirm": _("Expected public holiday confirmed"),
        "holiday_reject": _("Expected public holiday rejected"),
        "posting_rescheduled": _("Posting end date counted again after a public holiday change"),
        "recheck_rescheduled": _("Re-check due date counted again after a public holiday change"),
        "territory_change": _("Territory changed: village moved, merged or split"),
    }

    # Empty for changes that belong to no round (the public holidays every round's periods count on).
    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="transitions", null=True, blank=True)
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions", null=True, blank=True)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["household", "at"], name="transition_household_at")]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))


class OfficialStatusQuerySet(models.QuerySet):
    def visible_to(self, user) -> OfficialStatusQuerySet:
        return self.filter(access.unit_q(user, "household__village__"))

    def current(self) -> OfficialStatusQuerySet:
        return self.filter(revoked_at__isnull=True)


class OfficialStatus(models.Model):
    """A household's recognised class for a year, made official by the ward chairman's decision."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="official_statuses")
    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="official_statuses")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="official_status")
    ward = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    standard = models.ForeignKey(PovertyStandard, on_delete=models.PROTECT, related_name="+")
    household_class = models.CharField(_("class"), max_length=20, choices=Class.choices)
    movement = models.CharField(_("movement"), max_length=30, choices=Movement.choices, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50)
    decision_date = models.DateField(_("decision date"))
    effective_from = models.DateField(_("effective from"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = OfficialStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("official status")
        verbose_name_plural = _("official statuses")
        ordering = ["-effective_from", "-id"]
        indexes = [models.Index(fields=["household", "effective_from"], name="official_household_effective")]

    def __str__(self) -> str:
        return f"{self.household} – {self.year}: {self.household_class}"


class PublicHolidayQuerySet(models.QuerySet):
    def between(self, first: date, last: date) -> PublicHolidayQuerySet:
        return self.filter(day__range=(first, last))

    def in_year(self, year: int) -> PublicHolidayQuerySet:
        return self.filter(day__year=year)

    def counted(self) -> PublicHolidayQuerySet:
        """The days the working-day periods count on: confirmed ones only (a suggestion is not yet law)."""
        return self.filter(status=PublicHoliday.Status.CONFIRMED)


class PublicHoliday(models.Model):
    """A day of the working-day calendar that differs from "Monday to Friday": a public holiday (a
    weekday off) or a Saturday / Sunday declared a working day (làm bù, usually swapped with a weekday
    off to bridge a holiday). Only confirmed days count in the posting and re-check periods.

    The fixed solar-calendar days of the Labour Code 2019 (Law 45/2019/QH14, Article 112) ship as
    data (``load_holidays``); Tết, Hùng Kings' day and the second National Day holiday move every
    year and are announced by the government: the portal offers them computed from the lunar calendar
    (the ``holidays`` package) as expected days, which count once the city officer confirms each with
    the announcement's number.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Working day (làm bù)")

    class Status(models.TextChoices):
        EXPECTED = "expected", _("Expected")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DAY_OFF)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED)
    name = models.CharField(_("name"), max_length=150)
    announcement = models.CharField(
        _("announcement number"),
        max_length=100,
        blank=True,
        help_text=_("The number of the government's announcement that sets the day, e.g. 6150/TB-BLĐTBXH."),
    )
    # The weekday off that a declared working day makes up for (or the other way round); shown only.
    swapped_with = models.DateField(_("swapped with"), null=True, blank=True)
    # Offered by the portal from the lunar calendar (``holidays_suggest``) rather than typed in.
    computed = models.BooleanField(_("computed from the calendar"), default=False)
    note = models.CharField(_("legal basis / note"), max_length=255, blank=True)
    # Empty for the days loaded from the shipped file by ``load_holidays``.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = PublicHolidayQuerySet.as_manager()

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["day"]
        constraints = [
            # A rejected suggestion stays (so suggesting again does not offer it again) beside the day
            # the officer enters instead.
            models.UniqueConstraint(fields=["day"], condition=~Q(status="rejected"), name="publicholiday_one_live_entry_per_day"),
            # A declared working day, or a computed day, counts only on the strength of an announcement.
            models.CheckConstraint(
                condition=~Q(status="confirmed") | ~(Q(kind="working_day") | Q(computed=True)) | ~Q(announcement=""),
                name="publicholiday_confirmed_by_an_announcement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} – {self.name}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.WORKING_DAY

    @property
    def is_expected(self) -> bool:
        return self.status == self.Status.EXPECTED

    @property
    def is_counted(self) -> bool:
        return self.status == self.Status.CONFIRMED

    def removable_on(self, today: date) -> bool:
        """Only a future day can be removed: one that has begun may already count in a recorded period."""
        return self.day > today

    @property
    def removable(self) -> bool:
        return self.removable_on(timezone.localdate())


def _export_path(job: ExportJob, filename: str) -> str:
    return f"exports/{job.pk}/{filename}"


class ExportJob(models.Model):
    """An Excel export too long for one request: built by the task worker, kept for the user who asked."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    report = models.CharField(_("report"), max_length=30)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=_export_path, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_removed_at = models.DateTimeField(_("file removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.report} – {self.unit} – {self.round}"

    @property
    def file_expired(self) -> bool:
        return past_retention(self.finished_at, self.file_removed_at)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class Notification(models.Model):
    """A message to one user about work waiting for them (``reviews.notifications``): in the portal's inbox,
    and by e-mail unless they turned it off. The text is made from ``kind`` and ``data`` when read, in the
    reader's language; ``key`` makes the same event reach the same user once, however often it is raised."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30)
    key = models.CharField(max_length=120)
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    url = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_user_and_event")]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"


class NotificationSettings(models.Model):
    """Whether a user is also e-mailed (the inbox always has everything)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings")
    email = models.BooleanField(_("also send by e-mail"), default=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}: e-mail {'on' if self.email else 'off'}"
