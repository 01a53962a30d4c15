"""The cases API in the spirit of GovStack Registration."""

from ninja import Router

router = Router(tags=["cases"])
