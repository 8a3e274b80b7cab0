from pathlib import Path

import pytest
from django.conf import settings

from workplan.importing import parse_file
from workplan.services import plan_import

PLAN_FILE = Path(settings.BASE_DIR) / "workplan" / "data" / "dongcheng-cppcc-2017-work-plan.txt"


@pytest.fixture
def plan_text() -> str:
    return PLAN_FILE.read_text(encoding="utf-8")


@pytest.fixture
def imported_plan(db):
    """The shipped 2017 plan, imported."""
    return plan_import(parsed=parse_file(PLAN_FILE)).plan
