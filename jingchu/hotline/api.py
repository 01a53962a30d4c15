"""The hotline's JSON API under /api/v1/hotline/."""

from ninja import Router

router = Router(tags=["hotline"])
