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
