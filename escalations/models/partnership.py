"""The tenant and its people: partnership, policy versions, agencies, contacts, memberships."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .choices import AGENCY_ROLES, PARTNERSHIP_ROLES, TEAM_ROLES, Region, Role, Sector


class User(AbstractUser):
    """A person who signs in. People leave by being deactivated, never deleted: history
    must keep who did what."""

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(
            "People are never deleted, so that history keeps who did what: deactivate them."
        )

    def __str__(self) -> str:
        return self.get_full_name() or self.username


@receiver(pre_delete, sender=User)
def refuse_to_delete_people(sender: type[User], instance: User, **kwargs: Any) -> None:
    """Bulk deletes too: a queryset's delete sends this for each person."""
    raise ValidationError(
        "People are never deleted, so that history keeps who did what: deactivate them."
    )


# the common four-level continuum of need, for a partnership that has not named its own
DEFAULT_NEED_LEVELS = (
    "Level 1: universal",
    "Level 2: early help",
    "Level 3: child in need",
    "Level 4: child protection and specialist",
)


class Partnership(models.Model):
    """A safeguarding children partnership: the tenant."""

    name = models.CharField(max_length=200, unique=True)
    region = models.CharField(
        max_length=20, choices=Region.choices, default=Region.ENGLAND_AND_WALES
    )
    reporting_year_start_month = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    suppression_threshold = models.PositiveSmallIntegerField(
        default=5, help_text="Public figures below this count are shown as suppressed."
    )
    need_levels = models.JSONField(  # the coded list; DEFAULT_NEED_LEVELS when empty
        default=list, blank=True, help_text="The partnership's own labels for levels of need."
    )
    age_bands = models.JSONField(default=list, blank=True)
    learning_themes = models.JSONField(  # offered when a report is published
        default=list,
        blank=True,
        help_text="Learning themes the partnership team approved for publication.",
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name

    def levels_of_need(self) -> tuple[str, ...]:
        """The coded list a level of need is chosen from: never free text, which could carry a
        name into the analysts' figures."""
        return tuple(str(level) for level in self.need_levels or DEFAULT_NEED_LEVELS)

    def closure_dates(self) -> tuple[dt.date, ...]:
        """Read once per loaded partnership: a transition asks several times."""
        if not hasattr(self, "_closure_dates"):
            self._closure_dates = tuple(self.closure_days.values_list("date", flat=True))
        return self._closure_dates

    def current_policy(self, at: dt.datetime | None = None) -> Policy:
        at = at or timezone.now()
        policy = self.policies.filter(effective_from__lte=at).order_by("-version").first()
        if policy is None:
            raise ValidationError(f"{self} has no escalation policy in force.")
        return policy


MAX_WORKING_DAYS = 30  # a stage of six weeks is already more than any published policy allows
MAX_URGENT_HOURS = 168  # a week, for an urgent escalation


class Policy(models.Model):
    """A version of the partnership's escalation policy. An escalation keeps the version it
    was raised under for its whole life, so a version in use is never edited: a change is a
    new version."""

    partnership = models.ForeignKey(Partnership, models.PROTECT, related_name="policies")
    version = models.PositiveIntegerField()
    effective_from = models.DateTimeField(default=timezone.now)
    # bounded: a stage of a year would be no escalation policy (working days, clock hours)
    acknowledge_days = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_WORKING_DAYS)]
    )
    stage_1_days = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(MAX_WORKING_DAYS)]
    )
    stage_2_days = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(MAX_WORKING_DAYS)]
    )
    stage_3_days = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(MAX_WORKING_DAYS)]
    )
    stage_4_days = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(MAX_WORKING_DAYS)]
    )
    urgent_acknowledge_hours = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(MAX_URGENT_HOURS)]
    )
    urgent_stage_1_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1), MaxValueValidator(MAX_URGENT_HOURS)]
    )
    urgent_stage_2_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1), MaxValueValidator(MAX_URGENT_HOURS)]
    )
    urgent_stage_3_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1), MaxValueValidator(MAX_URGENT_HOURS)]
    )
    urgent_stage_4_hours = models.PositiveSmallIntegerField(
        default=48, validators=[MinValueValidator(1), MaxValueValidator(MAX_URGENT_HOURS)]
    )
    cutoff = models.TimeField(default=dt.time(17, 0))
    reminder_time = models.TimeField(default=dt.time(9, 0))
    escalate_on_breach = models.BooleanField(
        default=False,
        help_text="Off: a breach alerts people and the raising side decides. "
        "On: the system escalates at the due moment.",
    )
    partnership_from_stage = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "version"], name="policy_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partnership} policy v{self.version}"

    def stage_days(self, stage: int) -> int:
        return int(getattr(self, f"stage_{stage}_days"))

    def urgent_stage_hours(self, stage: int) -> int:
        return int(getattr(self, f"urgent_stage_{stage}_hours"))

    def clean(self) -> None:
        if self.pk and self.escalations.exists():
            raise ValidationError(
                "Escalations were raised under this version: add a new version instead."
            )


class ClosureDay(models.Model):
    """A day the partnership's agencies are closed. Adding one later does not move the due
    moments of live stages."""

    partnership = models.ForeignKey(Partnership, models.PROTECT, related_name="closure_days")
    date = models.DateField()
    reason = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "date"], name="closure_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y}: {self.reason}"


class Agency(models.Model):
    partnership = models.ForeignKey(Partnership, models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    active_from = models.DateField(default=dt.date(2000, 1, 1))
    active_to = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: dt.date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


class StageContact(models.Model):
    """The person who takes a stage for an agency (a DSL, team manager, detective sergeant,
    named nurse...). An agency may name several for one stage."""

    agency = models.ForeignKey(Agency, models.PROTECT, related_name="contacts")
    stage = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    user = models.ForeignKey(User, models.PROTECT, related_name="stage_contacts")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "stage", "user"], name="stage_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency}, stage {self.stage}: {self.user}"


class Membership(models.Model):
    """Where a person works and in which role. Partnership staff have no agency."""

    user = models.OneToOneField(User, models.PROTECT, related_name="membership")
    partnership = models.ForeignKey(Partnership, models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(
        Agency, models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        where = self.agency or self.partnership
        return f"{self.user}, {self.get_role_display()}, {where}"

    def clean(self) -> None:
        if self.role in AGENCY_ROLES and self.agency_id is None:
            raise ValidationError({"agency": "A practitioner or manager belongs to an agency."})
        if self.role in PARTNERSHIP_ROLES and self.agency_id is not None:
            raise ValidationError({"agency": "Partnership staff belong to no agency."})
        if self.agency is not None and self.agency.partnership_id != self.partnership_id:
            raise ValidationError({"agency": "That agency is in another partnership."})

    @property
    def is_partnership_team(self) -> bool:
        return self.role in TEAM_ROLES


class ReferenceSequence(models.Model):
    """The last reference number given in a partnership and year (ESC-2026-0042)."""

    partnership = models.ForeignKey(Partnership, models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="reference_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.year}: {self.last}"
