"""The lake's records. The data itself lives in Parquet files under JINGCHU_LAKE_DIR (see
`jingchu.lake.storage`); these tables hold what the platform knows about it. Only the lake's own
actions write them."""

from jingchu.lake.models.datasets import Dataset, DatasetVersion, IngestJob
from jingchu.lake.models.linkage import LinkageRun
from jingchu.lake.models.quality import AuditRun, QualityRectification, QualityRule, RuleResult

__all__ = [
    "AuditRun",
    "Dataset",
    "DatasetVersion",
    "IngestJob",
    "LinkageRun",
    "QualityRectification",
    "QualityRule",
    "RuleResult",
]
