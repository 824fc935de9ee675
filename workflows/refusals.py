"""What a refusal is (DESIGN.md section 7: "a refusal raises an error whose message says who
may act, what is missing, or that the escalation has moved on or closed").

Three kinds, so that every door can tell them apart (the API answers 403, 409 and 400):

- ``Forbidden``: this is not the person's to do (who may act is in the message);
- ``Conflict``: the escalation has moved on, closed, or is not in a state for it;
- ``Invalid``: what was given is missing or wrong, naming the ``field``.

All are ``Refused``, so code that catches ``Refused`` keeps working. Nothing was changed when
one is raised. This module imports nothing of ours.
"""

from __future__ import annotations


class Refused(Exception):
    """A person (or the clock) may not make this change now; nothing was changed."""

    kind = "refused"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Forbidden(Refused):
    """Not this person's to do: the message says who may."""

    kind = "forbidden"


class Conflict(Refused):
    """The escalation has moved on, closed, or is not in a state for this."""

    kind = "conflict"


class Invalid(Refused):
    """What was given is missing or wrong; ``field`` names it (the service's argument)."""

    kind = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
