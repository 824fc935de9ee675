"""The demo partnership behind ``manage.py seed_demo``.

An invented partnership (Northshire) with thirteen agencies across the sectors, each with a
practitioner, a manager, a senior manager and stage contacts; the partnership team; and about
300 escalations over the last two reporting years and this one, in every state.

Every change to an escalation is made through ``escalations.services`` under a clock moved by
time-machine, and the clock's own part (acknowledgements chased, reminders, breaches, escalation
on breach under policy v1) comes from the flow's real timers, fired at their moments as the
clock passes them. So history, stage records and timers are what the application writes. The
random choices come from ``random.Random(2026)``: the same data every time for the same day.
Everything is invented: people, agencies, and children, who appear as case numbers only.

The package: ``cast``, ``stories`` and ``content`` hold the invented data; ``people`` builds
the partnership, its agencies and people; ``plans`` plans each escalation's life; ``clock``
moves time and fires the timers; ``life`` and ``conclusion`` are one escalation's steps, with
``steps`` what they share; ``build`` puts it together and counts the result.
"""

from .build import DEFAULT_COUNT, DemoSummary, build_demo
from .people import DEMO_PASSWORD, PARTNERSHIP_NAME

__all__ = ["DEFAULT_COUNT", "DEMO_PASSWORD", "PARTNERSHIP_NAME", "DemoSummary", "build_demo"]
