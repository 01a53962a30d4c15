"""Background jobs of the lake: quality. Each is idempotent."""

from __future__ import annotations
