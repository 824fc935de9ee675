"""The escalation page (``/escalations/<reference>/``), one page per action on it, and the
printable record for each agency's case file.

Every view finds the escalation through ``visible_escalation`` (a 404 to anyone who may not
see it). No view changes state itself: each action validates its form and calls the service
function, whose refusal (who may act, what is missing, the escalation has moved on) is shown
in the error summary with nothing written.
"""

from django.urls import path

from .holding import accept_extension, add_note, case_file, extend, hand_over
from .meeting import convene_meeting, give_position, record_meeting
from .page import escalation_detail
from .record import record_pdf
from .stage_actions import acknowledge, escalate, resolve, respond, withdraw

__all__ = ["urlpatterns"]

urlpatterns = [
    path("", escalation_detail, name="detail"),
    path("acknowledge/", acknowledge, name="acknowledge"),
    path("respond/", respond, name="respond"),
    path("escalate/", escalate, name="escalate"),
    path("resolve/", resolve, name="resolve"),
    path("withdraw/", withdraw, name="withdraw"),
    path("extend/", extend, name="extend"),
    path("extension/<int:pk>/accept/", accept_extension, name="accept_extension"),
    path("hand-over/", hand_over, name="hand_over"),
    path("note/", add_note, name="note"),
    path("case-file/<int:stage>/", case_file, name="case_file"),
    path("meeting/convene/", convene_meeting, name="convene_meeting"),
    path("meeting/position/", give_position, name="give_position"),
    path("meeting/record/", record_meeting, name="record_meeting"),
    path("record.pdf", record_pdf, name="record_pdf"),
]
