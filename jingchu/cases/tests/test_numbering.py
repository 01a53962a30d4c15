"""Case numbers: RRRRRR-TT-YYYYMMDD-NNNNNN, unique, a serial per region, item type and day."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from jingchu.cases import actions, numbering
from jingchu.cases.choices import CaseStatus as S
from jingchu.cases.models import CaseNumberCounter
from jingchu.cases.tests.workbench_helpers import make_case, user
from jingchu.core.errors import ActionError

pytestmark = pytest.mark.django_db

FORMAT = re.compile(r"^\d{6}-\d{2}-\d{8}-\d{6}$")


def test_format_and_serial_per_region_type_and_day():
    day = dt.date(2026, 11, 29)
    first = numbering.next_number("420102000000", "01", day)
    second = numbering.next_number("420102000000", "01", day)
    assert first == "420102-01-20261129-000001" and FORMAT.match(first)
    assert second == "420102-01-20261129-000002"
    assert numbering.next_number("420102000000", "20", day).endswith("-000001")
    assert numbering.next_number("420500000000", "01", day).startswith("420500-01-")
    assert numbering.next_number("420102000000", "01", day + dt.timedelta(days=1)) == (
        "420102-01-20261130-000001")


def test_no_number_is_left_after_the_last_serial_of_a_day():
    day = dt.date(2026, 11, 29)
    CaseNumberCounter.objects.create(prefix="420102-01-20261129", last=999_999)
    with pytest.raises(ActionError) as refused:
        numbering.next_number("420102000000", "01", day)
    assert refused.value.code == "numbers_exhausted" and refused.value.status < 500


def test_submission_numbers_the_case_once_in_the_handling_region(catalog, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 9, 30))
    case = make_case(catalog, S.DRAFT)
    case = actions.do_transition(user("zhangsan"), case, "submit")
    # Online: the handling organization's region (武汉市), item type 20, the local date.
    assert case.number == "420100-20-20260930-000001"
    case = actions.do_transition(user("clerk_wuhan"), case, "request_correction",
                                 reason="照片不清晰")
    case = actions.do_transition(user("zhangsan"), case, "resubmit")
    assert case.number == "420100-20-20260930-000001"  # resubmission keeps the number
