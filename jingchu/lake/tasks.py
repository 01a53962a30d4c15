"""Background jobs of the lake, found by Celery here: loads (tasks_datasets), audits
(tasks_quality) and linkage runs (tasks_linkage). Each is idempotent."""

from jingchu.lake.tasks_datasets import *  # noqa: F403
from jingchu.lake.tasks_linkage import *  # noqa: F403
from jingchu.lake.tasks_quality import *  # noqa: F403
