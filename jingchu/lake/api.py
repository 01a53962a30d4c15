"""The lake's API under /api/v1/lake/: datasets and versions, quality audits, linkage runs."""

from __future__ import annotations

from ninja import Router

from jingchu.lake.api_datasets import router as datasets_router
from jingchu.lake.api_linkage import router as linkage_router
from jingchu.lake.api_quality import router as quality_router

router = Router(tags=["lake"])
router.add_router("", datasets_router)
router.add_router("", quality_router)
router.add_router("", linkage_router)
