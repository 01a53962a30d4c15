"""Demo reference data: regions and organizations. Idempotent: loading twice changes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from jingchu.core import actions
from jingchu.core.identifiers import make_uscc
from jingchu.core.models import Organization, Region


def demo_file(name: str) -> Path:
    return Path(settings.DATA_DIR) / "demo" / name


def org_uscc(region_code: str, index: int) -> str:
    """A valid credit code for the demo's government bodies (authority 1, kind 1: 机关)."""
    return make_uscc("1", "1", region_code[:6], f"{index:08d}")


def load_organizations(actor: Any = None) -> dict[str, Organization]:
    spec = json.loads(demo_file("organizations.json").read_text(encoding="utf-8"))
    orgs: dict[str, Organization] = {}
    for index, item in enumerate(spec["organizations"], start=1):
        region = Region.objects.get(code=item["region"])
        orgs[item["key"]] = actions.do_upsert_organization(
            actor,
            uscc=org_uscc(item["region"], index),
            name=item["name"],
            short_name=item.get("short", ""),
            kind=item["kind"],
            region=region,
            parent=orgs.get(item["parent"]) if item.get("parent") else None,
        )
    return orgs


@dataclass
class DemoContext:
    """What the apps' demo loaders share: organizations by key, and lines for the report."""

    orgs: dict[str, Organization] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    password: str = ""


def load_demo(ctx: DemoContext) -> None:
    """The core app's part: regions, the calendar and organizations."""
    from jingchu.core.calendar_data import load_calendar_files
    from jingchu.core.regions import load_regions

    regions = load_regions()
    days = load_calendar_files()
    ctx.orgs.update(load_organizations())
    ctx.report.append(
        f"Regions: {regions}, calendar days: {days}, organizations: {len(ctx.orgs)}"
    )


def run_all(ctx: DemoContext, through: str = "") -> None:
    """Each installed app that ships demo data names a `demo_module` on its AppConfig with a
    `load_demo(ctx)` function; they run in INSTALLED_APPS order, so core never imports the
    apps that stand on it. With `through` (an app label), the apps after that one are left out;
    the apps `through` stands on come before it, so its part is whole."""
    from importlib import import_module

    from django.apps import apps

    if through:
        apps.get_app_config(through)  # LookupError for a label that is not installed
    for config in apps.get_app_configs():
        module_name = getattr(config, "demo_module", "")
        if module_name:
            import_module(module_name).load_demo(ctx)
        if config.label == through:
            return
