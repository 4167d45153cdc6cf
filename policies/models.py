"""Poverty standards as versioned data.

A standard's numbers (income lines, bands, cut-off, indicator parameters) are rows here with their
legal source, validity dates and the confidence of each value, never literals in code. The pure
engine in ``policies.classification`` works on the ``StandardSpec`` these rows produce.

A standard is changed by adding a new version (same ``code``, next ``version``); a version used by
a closed review round is locked and never edited in place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies import classification as engine
from policies import eligibility


class Confidence(models.TextChoices):
    HIGH = "H", _("read in a source")
    MEDIUM_HIGH = "M-H", _("read in a source, partly confirmed")
    MEDIUM = "M", _("secondary source or partial text")
    LOW_MEDIUM = "L-M", _("weakly supported")
    LOW = "L", _("unverified")


class PovertyStandardQuerySet(models.QuerySet):
    def active_on(self, day) -> PovertyStandardQuerySet:
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def latest_versions(self) -> PovertyStandardQuerySet:
        return self.filter(superseded_by__isnull=True)


class PovertyStandard(models.Model):
    class Scope(models.TextChoices):
        NATIONAL = "national", _("National")
        CITY = "city", _("City (Đà Nẵng)")

    code = models.SlugField(_("code"), max_length=50, help_text=_("Same code for every version of one standard."))
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300, help_text=_("Document and article."))
    source = models.TextField(_("source"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    urban_income_line = models.PositiveBigIntegerField(_("urban income line (VND/person/month)"), null=True, blank=True)
    urban_average_upper = models.PositiveBigIntegerField(_("urban average-living upper band"), null=True, blank=True)
    rural_income_line = models.PositiveBigIntegerField(_("rural income line (VND/person/month)"), null=True, blank=True)
    rural_average_upper = models.PositiveBigIntegerField(_("rural average-living upper band"), null=True, blank=True)
    deprivation_cutoff = models.PositiveSmallIntegerField(_("deprivation cut-off"), null=True, blank=True)
    confidence = models.JSONField(_("confidence of values"), default=dict, blank=True)
    quick_screen_items = models.JSONField(
        _("quick screen (Form A) items"),
        default=list,
        blank=True,
        help_text=_("Checklist items; a household that meets any of them is not surveyed further."),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo values"), default=False)
    superseded_by = models.OneToOneField(
        "self", verbose_name=_("superseded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True, help_text=_("Set when a closed round used it."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = PovertyStandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("poverty standard")
        verbose_name_plural = _("poverty standards")
        ordering = ["scope", "valid_from", "code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="standard_code_version_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="standard_valid_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def thresholds_for(self, area_type: str) -> tuple[int | None, int | None]:
        return getattr(self, f"{area_type}_income_line"), getattr(self, f"{area_type}_average_upper")

    def confidence_of(self, key: str) -> str:
        return self.confidence.get(key, "")

    def to_spec(self, indicators: list[StandardIndicator] | None = None) -> engine.StandardSpec:
        """The plain-data form the pure engine takes (indicators from the prefetch cache if present)."""
        rows = indicators if indicators is not None else list(self.indicators.all())
        thresholds = {}
        for area in engine.AREA_TYPES:
            line, upper = self.thresholds_for(area)
            thresholds[area] = engine.AreaThresholds(income_line=int(line), average_upper=upper and int(upper)) if line else None
        return engine.StandardSpec(
            code=f"{self.code}@v{self.version}",
            name=self.name,
            legal_basis=self.legal_basis,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            thresholds=thresholds,
            deprivation_cutoff=self.deprivation_cutoff,
            indicators=tuple(row.to_spec() for row in rows),
        )


class StandardIndicator(models.Model):
    standard = models.ForeignKey(PovertyStandard, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.SlugField(_("key"), max_length=50)
    dimension = models.CharField(_("dimension"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    rule = models.CharField(_("rule"), max_length=50, help_text=_("Name of the rule function in policies.classification."))
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    confidence = models.JSONField(_("confidence of values"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deprivation indicator")
        verbose_name_plural = _("deprivation indicators")
        ordering = ["standard", "position"]
        constraints = [models.UniqueConstraint(fields=["standard", "key"], name="indicator_key_unique_per_standard")]

    def __str__(self) -> str:
        return self.name

    def to_spec(self) -> engine.IndicatorSpec:
        return engine.IndicatorSpec(key=self.key, dimension=self.dimension, name=self.name, rule=self.rule, params=self.params)


class SupportPolicy(models.Model):
    """A kind of city support (Resolution 75/2021/NQ-HĐND, amended by 45/2022/NQ-HĐND). What it grants,
    to whom and how much lives in its versions; an amendment is a new version, never an edit."""

    class Kind(models.TextChoices):
        HEALTH_INSURANCE = "health_insurance", _("Health insurance")
        EDUCATION = "education", _("Education")
        HOUSING = "housing", _("Housing")
        LAND = "land", _("Land-use fee")
        CREDIT = "credit", _("Credit")
        ELECTRICITY = "electricity", _("Electricity")
        ALLOWANCE = "allowance", _("Monthly allowance")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    legal_document = models.CharField(_("legal basis (document)"), max_length=200)
    legal_article = models.CharField(_("article"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo values"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support policy")
        verbose_name_plural = _("support policies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SupportPolicyVersionQuerySet(models.QuerySet):
    def overlapping(self, start, end) -> SupportPolicyVersionQuerySet:
        """Versions in force on at least one day of [start, end]."""
        return self.filter(Q(valid_from__lte=end), Q(valid_to__isnull=True) | Q(valid_to__gte=start))


class SupportPolicyVersion(models.Model):
    """One version of a support policy: from ``valid_from`` it replaces the older versions (which still
    answer for the days before). Target groups and member conditions are the plain data of
    ``policies.eligibility`` (a test loads every shipped version through it)."""

    class Per(models.TextChoices):
        PERSON = "person", _("per person")
        HOUSEHOLD = "household", _("per household")

    class Period(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        YEARLY = "yearly", _("yearly")
        ONE_OFF = "one_off", _("one-off")

    class Base(models.TextChoices):
        HEALTH_INSURANCE_PREMIUM = "health_insurance_premium", _("health-insurance premium")
        TUITION = "tuition", _("tuition fee")
        LAND_USE_FEE = "land_use_fee", _("land-use fee")

    policy = models.ForeignKey(SupportPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"), default=1)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    legal_document = models.CharField(_("legal basis (document)"), max_length=200)
    legal_article = models.CharField(_("article"), max_length=100, blank=True)
    target_groups = models.JSONField(
        _("target groups"),
        default=list,
        help_text=_(
            'For example [{"kind": "poor", "standard": "city-danang"}, {"kind": "escaped_poverty", '
            '"standard": "national-2022", "within_years": 3}].'
        ),
    )
    member_conditions = models.JSONField(
        _("member conditions"),
        default=list,
        blank=True,
        help_text=_('Any one of them; for example [{"age_from": 6, "age_to": 18, "in_school": true}]. Empty: every member.'),
    )
    per = models.CharField(_("benefit per"), max_length=10, choices=Per.choices, default=Per.PERSON)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, default=Period.MONTHLY)
    amount = models.PositiveBigIntegerField(_("amount (đồng)"), null=True, blank=True)
    percentage = models.DecimalField(_("percentage of the base"), max_digits=5, decimal_places=2, null=True, blank=True)
    base = models.CharField(_("base"), max_length=30, choices=Base.choices, blank=True)
    base_amount = models.PositiveBigIntegerField(_("base amount (đồng per period)"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True, blank=True)
    confidence = models.JSONField(_("confidence of values"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("demo values"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = SupportPolicyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("support policy version")
        verbose_name_plural = _("support policy versions")
        ordering = ["policy", "version"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "version"], name="policy_version_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")), name="policy_version_valid_range"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(percentage__isnull=True), name="policy_version_amount_or_percentage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} (v{self.version})"

    @property
    def amount_per_period(self):
        return self.to_spec().amount_per_period

    @property
    def has_amount(self) -> bool:
        return self.amount_per_period is not None

    def to_spec(self) -> eligibility.PolicyVersionSpec:
        return eligibility.spec_from_dict(
            {
                "policy": self.policy.code,
                "version": self.version,
                "name": self.policy.name,
                "legal_basis": f"{self.legal_document} {self.legal_article}".strip(),
                "valid_from": self.valid_from,
                "valid_to": self.valid_to,
                "target_groups": self.target_groups,
                "member_conditions": self.member_conditions,
                "per": self.per,
                "period": self.period,
                "amount": self.amount,
                "percentage": self.percentage,
                "base_amount": self.base_amount,
                "duration_months": self.duration_months,
            }
        )
