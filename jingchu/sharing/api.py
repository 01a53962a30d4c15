"""The data-sharing API under /api/v1/sharing/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["sharing"])
