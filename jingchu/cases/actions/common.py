"""Helpers shared by the case actions."""

from __future__ import annotations

from typing import Any

from jingchu.cases.models import Case, CaseEvent


def record_event(case: Case, actor: Any, action: str, before: str, note: str = "",
           details: dict[str, Any] | None = None, public: bool = True) -> None:
    CaseEvent.objects.create(
        case=case, actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action, from_status=before, to_status=case.status, note=note,
        details=details or {}, public=public,
    )
