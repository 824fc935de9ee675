"""What every bench does around its run: a throwaway PostgreSQL test database, made before and
dropped after, whatever happens."""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.db import connection
from django.test.utils import setup_test_environment


def on_test_database(bench: str, run: Callable[[], None]) -> None:
    if connection.vendor != "postgresql":
        sys.exit(f"{bench} needs PostgreSQL: run it under scripts/with-postgres.sh")
    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)
