"""Months as the evaluation counts them: the first local day stands for the month."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(raw: object, field: str = "month") -> dt.date:
    """`YYYY-MM` as the month's first day; ActionError naming `field` otherwise."""
    text = str(raw or "").strip()
    found = MONTH_RE.match(text)
    if found:
        year, month = int(found.group(1)), int(found.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    raise ActionError("invalid_month", _("Give the month as YYYY-MM."), {"field": field})


def label(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def last_day(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def current_month() -> dt.date:
    return timezone.localdate().replace(day=1)
