"""Demo open datasets, for `jingchu demo`: something on every page of the workflow.

- 食品经营许可信息 (hb-scjg/food-licences, from the lake's demo) published: business licences
  are public business data, and the catalog marks the resource open.
- 全省中小学校基本情况 (hb-jyt/school-stats, county-level counts of schools, pupils and teachers,
  made here and loaded through the lake's own actions) published, with numeric columns for the
  charts; a second open dataset of it left as a draft.
- 纳税信用等级信息 (hb-sw/tax-credit) submitted and waiting in the review queue.

Owners' stewards (steward_scjg, steward_jyt, steward_sw, made by the sharing demo) draft and
submit; identity's province-level persona "steward" (省大数据中心) approves. Deterministic and
idempotent: an open dataset that exists is left alone; a missing lake dataset or steward is
skipped with a line in the report. A month of usage is drawn for the published ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from django.utils import timezone

from jingchu.core.errors import ActionError
from jingchu.identity.models import User
from jingchu.lake.models import Dataset
from jingchu.opendata import actions
from jingchu.opendata.models import OpenDataset

SCHOOLS = "hb-jyt/school-stats"
REVIEWER = "steward"


def C(name: str, label: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "type": kind, "label": label, "required": False, "mask": ""}


SCHOOL_COLUMNS = [
    C("region_code", "行政区划代码"), C("region_name", "县（市、区）"),
    C("year", "统计年度", "integer"),
    C("primary_schools", "小学数", "integer"), C("secondary_schools", "中学数", "integer"),
    C("pupils", "在校生数", "integer"), C("teachers", "专任教师数", "integer"),
    C("pupil_teacher_ratio", "生师比", "decimal"),
]

# name, lake code, owner's steward, title, notes, licence, frequency, fields, topics, tags, stop
SPECS: list[tuple[Any, ...]] = [
    ("food-licences", "hb-scjg/food-licences", "steward_scjg", "食品经营许可信息",
     "全省食品经营许可证的编号、经营者、经营场所与有效期，每日更新。", "gov-open", "daily",
     ["license_no", "uscc", "name", "premises", "valid_until"], ["economy"],
     ["食品安全", "行政许可", "市场监管"], "published"),
    ("school-stats", SCHOOLS, "steward_jyt", "全省中小学校基本情况",
     "按县（市、区）统计的小学、中学数量，在校生与专任教师人数及生师比。", "CC-BY-4.0",
     "yearly", [c["name"] for c in SCHOOL_COLUMNS], ["education"], ["教育", "统计"],
     "published"),
    ("school-teachers", SCHOOLS, "steward_jyt", "各县专任教师人数",
     "专任教师人数的县级统计（草稿）。", "CC0-1.0", "yearly",
     ["region_code", "region_name", "year", "teachers"], ["education"], ["教师"], "draft"),
    ("tax-credit", "hb-sw/tax-credit", "steward_sw", "纳税信用等级信息",
     "纳税人信用级别年度评价结果。", "gov-open", "yearly", ["uscc", "name", "grade", "year"],
     ["economy"], ["税务", "信用"], "submitted"),
]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _school_rows() -> list[dict[str, Any]]:
    from jingchu.core.models import Region

    rng = random.Random("opendata-school-stats")
    rows = []
    for region in Region.objects.county_level().filter(code__startswith="42").order_by("code"):
        primary, secondary = rng.randint(15, 120), rng.randint(8, 50)
        pupils = primary * rng.randint(300, 900) + secondary * rng.randint(600, 1500)
        teachers = max(1, int(pupils / rng.uniform(11.0, 19.0)))
        rows.append({"region_code": region.code[:6], "region_name": region.name, "year": 2024,
                     "primary_schools": primary, "secondary_schools": secondary,
                     "pupils": pupils, "teachers": teachers,
                     "pupil_teacher_ratio": f"{pupils / teachers:.2f}"})
    return rows


def _school_dataset(ctx: Any) -> str:
    """Register and load hb-jyt/school-stats through the lake's actions (the platform as actor),
    once."""
    from jingchu.lake.actions import datasets as lake_actions

    found = Dataset.objects.filter(code=SCHOOLS).first()
    if found is not None and found.current_version_id:
        return ""
    owner = ctx.orgs.get("hb-jyt")
    if owner is None:
        return "no 省教育厅"
    dataset = found or lake_actions.do_register_dataset(None, owner, {
        "code": SCHOOLS, "name": "全省中小学校基本情况", "update_frequency": "yearly",
        "description": "县级教育统计（演示数据）", "columns": SCHOOL_COLUMNS,
        "key_column": "region_code"})
    with tempfile.TemporaryDirectory(prefix="jingchu-opendata-demo-") as folder:
        path = Path(folder) / "school_stats.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=[c["name"] for c in SCHOOL_COLUMNS])
            writer.writeheader()
            writer.writerows(_school_rows())
        job = lake_actions.do_start_load(None, dataset, path=path, encoding="utf-8")
        version = lake_actions.do_run_load(job)
    return f"{SCHOOLS} v{version.number} ({version.row_count} rows)"


def _open(spec: tuple[Any, ...], reviewer: User | None) -> str:
    name, code, steward_name, title, notes, licence, frequency, fields, topics, tags, stop = spec
    if OpenDataset.objects.filter(name=name).exists():
        return ""
    source = Dataset.objects.filter(code=code, current_version__isnull=False).first()
    steward = _user(steward_name)
    if source is None or steward is None or (stop == "published" and reviewer is None):
        return f"{name}: skipped (no lake dataset {code} or no steward)"
    try:
        ds = actions.do_create_open_dataset(steward, source, {
            "name": name, "title": title, "notes": notes, "licence": licence,
            "update_frequency": frequency, "fields": fields, "topics": topics, "tags": tags})
        if stop in ("submitted", "published"):
            actions.do_submit_open_dataset(steward, ds)
        if stop == "published":
            actions.do_approve_open_dataset(reviewer, ds, "演示数据，同意开放。")
            _usage(ds)
    except ActionError as exc:
        return f"{name}: refused ({exc.message})"
    return f"{name} ({stop})"


def _usage(ds: OpenDataset) -> None:
    """A month of page views, downloads and API calls, drawn from a generator seeded by name."""
    rng = random.Random(f"opendata-usage-{ds.name}")
    today = timezone.localdate()
    kinds = ["view", "api", "download_csv", "download_xlsx", "download_json", "download_parquet"]
    weights = [8, 4, 3, 2, 1, 1]
    for back in range(30):
        day = today - dt.timedelta(days=back)
        for kind, weight in zip(kinds, weights, strict=True):
            for _ in range(rng.randint(0, weight)):
                actions.do_count_usage(ds, kind, day)


def load_demo(ctx: Any) -> None:
    try:
        loaded = _school_dataset(ctx)
    except (ImportError, ActionError) as exc:  # the lake's load actions are not there
        loaded = f"school-stats not loaded ({exc})"
    reviewer = _user(REVIEWER)
    lines = [line for spec in SPECS if (line := _open(spec, reviewer))]
    if loaded:
        lines.insert(0, loaded)
    published = OpenDataset.objects.filter(status="published").count()
    ctx.report.append(f"Open data: {OpenDataset.objects.count()} open datasets, {published} "
                      f"published{': ' + '; '.join(lines) if lines else ''}; the portal is "
                      "/open/, reviews by 'steward'")
