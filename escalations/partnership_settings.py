"""The partnership's settings, set by its lead at ``/partnership/`` (issue 14, item 4): a new
version of the escalation policy, closure days, the calendar region, the month the reporting
year starts, the suppression threshold, the learning themes approved for publication, and the
agencies. Every change asks the rulebook (``rules.may_manage_settings``) and is saved through
``escalations.audit``, so history keeps who changed what and why.

What no change may do: touch an escalation already raised. An escalation keeps the policy
version it was raised under (a version is never edited: a change is a new version, from now
or a later day); a closure day added or removed does not move the due moments of stages
under way; a past closure day stays (durations already worked out rest on it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from workflows import rules
from workflows.calendar import LONDON
from workflows.refusals import Conflict, Invalid

from .audit import save_with_reason
from .models import Agency, ClosureDay, Partnership, Policy, PublishedReport, Region, User

POLICY_FIELDS = (
    "acknowledge_days",
    "stage_1_days",
    "stage_2_days",
    "stage_3_days",
    "stage_4_days",
    "urgent_acknowledge_hours",
    "urgent_stage_1_hours",
    "urgent_stage_2_hours",
    "urgent_stage_3_hours",
    "urgent_stage_4_hours",
    "cutoff",
    "reminder_time",
    "escalate_on_breach",
    "partnership_from_stage",
)
THRESHOLD_LIMITS = (3, 20)
LATEST_START = dt.timedelta(days=366)
EARLIEST_CUTOFF, LATEST_CUTOFF = (
    dt.time(12),
    dt.time(20),
)  # below 3 publishes near-individual counts; above 20 hides most
THEME_LIMIT, THEMES_LIMIT = 200, 20


def _today() -> dt.date:
    return timezone.localdate(timezone.now(), LONDON)


def _full_clean(instance: Any, **kwargs: Any) -> None:
    """The model's own bounds, as a refusal naming the field."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise Invalid(messages[0], field=None if field == "__all__" else field) from error


# the policy ---------------------------------------------------------------------------------


def policy_add_version(
    *, by: User, partnership: Partnership, starts_on: dt.date, **timescales: Any
) -> Policy:
    """The next version of the policy, in force from ``starts_on`` (today: from now; a later
    day: from its first moment, UK time). Escalations raised before keep their version."""
    rules.may_manage_settings(by, partnership).check()
    unknown = set(timescales) - set(POLICY_FIELDS)
    if unknown:
        raise Invalid(f"A policy has no {', '.join(sorted(unknown))}.")
    today = _today()
    if starts_on < today:
        raise Invalid(
            "A new version cannot start in the past: escalations already raised keep the "
            "version they were raised under.",
            field="starts_on",
        )
    if starts_on > today + LATEST_START:
        raise Invalid(
            "A new version starts within a year: a version further ahead would stop any other "
            "until then.",
            field="starts_on",
        )
    cutoff, reminder = timescales.get("cutoff"), timescales.get("reminder_time")
    if cutoff is not None and not EARLIEST_CUTOFF <= cutoff <= LATEST_CUTOFF:
        raise Invalid(
            f"The cut-off is between {EARLIEST_CUTOFF:%H:%M} and {LATEST_CUTOFF:%H:%M}: the end "
            "of a working day.",
            field="cutoff",
        )
    if cutoff is not None and reminder is not None and reminder >= cutoff:
        raise Invalid(
            "The reminder time is before the cut-off, so that holders are reminded while the "
            "stage can still be answered in time.",
            field="reminder_time",
        )
    now = timezone.now()
    effective_from = (
        now if starts_on == today else dt.datetime.combine(starts_on, dt.time(), tzinfo=LONDON)
    )
    with transaction.atomic():
        # one version at a time: two leads saving at once get consecutive numbers, not a clash
        Partnership.objects.select_for_update().get(pk=partnership.pk)
        latest = partnership.policies.order_by("-version").first()
        if latest is not None and effective_from < latest.effective_from:
            starts = latest.effective_from.astimezone(LONDON)
            raise Invalid(
                f"Version {latest.version} starts on {starts:%-d %B %Y}: a new version cannot "
                "start before it.",
                field="starts_on",
            )
        version = (partnership.policies.aggregate(top=Max("version"))["top"] or 0) + 1
        policy = Policy(
            partnership=partnership, version=version, effective_from=effective_from, **timescales
        )
        _full_clean(policy, exclude=["partnership"])
        return save_with_reason(
            policy, by=by, reason=f"Version {version}, in force from {starts_on:%-d %B %Y}"
        )


def policy_versions(partnership: Partnership) -> list[Policy]:
    return list(partnership.policies.order_by("-version"))


# closure days -------------------------------------------------------------------------------


def closure_day_add(
    *, by: User, partnership: Partnership, date: dt.date, reason: str
) -> ClosureDay:
    rules.may_manage_settings(by, partnership).check()
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            "Say why the agencies are closed (for example, Christmas closure).", field="reason"
        )
    if date < _today():
        raise Invalid("A closure day is added for today or a day to come.", field="date")
    day = ClosureDay(partnership=partnership, date=date, reason=reason)
    _full_clean(day, exclude=["partnership"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            return save_with_reason(day, by=by, reason=f"Closure day: {reason}")
    except IntegrityError as error:
        raise Invalid(f"{date:%-d %B %Y} is already a closure day.", field="date") from error


def closure_day_remove(*, by: User, day: ClosureDay) -> None:
    rules.may_manage_settings(by, day.partnership).check()
    if day.date < _today():
        raise Conflict(
            f"{day.date:%-d %B %Y} has passed: the working days already counted rest on it, "
            "so it stays."
        )
    day._history_user = by  # type: ignore[attr-defined]
    day._change_reason = "Closure day removed"  # type: ignore[attr-defined]
    day.delete()


# the partnership's details ------------------------------------------------------------------


def partnership_update(
    *,
    by: User,
    partnership: Partnership,
    region: str,
    reporting_year_start_month: int,
    suppression_threshold: int,
    learning_themes: Iterable[str],
) -> Partnership:
    rules.may_manage_settings(by, partnership).check()
    if region not in Region.values:
        raise Invalid(
            "Choose the calendar region whose bank holidays the agencies keep.", field="region"
        )
    if not 1 <= reporting_year_start_month <= 12:
        raise Invalid(
            "Choose the month the reporting year starts.", field="reporting_year_start_month"
        )
    low, high = THRESHOLD_LIMITS
    if not low <= suppression_threshold <= high:
        raise Invalid(
            f"The threshold is from {low} to {high}: below {low} public figures come close to "
            "single children; above it they hide most of what the public may know.",
            field="suppression_threshold",
        )
    themes = [theme.strip() for theme in learning_themes if theme.strip()]
    if len(themes) > THEMES_LIMIT:
        raise Invalid(f"Approve at most {THEMES_LIMIT} themes.", field="learning_themes")
    if any(len(theme) > THEME_LIMIT for theme in themes):
        raise Invalid(
            f"Keep each theme to {THEME_LIMIT} characters or fewer.", field="learning_themes"
        )
    with transaction.atomic():
        # the row as it stands now, under its lock: two leads saving at once do not lose a change
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        return _update(
            by, locked, region, reporting_year_start_month, suppression_threshold, themes
        )


def _update(
    by: User,
    partnership: Partnership,
    region: str,
    reporting_year_start_month: int,
    suppression_threshold: int,
    themes: list[str],
) -> Partnership:
    if (
        reporting_year_start_month != partnership.reporting_year_start_month
        and PublishedReport.objects.filter(partnership=partnership).exists()
    ):
        raise Invalid(
            "Reports are published for the reporting years as they are: the month the year "
            "starts cannot change now. Ask the service team if it must.",
            field="reporting_year_start_month",
        )
    changed = [
        name
        for name, value in (
            ("calendar region", region),
            ("reporting year start", reporting_year_start_month),
            ("suppression threshold", suppression_threshold),
            ("learning themes", themes),
        )
        if getattr(partnership, _FIELD_OF[name]) != value
    ]
    if not changed:
        return partnership
    partnership.region = region
    partnership.reporting_year_start_month = reporting_year_start_month
    partnership.suppression_threshold = suppression_threshold
    partnership.learning_themes = themes
    return save_with_reason(partnership, by=by, reason="Changed the " + ", ".join(changed))


_FIELD_OF = {
    "calendar region": "region",
    "reporting year start": "reporting_year_start_month",
    "suppression threshold": "suppression_threshold",
    "learning themes": "learning_themes",
}


# agencies -----------------------------------------------------------------------------------


def agency_save(
    *,
    by: User,
    partnership: Partnership,
    agency: Agency | None = None,
    name: str,
    sector: str,
    active_from: dt.date,
    active_to: dt.date | None,
) -> Agency:
    """Add an agency, or change one's name, sector or active dates. An agency is never
    deleted (its escalations name it): one that has left has an end date."""
    rules.may_manage_settings(by, partnership).check()
    if agency is not None and agency.partnership_id != partnership.pk:
        raise Invalid("There is no such agency in your partnership.")
    name = (name or "").strip()
    if active_to is not None and active_to < active_from:
        raise Invalid("The last active day cannot be before the first.", field="active_to")
    taken = Agency.objects.filter(partnership=partnership, name__iexact=name)
    if agency is not None:
        taken = taken.exclude(pk=agency.pk)
    if name and taken.exists():
        raise Invalid(f"{partnership} already has an agency called {name}.", field="name")
    adding = agency is None
    agency = agency or Agency(partnership=partnership)
    agency.name, agency.sector = name, sector
    agency.active_from, agency.active_to = active_from, active_to
    _full_clean(agency, exclude=["partnership"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            return save_with_reason(
                agency, by=by, reason="Agency added" if adding else "Agency changed"
            )
    except IntegrityError as error:  # the same name saved a moment ago by someone else
        raise Invalid(
            f"{partnership} already has an agency called {name}.", field="name"
        ) from error
