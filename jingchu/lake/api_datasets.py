"""API of the lake: datasets."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["lake"])
