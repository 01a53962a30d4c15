"""Demo: one record linkage run over the demo lake, when the datasets' demo has loaded it —
the population extract of 省公安厅 deduplicated and the social-insurance enrolment of 省人社厅
linked to it. Quiet when either dataset is missing; idempotent (a finished run over the same
versions is kept, not repeated). About 20k records: a few seconds."""

from __future__ import annotations

from typing import Any

from jingchu.lake.actions import linkage as actions
from jingchu.lake.choices import JobStatus
from jingchu.lake.models import Dataset, LinkageRun

BASE, LINKED = "hb-gat/population-extract", "hb-rst/si-enrolment"
DEMO_NAME = "演示：人口库去重与社保参保关联"


def load_linkage_demo(ctx: Any) -> LinkageRun | None:
    datasets = {d.code: d for d in Dataset.objects.filter(code__in=[BASE, LINKED])
                .select_related("current_version")}
    versions = [datasets[c].current_version for c in (BASE, LINKED) if c in datasets]
    if len(versions) != 2 or None in versions:
        return None
    wanted = [str(v.uid) for v in versions if v is not None]
    for run in LinkageRun.objects.filter(name=DEMO_NAME, status=JobStatus.SUCCEEDED):
        if run.report.get("versions") == wanted:
            return run
    run = actions.do_run_linkage(None, DEMO_NAME, [v for v in versions if v is not None],
                                 0.95, queue=False)
    run = actions.execute_linkage(run)
    report = getattr(ctx, "report", None)
    if report is not None:
        report.append(f"Linkage: {run.record_count} records of {BASE} and {LINKED} → "
                      f"{run.cluster_count} persons ({run.status}, "
                      f"{run.duration_ms / 1000:.1f} s)")
    return run
