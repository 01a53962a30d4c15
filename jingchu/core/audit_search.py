"""Reading the audit trail for auditors: filtering, masking of details, and CSV export.

Read-only on purpose: nothing here writes, so an auditor's browsing leaves the trail unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from jingchu.core import masking
from jingchu.core.models import AuditEvent

PAGE_SIZE = 50
CSV_HEADER = [
    "uid", "at", "actor", "action", "object_type", "object_id", "object_label",
    "source_ip", "user_agent", "details",
]
# Actions may put personal data in details under these keys; the trail shows them masked.
_MASKERS = {
    "id_number": masking.mask_id_number,
    "phone": masking.mask_phone,
    "address": masking.mask_address,
}
# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def search_events(filters: Mapping[str, Any]) -> QuerySet[AuditEvent]:
    """Events matching every given filter, newest first; dates are whole days in Asia/Shanghai."""
    events = AuditEvent.objects.all()
    if actor := filters.get("actor"):
        events = events.filter(Q(actor__username=actor) | Q(actor_label=actor))
    if action := filters.get("action"):
        events = events.filter(action__startswith=action)
    if object_type := filters.get("object_type"):
        events = events.filter(object_type=object_type)
    if object_id := filters.get("object_id"):
        events = events.filter(object_id=object_id)
    if date_from := filters.get("date_from"):
        events = events.filter(at__gte=_local_midnight(date_from))
    if date_to := filters.get("date_to"):
        events = events.filter(at__lt=_local_midnight(date_to + dt.timedelta(days=1)))
    return events.order_by("-at", "-id")


def masked_details(value: Any) -> Any:
    """The details with personal values masked, at any depth."""
    if isinstance(value, dict):
        return {
            key: _MASKERS[key](item) if key in _MASKERS and isinstance(item, str)
            else masked_details(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [masked_details(item) for item in value]
    return value


def details_text(event: AuditEvent) -> str:
    if not event.details:
        return ""
    return json.dumps(masked_details(event.details), ensure_ascii=False, sort_keys=True)


def _safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def event_row(event: AuditEvent) -> list[str]:
    cells: list[object] = [
        event.uid, timezone.localtime(event.at).isoformat(), event.actor_label, event.action,
        event.object_type, event.object_id, event.object_label, event.source_ip,
        event.user_agent, details_text(event),
    ]
    return [_safe_cell(cell) for cell in cells]


class _Echo:
    """A file-like object whose write() hands back the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte-order mark makes spreadsheet programs on Windows read the Chinese as UTF-8.
    yield "\ufeff" + str(writer.writerow(CSV_HEADER))
    for event in events:
        yield str(writer.writerow(event_row(event)))
