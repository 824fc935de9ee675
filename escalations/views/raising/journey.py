"""The raise journey kept in the session: ``request.session["raise"]`` holds, for each page,
its answers as strings that bind its form again, and the routes already counted on this
journey. The steps are the question pages in order, each applying or not to this journey."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from escalations import services
from escalations.forms.raising import (
    ActedForm,
    AgencyForm,
    ChildrenForm,
    DisagreementForm,
    FamilyAndUrgencyForm,
    ImmediateRiskForm,
    RaiseContext,
    RaiseForm,
    RouteForm,
    SubjectForm,
)
from escalations.models import Membership, Subject

SESSION_KEY = "raise"
SIGNPOSTED = "signposted"


@dataclass(frozen=True)
class Step:
    name: str
    route: str
    form_class: type[RaiseForm]
    title: str
    template: str
    applies: Callable[[Journey], bool] = lambda journey: True

    @property
    def url_name(self) -> str:
        return "raise" if self.name == "risk" else f"raise-{self.name}"

    def url(self, *, change: bool = False) -> str:
        url = reverse(f"escalations:{self.url_name}")
        return f"{url}?change=1" if change else url

    def title_for(self, form: RaiseForm) -> str:
        """A page of one question is titled by the question."""
        if len(form.fields) == 1:
            return str(next(iter(form.fields.values())).label)
        return self.title


class Journey:
    """The answers so far, kept in the session."""

    def __init__(self, request: HttpRequest, membership: Membership) -> None:
        self.request = request
        self.membership = membership
        stored = request.session.get(SESSION_KEY)
        self.data: dict[str, Any] = stored if isinstance(stored, dict) else {}

    def answers(self, step: str) -> dict[str, str] | None:
        found = self.data.get(step)
        return found if isinstance(found, dict) else None

    def value(self, step: str, field: str) -> str:
        return str((self.answers(step) or {}).get(field, ""))

    @property
    def immediate_risk(self) -> bool:
        return self.value("risk", "immediate_risk") == "yes"

    @property
    def about_children(self) -> bool:
        return self.value("subject", "subject") != Subject.THEMATIC

    def context(self) -> RaiseContext:
        return RaiseContext(
            membership=self.membership,
            subject=self.value("subject", "subject"),
            immediate_risk=self.immediate_risk,
        )

    def save(self, step: str, answers: dict[str, str]) -> None:
        self.data[step] = answers
        self._store()

    def forget(self, step: str) -> None:
        self.data.pop(step, None)
        self._store()

    def clear(self) -> None:
        self.request.session.pop(SESSION_KEY, None)

    def _store(self) -> None:
        self.request.session[SESSION_KEY] = self.data

    def steps(self) -> list[Step]:
        return [step for step in STEPS if step.applies(self)]

    def first_unanswered(self, before: Step | None = None) -> Step | None:
        for step in self.steps():
            if step is before:
                return None
            if self.answers(step.name) is None:
                return step
        return None

    def neighbour(self, step: Step, offset: int) -> Step | None:
        steps = self.steps()
        index = steps.index(step) + offset
        return steps[index] if 0 <= index < len(steps) else None

    def counted(self, route: str) -> bool:
        """Count each route once a journey, however often the page is sent."""
        routes = self.data.setdefault(SIGNPOSTED, [])
        if route in routes:
            return True
        routes.append(route)
        self._store()
        return False

    def checked_forms(self) -> tuple[dict[str, RaiseForm], Step | None]:
        """Every page's answers bound to its form again; the first page that needs an
        answer (missing, or no longer valid), if any."""
        context = self.context()
        bound: dict[str, RaiseForm] = {}
        for step in self.steps():
            answers = self.answers(step.name)
            if answers is None:
                return bound, step
            form = step.form_class(answers, context=context)
            if not form.is_valid():
                return bound, step
            bound[step.name] = form
        return bound, None


def record_signposting(journey: Journey, route: str) -> None:
    """Count that the raise form sent the matter to another process: the partnership, the
    raiser's agency and the route, no case content (DESIGN.md section 3). Signposting keeps
    no history by design; its place is beside the other service functions."""
    if journey.counted(route):
        return
    services.signposting_record(user=journey.membership.user, route=route)


def _about_children(journey: Journey) -> bool:
    return journey.about_children


STEPS: tuple[Step, ...] = (
    Step(
        "risk",
        "",
        ImmediateRiskForm,
        "Is a child at immediate risk of significant harm?",
        "escalations/raise.html",
    ),
    Step(
        "acted",
        "act-now/",
        ActedForm,
        "Act now to protect the child",
        "escalations/raise/acted.html",
        applies=lambda journey: journey.immediate_risk,
    ),
    Step(
        "route",
        "other-processes/",
        RouteForm,
        "Is this about any of these?",
        "escalations/raise/question.html",
    ),
    Step(
        "subject",
        "about/",
        SubjectForm,
        "Is the escalation about particular children?",
        "escalations/raise/question.html",
    ),
    Step(
        "children",
        "children/",
        ChildrenForm,
        "The children",
        "escalations/raise/children.html",
        applies=_about_children,
    ),
    Step(
        "agency",
        "agency/",
        AgencyForm,
        "The agency and the decision",
        "escalations/raise/agency.html",
    ),
    Step(
        "disagreement",
        "disagreement/",
        DisagreementForm,
        "Your disagreement",
        "escalations/raise/disagreement.html",
    ),
    Step(
        "urgency",
        "family-and-urgency/",
        FamilyAndUrgencyForm,
        "The family and urgency",
        "escalations/raise/urgency.html",
    ),
)
STEP = {step.name: step for step in STEPS}
