"""The territory (administrative units), the people (households, members) and who works where.

Area scoping is not decided here: the QuerySet methods ``visible_to(user)`` delegate to
``households.access``, the one place that knows what a user may reach.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from households import access, citizen_ids, names
from households.retention import past_retention
from policies import facts, vocabulary


class AdminUnitQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AdminUnitQuerySet":
        return self.filter(access.unit_q(user))

    def current(self) -> "AdminUnitQuerySet":
        return self.filter(valid_to__isnull=True)

    def villages(self) -> "AdminUnitQuerySet":
        return self.filter(level=AdminUnit.Level.VILLAGE)

    def wards(self) -> "AdminUnitQuerySet":
        return self.filter(level__in=AdminUnit.WARD_LEVELS)

    def under(self, unit: "AdminUnit") -> "AdminUnitQuerySet":
        return self.filter(path__startswith=unit.path)


class AdminUnit(models.Model):
    """One node of the tree city › district › ward/commune/special zone › village/residential group."""

    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        WARD = "ward", _("Ward")
        COMMUNE = "commune", _("Commune")
        SPECIAL_ZONE = "special_zone", _("Special zone")
        VILLAGE = "village", _("Village / residential group")

    class AreaType(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")

    # Commune-level units: the level that runs the review (steering board, chairman's decision).
    WARD_LEVELS = (Level.WARD, Level.COMMUNE, Level.SPECIAL_ZONE)

    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("GSO code; villages get ward code + number."))
    name = models.CharField(_("name"), max_length=150)
    unit_type = models.CharField(_("type"), max_length=50, help_text=_("As GSO writes it: Quận, Huyện, Phường, Xã …"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Materialised path of codes, e.g. "/48/492/20227/20227-003/": subtree queries are one indexed prefix match.
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    area_type = models.CharField(_("area type"), max_length=10, choices=AreaType.choices, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=Q(level="city") | Q(parent__isnull=False), name="unit_has_parent_unless_city"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ward_level(self) -> bool:
        return self.level in self.WARD_LEVELS

    def ancestor_codes(self) -> list[str]:
        """Codes from the city down to this unit, read from the path without a query."""
        return [code for code in self.path.split("/") if code]


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user) -> "HouseholdQuerySet":
        return self.filter(access.unit_q(user, "village__"))

    def active(self) -> "HouseholdQuerySet":
        return self.filter(status=Household.Status.ACTIVE)

    def in_unit(self, unit: AdminUnit) -> "HouseholdQuerySet":
        return self.filter(village__path__startswith=unit.path)


class Household(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left the area")

    code = models.CharField(_("household code"), max_length=30, unique=True)
    village = models.ForeignKey(
        AdminUnit,
        verbose_name=_("village / residential group"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": AdminUnit.Level.VILLAGE},
    )
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    in_agriculture = models.BooleanField(
        _("works in agriculture, forestry, fishery or salt-making"),
        default=False,
        help_text=_("Average-living-standard identification applies nationally only to these households."),
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # Optimistic concurrency: a save carries the version it was read at; a stale one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])
    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["code"]
        indexes = [models.Index(fields=["village", "status"], name="household_village_status")]

    def __str__(self) -> str:
        return self.code


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MemberQuerySet":
        return self.filter(access.unit_q(user, "household__village__"))

    def active(self) -> "MemberQuerySet":
        return self.filter(left_on__isnull=True)


class Member(models.Model):
    """A person in a household. Members leave with a date and a reason; they are never deleted."""

    class Relationship(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        SIBLING = "sibling", _("Sibling")
        CHILD_IN_LAW = "child_in_law", _("Son/daughter-in-law")
        OTHER_RELATIVE = "other_relative", _("Other relative")
        OTHER = "other", _("Other")

    # The values and labels below are declared once, in policies/facts.py.
    Sex = vocabulary.text_choices("sex", "Sex")
    Schooling = vocabulary.text_choices("schooling", "Schooling")
    Education = vocabulary.text_choices("education", "Education")
    Employment = vocabulary.text_choices("employment", "Employment")
    WorkingCapacity = vocabulary.text_choices("working_capacity", "WorkingCapacity")
    Nutrition = vocabulary.text_choices("nutrition", "Nutrition")

    class LeftReason(models.TextChoices):
        DIED = "died", _("Died")
        MOVED = "moved", _("Moved away")
        MARRIED = "married", _("Married into another household")
        SPLIT = "split", _("Split into a new household")
        # The duplicate review found this record to be the same person as ``merged_into``.
        MERGED = "merged", _("Recorded twice: merged into another record")
        OTHER = "other", _("Other")

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="members")
    full_name = models.CharField(_("full name"), max_length=150)
    # ``names.name_key(full_name)``, kept by ``save()`` and by every bulk write (import, demo): the
    # duplicate review matches it with the date of birth through an index.
    name_key = models.CharField(_("name for matching"), max_length=150, editable=False, default="")
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, default="01", help_text=_("GSO ethnic group code"))
    relationship = models.CharField(_("relationship to head"), max_length=20, choices=Relationship.choices)
    id_number = models.CharField(_("citizen ID number"), max_length=12, blank=True, db_index=True)
    has_health_insurance = models.BooleanField(_("has a health insurance card"), default=True)
    schooling = models.CharField(_("attending now"), max_length=20, choices=Schooling.choices, default=Schooling.NONE)
    education = models.CharField(
        _("highest education completed"), max_length=20, choices=Education.choices, default=Education.NONE
    )
    has_vocational_training = models.BooleanField(_("has vocational or on-the-job training"), default=False)
    employment = models.CharField(
        _("employment"), max_length=30, choices=Employment.choices, default=Employment.OTHER_NOT_WORKING
    )
    working_capacity = models.CharField(
        _("working capacity"), max_length=10, choices=WorkingCapacity.choices, default=WorkingCapacity.FULL
    )
    has_disability = models.BooleanField(_("has a disability"), default=False)
    receives_social_allowance = models.BooleanField(_("receives a monthly social allowance"), default=False)
    nutrition = models.CharField(
        _("nutrition (children under 16)"), max_length=20, choices=Nutrition.choices, default=Nutrition.NORMAL
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason for leaving"), max_length=10, choices=LeftReason.choices, blank=True)
    left_note = models.CharField(_("note on leaving"), max_length=255, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("same person as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version", "name_key"])
    objects = MemberQuerySet.as_manager()

    # What a person is (identity) and what the survey asks about them (facts the rules read).
    PERSON_FIELDS = facts.PERSON_KEYS
    IDENTITY_FIELDS = ("ethnicity", "relationship", "id_number")
    # The declared member facts this model has a column for (set below, once the columns exist).
    FACT_FIELDS: tuple[str, ...] = ()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relationship="head", left_on__isnull=True),
                name="one_active_head_per_household",
            ),
            # Two imports at once once added every person twice; the import now takes a per-ward lock,
            # and the database refuses the same ID number twice among a household's active members.
            models.UniqueConstraint(
                fields=["household", "id_number"],
                condition=Q(left_on__isnull=True) & ~Q(id_number=""),
                name="one_active_member_per_id_number_in_household",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, left_reason="") | Q(left_on__isnull=False) & ~Q(left_reason=""),
                name="member_left_has_date_and_reason",
            ),
        ]
        indexes = [
            # The duplicate review's two rules, over active members only (households.duplicates).
            models.Index(
                fields=["id_number"],
                condition=Q(left_on__isnull=True) & ~Q(id_number=""),
                name="member_active_id_number",
            ),
            models.Index(
                fields=["name_key", "date_of_birth"],
                condition=Q(left_on__isnull=True) & ~Q(name_key=""),
                name="member_active_name_birth",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        # A derived column, like a generated one: the folding is Python (no portable SQL for it).
        self.name_key = names.name_key(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    @property
    def masked_id_number(self) -> str:
        return citizen_ids.mask(self.id_number)

    def clean(self) -> None:
        """The ID number must agree with the member's sex and birth date; the ethnicity must be a GSO code."""
        from households.validation import ethnicity_codes, id_number_messages

        errors: dict[str, list] = {}
        self.id_number = citizen_ids.normalize(self.id_number)
        if self.id_number:
            messages = id_number_messages(self.id_number, sex=self.sex or None, birth_date=self.date_of_birth)
            if messages:
                errors["id_number"] = [ValidationError(m, code="id_number") for m in messages]
        if self.ethnicity and self.ethnicity not in ethnicity_codes():
            errors["ethnicity"] = [ValidationError(_("Choose an ethnic group from the official list."), code="ethnicity")]
        if errors:
            raise ValidationError(errors)


Member.FACT_FIELDS = tuple(key for key in facts.MEMBER_ANSWER_KEYS if key in {f.name for f in Member._meta.fields})


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AssignmentQuerySet":
        return self.filter(access.unit_q(user, "unit__"))

    def current_heads(self) -> "AssignmentQuerySet":
        return self.heads().filter(ended_at__isnull=True)

    def heads(self) -> "AssignmentQuerySet":
        """Village heads' assignments, current and former."""
        return self.filter(role=Assignment.HEAD_ROLE)


class Assignment(models.Model):
    """A user's role in one administrative unit. Administrators are Django superusers instead.

    A village head who hands over keeps the row (with ``ended_at``) and their user is deactivated:
    the people who did the work stay in every history. ``version`` guards the account against two
    officers acting on it at once (see ``households.accounts``).
    """

    class Role(models.TextChoices):
        VILLAGE_HEAD = "village_head", _("Village / residential-group head")
        WARD_OFFICER = "ward_officer", _("Ward/commune officer")
        DISTRICT_OFFICER = "district_officer", _("District officer")
        CITY_OFFICER = "city_officer", _("City department officer")
        # Thống kê xã: reads the ward's households and dashboards; what it may do is in households.access.
        WARD_STATISTICIAN = "ward_statistician", _("Ward/commune statistician")

    # Which unit levels each role may be assigned to.
    ROLE_LEVELS = {
        Role.VILLAGE_HEAD: (AdminUnit.Level.VILLAGE,),
        Role.WARD_OFFICER: AdminUnit.WARD_LEVELS,
        Role.DISTRICT_OFFICER: (AdminUnit.Level.DISTRICT,),
        Role.CITY_OFFICER: (AdminUnit.Level.CITY,),
        Role.WARD_STATISTICIAN: AdminUnit.WARD_LEVELS,
    }
    # The accounts a ward officer manages are those of the village heads (one current head per village).
    HEAD_ROLE = Role.VILLAGE_HEAD
    # What the home page tells each role about its work (what it may do is households.access's table).
    ROLE_SUMMARIES = {
        Role.VILLAGE_HEAD: _(
            "As village head you survey the households of your village in the review round and submit the village list."
        ),
        Role.WARD_OFFICER: _(
            "As ward/commune officer you check the village lists, record the village meeting and the public posting, "
            "handle complaints and submit the ward list."
        ),
        Role.DISTRICT_OFFICER: _("As district officer you approve the ward lists of your district or return them with remarks."),
        Role.CITY_OFFICER: _(
            "As city department officer you open and close review rounds, set the standards, follow the city dashboard "
            "and export the reports."
        ),
        Role.WARD_STATISTICIAN: _(
            "As ward/commune statistician you read the households of your ward (ID numbers masked), its review "
            "and its dashboards; you change nothing."
        ),
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignment"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments")
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Set when someone else chose the password (new account, reset): the user must choose their own first.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(role="village_head", ended_at__isnull=True),
                name="one_current_head_per_village",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"

    @property
    def is_head(self) -> bool:
        """A village head's account (the kind a ward officer manages)."""
        return self.role == self.HEAD_ROLE

    def clean(self) -> None:
        if self.unit_id and self.unit.level not in self.ROLE_LEVELS[self.role]:
            raise ValidationError(
                {"unit": _("A %(role)s must be assigned to a unit of the right level.") % {"role": self.get_role_display()}}
            )


class IdNumberReveal(models.Model):
    """One time a user saw a member's full citizen ID number (the log the admin shows)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="id_number_reveals"
    )
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="id_number_reveals")
    revealed_at = models.DateTimeField(_("revealed at"), auto_now_add=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ID number reveal")
        verbose_name_plural = _("ID number reveals")
        ordering = ["-revealed_at"]

    def __str__(self) -> str:
        return f"{self.user} – {self.member} – {self.revealed_at:%d/%m/%Y %H:%M}"


class IdNumberSearch(models.Model):
    """One search of the household list by a citizen ID number: the audit log, and the count the
    hourly limit is checked against. The number is never stored in clear: masked for a person to
    read, and as a keyed digest (HMAC with the SECRET_KEY) to find every search of one number."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="id_number_searches"
    )
    searched_at = models.DateTimeField(_("searched at"), auto_now_add=True, db_index=True)
    number_masked = models.CharField(_("ID number (masked)"), max_length=12)
    number_digest = models.CharField(_("ID number digest"), max_length=64, db_index=True)
    found = models.PositiveIntegerField(_("households found"), default=0)
    refused = models.BooleanField(_("refused (over the hourly limit)"), default=False)

    class Meta:
        verbose_name = _("ID number search")
        verbose_name_plural = _("ID number searches")
        ordering = ["-searched_at"]

    def __str__(self) -> str:
        return f"{self.user} – {self.number_masked} – {self.searched_at:%d/%m/%Y %H:%M}"


class IdNumberDisclosure(models.Model):
    """One time a user opened a page or downloaded a file that shows full ID numbers, and whose."""

    class Kind(models.TextChoices):
        EDIT_PAGE = "edit_page", _("Household edit page")
        HOUSEHOLD_EXPORT = "household_export", _("Household list (Excel)")
        CERTIFICATE = "certificate", _("Certificate of a poor / near-poor household")
        LIST_REPORT = "list_report", _("List of a review round (Excel)")
        DUPLICATE_REVIEW = "duplicate_review", _("Duplicate review of two records")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="id_number_disclosures"
    )
    disclosed_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    household_count = models.PositiveIntegerField(_("households"), default=0)
    households = models.ManyToManyField(Household, verbose_name=_("households"), related_name="id_number_disclosures", blank=True)

    class Meta:
        verbose_name = _("full ID numbers shown")
        verbose_name_plural = _("full ID numbers shown")
        ordering = ["-disclosed_at"]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()} – {self.disclosed_at:%d/%m/%Y %H:%M}"


class AccountEvent(models.Model):
    """Audit log of what was done to an account: who, when, what and why. Never holds a password."""

    class Action(models.TextChoices):
        CREATE = "create", _("Account created")
        RESET_PASSWORD = "reset_password", _("Password reset")
        DEACTIVATE = "deactivate", _("Account deactivated")
        HAND_OVER = "hand_over", _("Village handed over")
        IMPORT = "import", _("Account imported")
        PASSWORD_CHANGED = "password_changed", _("Password changed by its owner")
        REACTIVATE = "reactivate", _("Account reactivated")
        UNLOCK = "unlock", _("Login unlocked")

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="account_events"
    )
    unit = models.ForeignKey(AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # None: an administrator's command line (import_accounts without --user).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["unit", "at"], name="accountevent_unit_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.account} ({self.at:%d/%m/%Y %H:%M})"


class TerritoryEvent(models.Model):
    """Audit log of the territory changes made through ``households.territory_changes``: who, when, why,
    and what moved (old and new paths, the households that changed village). Never edited."""

    class Action(models.TextChoices):
        MOVE = "move", _("Village moved to another ward/commune")
        MERGE = "merge", _("Villages merged")
        SPLIT = "split", _("Village split")
        AREA_TYPE = "area_type", _("Area type changed")
        REORGANISE = "reorganise", _("Ward/commune reorganised (new unit list)")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # The village moved, the village merged into, the village split; for an area type or a reorganisation,
    # the (old) ward.
    unit = models.ForeignKey(AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"))
    # e.g. {"from_path": …, "to_path": …, "villages": [codes], "households": [codes], "carried": {hook: {…}}}
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("territory change")
        verbose_name_plural = _("territory changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.unit} ({self.at:%d/%m/%Y %H:%M})"


class ResidentCountQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ResidentCountQuerySet":
        return self.filter(access.unit_q(user, "unit__"))


class ResidentCount(models.Model):
    """Resident households of a ward/commune in a year: the denominator of every poverty rate.

    Entered by the ward officer or imported by the city department; districts and the city are the
    sums of their wards. A unit without a figure has no rate (shown as missing, never estimated).
    """

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered by the ward")
        IMPORTED = "imported", _("Imported from Excel")
        DEMO = "demo", _("Demo data")

    unit = models.ForeignKey(AdminUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="resident_counts")
    year = models.PositiveSmallIntegerField(_("year"))
    households = models.PositiveIntegerField(_("resident households"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.ENTERED)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    history = HistoricalRecords()
    objects = ResidentCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident households")
        verbose_name_plural = _("resident households")
        ordering = ["unit__path", "-year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_resident_count_per_unit_and_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.households}"


def _import_path(job: "ImportJob", filename: str) -> str:
    # One folder per job: the purge removes it whole, and a name never opens another job's file.
    return f"imports/{job.pk}/{filename}"


class ImportJob(models.Model):
    """A ward officer's Excel import, run by the task worker so that a ward-sized file never holds a
    web request. The upload is deleted as soon as the job finishes; the workbook of mistakes is kept
    for ``FILE_RETENTION_DAYS`` (``manage.py purge_files``)."""

    ERRORS_KEPT = 500

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Being checked")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ward = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    upload = models.FileField(_("uploaded file"), upload_to=_import_path, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    households_created = models.PositiveIntegerField(_("new households"), default=0)
    households_updated = models.PositiveIntegerField(_("households updated"), default=0)
    members_created = models.PositiveIntegerField(_("new members"), default=0)
    members_updated = models.PositiveIntegerField(_("members updated"), default=0)
    # [{"row": 5, "column": "Giới tính Nam/Nữ (*)", "message": "…"}, …]: the first ERRORS_KEPT, which the
    # page lists; the workbook of mistakes has every one of the ``error_count``.
    error_count = models.PositiveIntegerField(_("number of mistakes"), default=0)
    errors = models.JSONField(_("mistakes"), default=list, blank=True)
    error_file = models.FileField(_("file with mistakes"), upload_to=_import_path, blank=True)
    failure = models.TextField(_("failure"), blank=True)  # for the administrator (the exception)
    # For the importer: why a failed job failed, or a note on a finished one ("only the first sheet…").
    message = models.TextField(_("message"), blank=True)
    # Updated by the worker while it runs the job; a running job whose heartbeat is older than
    # IMPORT_STALE_MINUTES belongs to a dead worker (``import_jobs.import_jobs_fail_stale``).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    files_removed_at = models.DateTimeField(_("files removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("household import")
        verbose_name_plural = _("household imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} – {self.ward}"

    @property
    def ok(self) -> bool:
        return self.status == self.Status.DONE and not self.error_count

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def errors_in_file(self) -> int:
        """How many of the mistakes the workbook of mistakes marks (the import keeps IMPORT_MAX_ERRORS)."""
        return min(self.error_count, settings.IMPORT_MAX_ERRORS)

    @property
    def files_expired(self) -> bool:
        return past_retention(self.finished_at, self.files_removed_at)

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.FAILED):
            return 100
        # Checking the rows is most of the work; the last percent is saving them.
        return min(99, int(100 * self.rows_done / self.rows_total)) if self.rows_total else 0


class DuplicateCandidateQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DuplicateCandidateQuerySet":
        # A pair across two wards belongs to both: each ward's officers see it (and decide what is theirs).
        return self.filter(
            access.unit_q(user, "member_a__household__village__") | access.unit_q(user, "member_b__household__village__")
        )

    def undecided(self) -> "DuplicateCandidateQuerySet":
        return self.filter(status=DuplicateCandidate.Status.OPEN)

    def decided(self) -> "DuplicateCandidateQuerySet":
        return self.filter(status__in=DuplicateCandidate.DECIDED)


class DuplicateCandidate(models.Model):
    """Two member records that may be one person, kept up to date by ``households.duplicates``.

    One row per pair (``member_a`` < ``member_b``), whatever the rule that found it: the unique
    constraint lets two refreshes at once insert the same pair (the second insert is ignored), and a
    pair decided "distinct people" keeps its row, so no refresh ever brings it back. A pair that no
    longer matches (a number corrected, a member left) is marked ``gone``, never deleted: its decisions
    stay readable, and it opens again if the records match again.
    """

    class Kind(models.TextChoices):
        ID_NUMBER = "id_number", _("Same citizen ID number")
        NAME_BIRTH = "name_birth", _("Same name and date of birth")

    class Status(models.TextChoices):
        OPEN = "open", _("Not decided")
        DISTINCT = "distinct", _("Distinct people")
        MERGED = "merged", _("Same person (merged)")
        GONE = "gone", _("No longer matching")

    DECIDED = (Status.DISTINCT, Status.MERGED)

    kind = models.CharField(_("rule"), max_length=12, choices=Kind.choices)
    # What the two share: an ID number's keyed digest (never the number) or "name key|YYYY-MM-DD".
    # The page orders by it, so the pairs of one group (three records of one number) sit together.
    key = models.CharField(_("shared key"), max_length=170)
    member_a = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    member_b = models.ForeignKey(Member, verbose_name=_("other member"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    # For a merge: the record that stays (the other one left with reason "merged").
    kept = models.ForeignKey(
        Member, verbose_name=_("record kept"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optimistic concurrency, as on households: a decision carries the version it was read at.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["kind", "key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["member_a", "member_b"], name="one_candidate_per_pair"),
            models.CheckConstraint(condition=Q(member_a__lt=models.F("member_b")), name="candidate_pair_ordered"),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "key", "id"], name="candidate_page_order"),
            models.Index(fields=["member_b"], name="candidate_member_b"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member_a_id} – {self.member_b_id}"

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED


class DuplicateDecision(models.Model):
    """The audit of the duplicate review: who decided what about a pair, when and why. Never edited."""

    class Action(models.TextChoices):
        DISTINCT = "distinct", _("Decided: distinct people")
        MERGE = "merge", _("Decided: same person, records merged")
        WITHDRAW = "withdraw", _("Decision withdrawn")

    candidate = models.ForeignKey(
        DuplicateCandidate, verbose_name=_("possible duplicate"), on_delete=models.PROTECT, related_name="decisions"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=255)
    # A merge: {"kept": id, "closed": id, "changed": {field: [before, after]}} (the kept record's values
    # taken from the other one), so that withdrawing it can put them back.
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%d/%m/%Y %H:%M})"
