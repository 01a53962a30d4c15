"""Errors an action raises on bad input or refused permission; pages and the API render them."""

from __future__ import annotations

from typing import Any


class ActionError(Exception):
    """Bad input: the action wrote nothing. Rendered as HTTP `status` with code/message/details."""

    status = 400

    def __init__(
        self, code: str, message: str, details: dict[str, Any] | None = None, status: int = 0
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.details = details or {}
        if status:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class NotPermitted(ActionError):
    status = 403

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__("permission_denied", message, details)


class NotFound(ActionError):
    status = 404

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__("not_found", message, details)


def clean_reason(raw: Any, limit: int) -> str:
    """The reasons a refusal, cancellation or suspension must give: required, at most `limit`
    characters; raises ActionError (field "reason") otherwise."""
    from django.utils.translation import gettext as _

    text = str(raw or "").strip()
    if not text:
        raise ActionError("reason_required", _("Please give the reasons."), {"field": "reason"})
    if len(text) > limit:
        raise ActionError("reason_too_long", _("At most %(limit)d characters.")
                          % {"limit": limit}, {"field": "reason"})
    return text


def clean_text(raw: Any, field: str, *, required: bool = False, limit: int = 200) -> str:
    """A text field of an action's input, stripped: required if asked, at most `limit`
    characters; raises ActionError naming `field` otherwise."""
    from django.utils.translation import gettext as _

    text = str(raw or "").strip()
    if required and not text:
        raise ActionError(f"{field}_required", _("This field is required."), {"field": field})
    if len(text) > limit:
        raise ActionError(f"{field}_too_long", _("At most %(limit)d characters.")
                          % {"limit": limit}, {"field": field})
    return text
