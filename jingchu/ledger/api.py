"""The ledger's public API under /api/v1/ledger/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["ledger"])
