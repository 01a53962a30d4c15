"""Background jobs of the lake: linkage. Each is idempotent."""

from __future__ import annotations
