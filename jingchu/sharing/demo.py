"""Demo data of the data-sharing exchange: the catalog, lists, requests and grants first, then
the demo population and legal-entity bases, then a gateway client and its first reads."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from jingchu.sharing.demo_catalog import load_catalog_demo


def load_demo(ctx: Any) -> None:
    load_catalog_demo(ctx)
    if find_spec("jingchu.sharing.bases") is None:
        return
    bases = import_module("jingchu.sharing.bases")
    loader = getattr(bases, "load_demo_bases", None)
    if loader is not None:
        loader(ctx)
        from jingchu.sharing.demo_exchange import load_exchange_demo

        load_exchange_demo(ctx)
