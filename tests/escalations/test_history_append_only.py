"""Nothing can edit or delete history (DESIGN.md section 4, "History")."""

import ast
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from escalations.models import Escalation
from tests.factories import raise_one

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("change", ["update", "delete"])
def test_the_database_refuses_to_change_a_historical_row(world, change):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    escalation = raise_one(world)
    rows = Escalation.history.filter(id=escalation.pk)
    attempt = {
        "update": lambda: rows.update(history_change_reason="rewritten"),
        "delete": rows.delete,
    }[change]
    with pytest.raises(DatabaseError, match="History is append-only"), transaction.atomic():
        attempt()
    assert rows.get().history_change_reason == "Raised"


# Calls that would change audited rows without writing their history. The outbox and
# viewflow's task rows keep no history, so their bulk updates are listed by name.
ALLOWED_BULK_UPDATES = {
    ("workflows/flows.py", "Task"),
    ("escalations/demo/build.py", "Notification"),
    # the time of the last change, left out of history: the change itself has its own row
    ("escalations/events.py", "Escalation"),
    # a token's last use, left out of its history: using a token is not a change to it
    ("escalations/api_tokens.py", "ApiToken"),
    # allauth's authenticators keep no history: a reset is in the security log, with who
    ("escalations/second_factor.py", "Authenticator"),
}


def bulk_update_calls() -> list[tuple[str, str]]:
    found = []
    for package in ("escalations", "workflows", "config"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"update", "bulk_update", "delete", "raw"}
                    and "objects" in ast.unparse(node.func.value)
                ):
                    model = ast.unparse(node.func.value).split(".objects")[0].split("(")[-1]
                    found.append((str(path.relative_to(ROOT)), model))
    return found


def test_no_bulk_update_or_delete_bypasses_history_on_audited_models():
    unexpected = [call for call in bulk_update_calls() if call not in ALLOWED_BULK_UPDATES]
    assert unexpected == []


@pytest.mark.django_db
def test_people_cannot_be_deleted_even_in_bulk():
    from django.core.exceptions import ValidationError

    from escalations.models import User

    # a person with no membership yet: nothing else protects them
    newcomer = User.objects.create_user(username="newcomer", password="x")
    with pytest.raises(ValidationError, match="deactivate them"), transaction.atomic():
        User.objects.filter(pk=newcomer.pk).delete()
    assert User.objects.filter(pk=newcomer.pk).exists()
