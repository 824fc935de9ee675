"""The layers are checked, not just drawn (issue 9 item 5, DESIGN.md section 9): the
import-linter contracts in pyproject.toml pass on the project, and a forbidden import breaks
the contract it should."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("escalations", "workflows", "config")

LAYERS = "Pages and commands -> services and selectors -> the lifecycle -> models"
CALENDAR = "The calendar and the refusals import nothing of ours"
REPORTS = "Reports only read: no service or transition module"
VIEWS = "Nothing imports a view but the URL confs"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).parent / "lint-imports"
    env = {
        **os.environ,
        "PYTHONPATH": str(cwd),
        "COLUMNS": "200",  # no wrapped lines in rich's output
        "NO_COLOR": "1",
    }
    return subprocess.run(  # noqa: S603 - our own virtualenv's lint-imports
        [str(executable), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def verdicts(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Each contract's name and KEPT or BROKEN, from the summary."""
    found = re.findall(r"^(.+?) (KEPT|BROKEN)\b", result.stdout, flags=re.MULTILINE)
    return dict(found)


def test_the_project_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result) == {
        LAYERS: "KEPT",
        CALENDAR: "KEPT",
        REPORTS: "KEPT",
        VIEWS: "KEPT",
    }


@pytest.fixture
def copy_of_the_project(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("workflows/calendar.py", "import escalations.views  # noqa", CALENDAR),
        ("escalations/reports/figures.py", "from escalations import services  # noqa", REPORTS),
        ("escalations/models/__init__.py", "import escalations.services  # noqa", LAYERS),
        ("escalations/selectors.py", "from escalations.views import inbox  # noqa", VIEWS),
    ],
    ids=[
        "calendar-imports-a-view",
        "report-imports-a-service",
        "model-imports-a-service",
        "selector-imports-a-view",
    ],
)
def test_a_forbidden_import_breaks_its_contract(copy_of_the_project, module, line, broken):
    before = lint_imports(copy_of_the_project)
    assert before.returncode == 0, before.stdout + before.stderr

    path = copy_of_the_project / module
    path.write_text(path.read_text() + f"\n{line}\n")
    after = lint_imports(copy_of_the_project)

    assert after.returncode != 0
    assert verdicts(after)[broken] == "BROKEN", after.stdout + after.stderr
