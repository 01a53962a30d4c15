"""Loading Hubei's administrative divisions from the shipped statistical code table.

The national table files Xiantao, Qianjiang, Tianmen and Shennongjia under a statistical grouping
(429000 省直辖县级行政区划). Hubei counts them as cities, so the grouping is not loaded and the four
hang directly under the province at city level, flagged `directly_administered`. Statistical areas
that are not legal divisions (e.g. 荆州经济技术开发区, 龙感湖管理区) are loaded but flagged.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from jingchu.core.choices import RegionLevel
from jingchu.core.models import Region

STATISTICAL_GROUPING = "429000000000"
STATISTICAL_AREAS = frozenset({"421071000000", "421171000000"})


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    parent_code: str


def default_path() -> Path:
    return Path(settings.DATA_DIR) / "regions" / "hubei.csv"


def read_rows(path: Path, levels: Iterable[str] | None = None) -> list[RegionRow]:
    wanted = set(levels) if levels else None
    rows = []
    with path.open(encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            row = RegionRow(raw["code"], raw["name"], raw["level"], raw["parent_code"] or "")
            if row.code == STATISTICAL_GROUPING:
                continue
            if row.parent_code == STATISTICAL_GROUPING:
                row = RegionRow(row.code, row.name, RegionLevel.CITY, row.code[:2] + "0" * 10)
            if wanted is None or row.level in wanted:
                rows.append(row)
    return rows


def load_regions(
    path: Path | None = None,
    townships_under: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Insert or update regions; idempotent. Townships load only under the given county codes
    (all of them when `townships_under` is None). Returns the number of rows written."""
    rows = read_rows(path or default_path())
    keep = set(townships_under) if townships_under is not None else None
    if keep is not None:
        rows = [r for r in rows if r.level != RegionLevel.TOWNSHIP or r.parent_code in keep]
    written = 0
    with transaction.atomic():
        by_code = {r.code: r for r in Region.objects.all()}
        for index, row in enumerate(_parents_first(rows), start=1):
            parent = by_code.get(row.parent_code) if row.parent_code else None
            if row.parent_code and parent is None:
                raise ValueError(f"region {row.code} names an unknown parent {row.parent_code}")
            path_str = f"{parent.path}/{row.code}" if parent else row.code
            obj, _created = Region.objects.update_or_create(
                code=row.code,
                defaults={
                    "name": row.name,
                    "level": row.level,
                    "parent": parent,
                    "path": path_str,
                    "is_statistical": row.code in STATISTICAL_AREAS,
                    "directly_administered": row.parent_code == row.code[:2] + "0" * 10
                    and row.code[:4] == "4290",
                },
            )
            by_code[row.code] = obj
            written += 1
            if progress:
                progress(index, len(rows))
    return written


def _parents_first(rows: list[RegionRow]) -> list[RegionRow]:
    order = {
        RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2,
        RegionLevel.TOWNSHIP: 3, RegionLevel.VILLAGE: 4,
    }
    return sorted(rows, key=lambda r: (order[RegionLevel(r.level)], r.code))
