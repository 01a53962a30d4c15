"""Demo data of the data-sharing exchange (to be written)."""

from __future__ import annotations

from typing import Any


def load_demo(ctx: Any) -> None:
    return None
