"""A known year of escalations, lived through the services under a moved clock, for the
report's tests. Every figure the tests expect is worked out by hand in the docstrings here.

Reporting year 2026 runs from Wednesday 1 April 2026 to Wednesday 31 March 2027 (Good Friday
26 March and Easter Monday 29 March 2027 are bank holidays). All times are UK time; standard
timescales are the defaults (acknowledge 1 working day; stage 1 and 2: 3 working days).

In the year (10 escalations):

====  ==================  =======================  ====================================
ref   raised              what happens              as at 31 March 2027
====  ==================  =======================  ====================================
E13   Wed 1 Apr 00:30     police to the academy;    resolved at stage 1 (stands), 1 wd
                          acked 09:00 (9 h)
E1    Mon 1 Jun 10:00     acked 11:00 (1 h);        resolved at stage 1 (stands), 2 wd,
                          responded Tue 10:00       learning
E2    Tue 2 Jun 10:00     responded Wed 10:00       resolved at stage 1 (changed), 3 wd
                          (acks it: 24 h)
E3    Mon 8 Jun 10:00     escalated Tue 9 Jun       resolved at stage 2 (partly), 3 wd,
                                                    learning; never acknowledged
E4    Mon 15 Jun 10:00    acked Wed 17 (late,       resolved at stage 2 (changed), 5 wd
                          48 h); stage 1 breached
                          Thu 18 17:00; responded
                          Fri 19 09:00 (late, 95 h);
                          escalated Fri 19 10:00
E5    Mon 22 Jun 10:00    acked 12:00 (2 h);        resolved at stage 1 (stands), 4 wd,
                          extended to Mon 29 Jun;   late against the original due moment
                          resolved Fri 26 Jun
E6    Wed 1 Jul 10:00     withdrawn Thu 2 Jul       withdrawn at stage 1, 1 wd
E7    Mon 6 Jul 10:00     urgent, children's        resolved at stage 1 (changed), 0 wd
                          services to the police;
                          acked 11:00 (1 h)
E8    Mon 1 Mar 2027      acked 14:00 (4 h);        open at stage 2, 20 wd old
                          responded Tue 09:00
                          (23 h); escalated Tue
E9    Mon 15 Mar 2027     acked and resolved in     open at stage 1, 10 wd old;
                          April 2027 (after the     stage 1 breached at its due
                          end)                      moment, Thu 18 Mar
====  ==================  =======================  ====================================

The year before: E10 and E11 (June 2025) and E12 (Tuesday 31 March 2026 at 23:30, the last
half hour of the year 2025). Signposting: two to the LADO and one to complaints in the year,
one to complaints the year before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from escalations import services
from escalations.models import ClosureDay, Escalation, Signposting
from tests.factories import World, raise_one
from workflows.calendar import LONDON
from workflows.sweep import sweep

NEED_LEVELS = ["Level 1", "Level 2", "Level 3", "Level 4"]
TAKEN_AT = dt.datetime(2027, 5, 4, 9, 0, tzinfo=LONDON)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@dataclass
class Year:
    world: World
    escalations: dict[str, Escalation]


class _Story:
    def __init__(self, world: World, clock: Any) -> None:
        self.world = world
        self.clock = clock
        self.made: dict[str, Escalation] = {}

    def when(self, moment: dt.datetime) -> _Story:
        self.clock.move_to(moment)
        return self

    def raise_(self, name: str, **fields: Any) -> Escalation:
        self.made[name] = raise_one(self.world, **fields)
        return self.made[name]

    def resolve(self, name: str, by: Any, outcome: str, learning: str = "") -> None:
        services.escalation_resolve(
            escalation=self.made[name],
            by=by,
            outcome=outcome,
            summary="Agreed at a conversation between the two sides.",
            agreed_actions="Recorded on both case files.",
            learning=learning,
        )

    def escalate(self, name: str, by: Any) -> None:
        services.escalation_escalate(escalation=self.made[name], by=by, reason="No agreement.")

    def respond(self, name: str, by: Any) -> None:
        services.escalation_respond(
            escalation=self.made[name], by=by, decision="stands", response="Threshold not met."
        )

    def acknowledge(self, name: str, by: Any) -> None:
        services.escalation_acknowledge(escalation=self.made[name], by=by)


def build_year(world: World, clock: Any) -> Year:
    world.partnership.need_levels = NEED_LEVELS
    world.partnership.save()
    ClosureDay.objects.create(
        partnership=world.partnership, date=dt.date(2026, 12, 24), reason="Christmas Eve"
    )
    police, csc = world.police, world.csc
    story = _Story(world, clock)
    _year_before(story)

    story.when(at(2026, 4, 1, 0, 30)).raise_(
        "E13", receiving_agency=world.outsider.membership.agency, category="other"
    )
    story.when(at(2026, 4, 1, 9)).acknowledge("E13", world.outsider)
    story.when(at(2026, 4, 2, 10)).resolve("E13", police.practitioner, "stands_accepted")

    story.when(at(2026, 6, 1, 10)).raise_(
        "E1", level_of_need="Level 3", case_status="child_in_need"
    )
    story.when(at(2026, 6, 1, 11)).acknowledge("E1", csc.practitioner)
    story.when(at(2026, 6, 2, 10)).respond("E1", csc.practitioner)
    story.when(at(2026, 6, 3, 10)).resolve(
        "E1", police.practitioner, "stands_accepted", learning="Share the full history."
    )

    story.when(at(2026, 6, 2, 10)).raise_("E2", level_of_need="Level 3")
    story.when(at(2026, 6, 3, 10)).respond("E2", csc.practitioner)
    story.when(at(2026, 6, 5, 10)).resolve("E2", police.practitioner, "decision_changed")

    story.when(at(2026, 6, 8, 10)).raise_("E3", category="assessment", level_of_need="Level 4")
    story.when(at(2026, 6, 9, 10)).escalate("E3", police.practitioner)
    story.when(at(2026, 6, 11, 10)).resolve(
        "E3", police.practitioner, "partly_agreed", learning="Talk before escalating."
    )

    story.when(at(2026, 6, 15, 10)).raise_("E4", category="drift")
    story.when(at(2026, 6, 17, 10)).acknowledge("E4", csc.practitioner)
    story.when(at(2026, 6, 18, 17))
    sweep()  # stage 1 of E4 passes its due moment
    story.when(at(2026, 6, 19, 9)).respond("E4", csc.practitioner)
    story.when(at(2026, 6, 19, 10)).escalate("E4", police.practitioner)
    story.when(at(2026, 6, 22, 10)).resolve("E4", police.practitioner, "decision_changed")

    story.raise_("E5", category="roles")  # Monday 22 June 10:00
    story.when(at(2026, 6, 22, 12)).acknowledge("E5", csc.practitioner)
    story.when(at(2026, 6, 23, 10))
    extension = services.escalation_propose_extension(
        escalation=story.made["E5"],
        by=police.practitioner,
        new_due_date=dt.date(2026, 6, 29),
        reason="The assessment report is due on Friday.",
    )
    story.when(at(2026, 6, 23, 11))
    services.escalation_accept_extension(extension=extension, by=csc.practitioner)
    story.when(at(2026, 6, 26, 10)).resolve("E5", police.practitioner, "stands_accepted")

    story.when(at(2026, 7, 1, 10)).raise_("E6", category="information_sharing")
    story.when(at(2026, 7, 2, 10))
    services.escalation_withdraw(
        escalation=story.made["E6"], by=police.practitioner, reason="The family moved away."
    )

    story.when(at(2026, 7, 6, 10)).raise_(
        "E7",
        raised_by=csc.practitioner,
        receiving_agency=police.agency,
        urgent=True,
        category="strategy_s47",
        case_status="child_protection",
        child_reference="CSC-0007",
    )
    story.when(at(2026, 7, 6, 11)).acknowledge("E7", police.practitioner)
    story.when(at(2026, 7, 6, 15)).resolve("E7", csc.practitioner, "decision_changed")

    story.when(at(2027, 3, 1, 10)).raise_("E8")
    story.when(at(2027, 3, 1, 14)).acknowledge("E8", csc.practitioner)
    story.when(at(2027, 3, 2, 9)).respond("E8", csc.practitioner)
    story.when(at(2027, 3, 2, 10)).escalate("E8", police.practitioner)

    story.when(at(2027, 3, 15, 10)).raise_("E9")
    story.when(at(2027, 4, 1, 10)).acknowledge("E9", csc.practitioner)
    story.when(at(2027, 4, 5, 10)).resolve(
        "E9", police.practitioner, "stands_accepted", learning="After the end: not counted."
    )

    for moment, route in (
        (at(2026, 5, 5, 10), "lado"),
        (at(2026, 9, 9, 10), "lado"),
        (at(2027, 1, 12, 10), "complaint"),
        (at(2025, 11, 3, 10), "complaint"),
    ):
        Signposting.objects.create(
            partnership=world.partnership, agency=police.agency, route=route, created_at=moment
        )
    story.when(TAKEN_AT)
    return Year(world=world, escalations=story.made)


def _year_before(story: _Story) -> None:
    police = story.world.police
    for name, moment in (("E10", at(2025, 6, 1, 10)), ("E11", at(2025, 6, 2, 10))):
        story.when(moment).raise_(name)
        story.when(moment + dt.timedelta(hours=2)).resolve(
            name, police.practitioner, "decision_changed"
        )
    story.when(at(2026, 3, 31, 23, 30)).raise_("E12")
    story.when(at(2026, 3, 31, 23, 45)).resolve("E12", police.practitioner, "decision_changed")
