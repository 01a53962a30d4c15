"""Background jobs of the lake: datasets. Each is idempotent."""

from __future__ import annotations
