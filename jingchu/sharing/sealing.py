"""Sealing the gateway's call records in the ledger, in batches (区块链存证 of data exchange).

A batch is the oldest calls not yet sealed, in id order. Its ledger entry (kind
"sharing.calls") holds no personal data — the ledger is public — only the range of call ids,
their count and an SM3 digest over one canonical line per call. Whoever holds the call records
(the platform, an auditor with a copy) recomputes the digest with `batch_digest` and compares it
with the entry, whose inclusion in the log anyone can check: a call altered, removed or
inserted afterwards changes the digest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from jingchu.core.crypto import sm3
from jingchu.sharing.models import ExchangeCall

BATCH = 5000
KIND = "sharing.calls"
LINE_FIELDS = ("id", "request_id", "at", "client__code", "consumer__uscc", "on_behalf_of",
               "purpose", "case_number", "resource__code", "subject_index", "fields", "result",
               "status_code")


def call_line(row: dict[str, Any]) -> bytes:
    """One call as canonical JSON (keys sorted, no spaces, UTF-8), the unit of the digest."""
    values = {key: row[key] for key in LINE_FIELDS}
    values["at"] = row["at"].isoformat()
    return json.dumps(values, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def batch_digest(rows: Iterable[dict[str, Any]]) -> str:
    """SM3 over the SM3 of each call's line, in id order."""
    return sm3(b"".join(sm3(call_line(row)) for row in rows)).hex()


def rows_of(calls: QuerySet[ExchangeCall]) -> list[dict[str, Any]]:
    return list(calls.order_by("id").values(*LINE_FIELDS))


def verify_batch(index: int) -> bool:
    """Whether the calls sealed in ledger entry `index` still match its digest and count."""
    from jingchu.ledger.queries import entry_at

    entry = entry_at(index)
    payload = json.loads(entry.payload)
    rows = rows_of(ExchangeCall.objects.filter(ledger_index=index))
    return len(rows) == payload["count"] and batch_digest(rows) == payload["digest"]
