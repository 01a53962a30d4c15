"""Who may do what with the ledger. Reading is public on purpose: anyone holding a receipt must
be able to check it against the log without an account. Signing a tree head on request is for
the platform administrator (the periodic task signs as the platform itself)."""

from __future__ import annotations

from typing import Any

from jingchu.identity.permissions import require

__all__ = ["require"]


def can_read_ledger(user: Any) -> bool:
    """Everyone, signed in or not; still called by every page and endpoint, so that closing
    the ledger (an intranet-only deployment) is a change here alone."""
    del user
    return True


def can_sign_tree_head(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_superuser", False))
