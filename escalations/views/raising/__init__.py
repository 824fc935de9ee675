"""Raise an escalation (DESIGN.md sections 3-5): a few questions a page, kept in the session
until the check page raises the escalation through the service.

First the questions that send the matter elsewhere (a child at immediate risk: act now; a
parent's complaint; a conference decision; a looked-after child's plan; a professional's
conduct; a disagreement inside one agency), each counted as signposting; then the escalation
itself; then check your answers and a confirmation with the reference and the due moment.

The session keeps ``request.session["raise"]`` (see ``journey``). Nothing is written until the
check page's POST, and then only by ``escalation_raise``.
"""

from django.urls import path

from .answers import check
from .journey import STEPS
from .pages import ELSEWHERE, elsewhere, question_view, raised

__all__ = ["ELSEWHERE", "urlpatterns"]

urlpatterns = [
    *(path(step.route, question_view(step), name=step.url_name) for step in STEPS),
    path("check/", check, name="raise-check"),
    path("elsewhere/<str:route>/", elsewhere, name="raise-elsewhere"),
    path("raised/<str:reference>/", raised, name="raise-raised"),
]
