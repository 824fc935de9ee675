"""What a person may do by their role in the partnership, whatever the escalation
(DESIGN.md sections 2 and 5): raise, oversee, read the figures, publish, manage people.

The pages, the navigation, the admin and the services ask these, so that a role's reach is
written once.
"""

from __future__ import annotations

import calendar
import datetime as dt

from escalations.models import Membership, Partnership, Role, User
from workflows.holders import membership_of

from .situation import ALLOWED, PARTNERSHIP_TEAM, Answer, forbid

RAISING_ROLES = (Role.PRACTITIONER, Role.MANAGER)
FIGURE_ROLES = (*PARTNERSHIP_TEAM, Role.ANALYST)


def _role_in(
    by: User | None, roles: tuple[str, ...], partnership: Partnership | None
) -> Membership | None:
    membership = membership_of(by)
    if membership is None or membership.role not in roles:
        return None
    if partnership is not None and membership.partnership_id != partnership.pk:
        return None
    return membership


def may_raise(by: User | None) -> Answer:
    """A practitioner or manager of a partner agency raises; partnership staff do not."""
    membership = _role_in(by, RAISING_ROLES, None)
    if membership is None or membership.agency_id is None:
        return forbid("Only a practitioner or manager of a partner agency can raise an escalation.")
    return ALLOWED


def may_read_cases(by: User | None) -> Answer:
    """Everyone who can hold or oversee an escalation; analysts see figures, never case
    content."""
    membership = membership_of(by)
    if membership is None or membership.role == Role.ANALYST:
        return forbid("Analysts see figures, never case content.")
    return ALLOWED


def may_oversee(by: User | None, partnership: Partnership | None = None) -> Answer:
    """The partnership team (business manager and scrutineer) oversees every live escalation
    and every breach of its partnership."""
    if _role_in(by, PARTNERSHIP_TEAM, partnership) is None:
        return forbid(
            "Oversight of every escalation is for the partnership business manager and the "
            "independent scrutineer."
        )
    return ALLOWED


def may_read_figures(by: User | None, partnership: Partnership | None = None) -> Answer:
    """The dashboard's figures and the annual report: the partnership team and analysts."""
    if _role_in(by, FIGURE_ROLES, partnership) is None:
        return forbid(
            "The annual report and the partnership's figures are for the partnership team "
            "and analysts. Ask your partnership business manager for the published report."
        )
    return ALLOWED


def _a_month_on(day: dt.date) -> dt.date:
    """The same day next month (the last day of next month when it has no such day)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def may_read_figures_for(
    by: User | None, start: dt.date, end: dt.date, partnership: Partnership | None = None
) -> Answer:
    """Figures for the period from ``start`` to ``end``: an analyst only for a month or more
    (a week's figures beside the next week's could single out one child's case); the
    partnership team for any period."""
    if not (answer := may_read_figures(by, partnership)):
        return answer
    membership = membership_of(by)
    assert membership is not None
    if membership.role == Role.ANALYST and end < _a_month_on(start) - dt.timedelta(days=1):
        return forbid(
            "Analysts see figures for a month or longer: choose a period of at least a month. "
            "Shorter periods could single out one child's case."
        )
    return ALLOWED


def may_publish(by: User | None, partnership: Partnership | None = None) -> Answer:
    """Only the partnership lead publishes a report (frozen, for the board or the public)."""
    if _role_in(by, (Role.PARTNERSHIP_LEAD,), partnership) is None:
        return forbid("Only the partnership business manager can publish the report.")
    return ALLOWED


def may_write_report_text(by: User | None, partnership: Partnership | None = None) -> Answer:
    """Only the partnership lead writes the report's foreword and key messages, and records
    their approval for the public edition (as the lead publishes)."""
    if _role_in(by, (Role.PARTNERSHIP_LEAD,), partnership) is None:
        return forbid(
            "Only the partnership business manager can write the report's foreword and key "
            "messages."
        )
    return ALLOWED


def may_connect_systems(by: User | None, partnership: Partnership | None = None) -> Answer:
    """Only the partnership lead subscribes agencies' case systems to events (webhooks)."""
    if _role_in(by, (Role.PARTNERSHIP_LEAD,), partnership) is None:
        return forbid("Only the partnership business manager can connect agencies' systems.")
    return ALLOWED


def may_manage_people(by: User | None, partnership: Partnership | None = None) -> Answer:
    """Only the partnership lead invites people, sets roles, agencies and stage contacts, and
    deactivates leavers, and only in their own partnership."""
    membership = membership_of(by)
    if membership is None or membership.role != Role.PARTNERSHIP_LEAD:
        return forbid("Only the partnership business manager can manage people.")
    if partnership is not None and membership.partnership_id != partnership.pk:
        return forbid("You can manage only the people of your own partnership.")
    return ALLOWED


def may_manage_settings(by: User | None, partnership: Partnership | None = None) -> Answer:
    """Only the partnership lead sets the partnership's policy versions, closure days,
    calendar region, reporting year, suppression threshold, agencies and learning themes, and
    only for their own partnership."""
    membership = membership_of(by)
    if membership is None or membership.role != Role.PARTNERSHIP_LEAD:
        return forbid(
            "Only the partnership business manager can change the partnership's settings."
        )
    if partnership is not None and membership.partnership_id != partnership.pk:
        return forbid("You can change only your own partnership's settings.")
    return ALLOWED
