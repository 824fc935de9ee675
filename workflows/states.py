"""The escalation lifecycle as a state graph (DESIGN.md section 4).

This module only knows which moves between states exist; who may make them, and what each
move records, is the transition code in ``workflows.transitions``. It imports nothing of ours so
that the model can mix it in without a cycle.
"""

from django.db import models
from django_fsm import RETURN_VALUE, transition


class Status(models.TextChoices):
    STAGE_1 = "stage_1", "Stage 1: practitioners"
    STAGE_2 = "stage_2", "Stage 2: line managers"
    STAGE_3 = "stage_3", "Stage 3: senior managers"
    STAGE_4 = "stage_4", "Stage 4: the partnership"
    RESOLVED = "resolved", "Resolved"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATES = (Status.STAGE_1, Status.STAGE_2, Status.STAGE_3, Status.STAGE_4)
CLOSED_STATES = (Status.RESOLVED, Status.WITHDRAWN)
LAST_STAGE = 4


def status_for_stage(stage: int) -> Status:
    """The state of an escalation that stands at ``stage`` (1 to 4)."""
    if not 1 <= stage <= LAST_STAGE:
        raise ValueError(f"There is no stage {stage}: stages run from 1 to {LAST_STAGE}.")
    return Status(f"stage_{stage}")


class EscalationStateMachine:
    """Mixed into ``Escalation``: the legal moves of its protected ``status`` field."""

    status: str

    @transition(
        field="status",
        source=[Status.STAGE_1, Status.STAGE_2, Status.STAGE_3],
        target=RETURN_VALUE(Status.STAGE_2, Status.STAGE_3, Status.STAGE_4),
    )
    def move_to_next_stage(self) -> str:
        """Stage n becomes stage n+1; stage 4 is the last and cannot be escalated."""
        return status_for_stage(int(self.status[-1]) + 1)

    @transition(field="status", source=OPEN_STATES, target=Status.RESOLVED)
    def mark_resolved(self) -> None:
        """Any open stage can be settled."""

    @transition(field="status", source=OPEN_STATES, target=Status.WITHDRAWN)
    def mark_withdrawn(self) -> None:
        """The raising side can withdraw at any open stage."""

    @transition(field="status", source=OPEN_STATES, target=None)
    def stay_open(self) -> None:
        """Acknowledge, respond, extend and hand over leave the state as it is, but only
        while the escalation is open."""
