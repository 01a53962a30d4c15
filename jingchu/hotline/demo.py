"""Demo data of the hotline (filled in by the demo loader)."""

from typing import Any


def load_demo(ctx: Any) -> None:
    return None
