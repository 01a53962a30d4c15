"""API of the lake: quality."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["lake"])
