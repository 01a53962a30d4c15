"""The service-rating API."""

from ninja import Router

router = Router(tags=["reviews"])
