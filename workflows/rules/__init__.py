"""The rulebook: who may do what, now (DESIGN.md sections 2, 4 and 5).

One predicate per action. Each answers for an escalation as it stands (a ``Situation``), a
person and the moment: an ``Answer`` that is true when the action is allowed and otherwise
carries the refusal, in words a practitioner understands and of the kind every door needs
(``Forbidden``, ``Conflict``; ``workflows.refusals``). The transition code asks under the
escalation's row lock and raises the refusal; the case page, the API, the admin, the
commands and the timers ask the same predicates to know what to offer or do.

Three parts: ``situation`` (the ``Answer``, the ``Situation`` of one escalation, and who may
see it), ``actions`` (a predicate per action on an escalation, and what the case page offers)
and ``roles`` (what a person may do by their role: raise, oversee, read figures, publish,
manage people).

To add an action: one predicate here (and in ``PAGE_ACTIONS`` if the case page offers it),
one transition that asks it under the lock, and one row of the expected-results table in
``tests/workflows/test_transition_matrix.py`` (docs/adr/0010-one-rulebook.md).
"""

from .actions import (
    PAGE_ACTIONS,
    available,
    case_file_side,
    may_accept_extension,
    may_acknowledge,
    may_add_note,
    may_convene_meeting,
    may_escalate,
    may_give_position,
    may_hand_over,
    may_propose_extension,
    may_record_meeting,
    may_record_on_case_file,
    may_record_position,
    may_resolve,
    may_respond,
    may_withdraw,
)
from .roles import (
    may_connect_systems,
    may_manage_people,
    may_manage_settings,
    may_oversee,
    may_publish,
    may_raise,
    may_read_cases,
    may_read_figures,
    may_read_figures_for,
    may_write_report_text,
)
from .situation import (
    ALLOWED,
    MANAGER_ROLES,
    PARTNERSHIP_TEAM,
    Answer,
    Situation,
    breach_pending,
    records_for_rules,
    visible_escalations,
    who_may_see,
)

__all__ = [
    "ALLOWED",
    "MANAGER_ROLES",
    "PAGE_ACTIONS",
    "PARTNERSHIP_TEAM",
    "Answer",
    "Situation",
    "available",
    "breach_pending",
    "case_file_side",
    "may_accept_extension",
    "may_acknowledge",
    "may_add_note",
    "may_convene_meeting",
    "may_give_position",
    "may_record_meeting",
    "may_record_position",
    "may_connect_systems",
    "may_escalate",
    "may_hand_over",
    "may_manage_people",
    "may_manage_settings",
    "may_oversee",
    "may_propose_extension",
    "may_publish",
    "may_raise",
    "may_read_cases",
    "may_read_figures",
    "may_read_figures_for",
    "may_record_on_case_file",
    "may_resolve",
    "may_respond",
    "may_withdraw",
    "may_write_report_text",
    "records_for_rules",
    "visible_escalations",
    "who_may_see",
]
