"""Supervision's JSON API under /api/v1/supervision/: one router per part, each module owning
its paths (directory and credit, plans and draws, inspections and results)."""

from ninja import Router

from jingchu.supervision import api_catalog, api_inspections, api_plans

router = Router(tags=["supervision"])
router.add_router("", api_catalog.router)
router.add_router("", api_plans.router)
router.add_router("", api_inspections.router)
