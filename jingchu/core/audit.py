"""The one helper every action calls to write an AuditEvent."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from jingchu.core import instances
from jingchu.core.middleware import current_context
from jingchu.core.models import AuditEvent


def _object_ref(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    # Objects are referred to by their opaque uid where they have one, never by a sequential key.
    ident = getattr(obj, "uid", None) or getattr(obj, "code", None) or obj.pk
    return obj._meta.label_lower, str(ident), str(obj)[:200]


def record(
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    *,
    actor_label: str = "",
) -> AuditEvent:
    """Write one AuditEvent. Call it inside the action's transaction so both commit or neither."""
    event = build(action, actor, obj, details, actor_label=actor_label)
    event.save(force_insert=True)
    return event


class Origin(NamedTuple):
    """Who acts and from where: what every audit row written for one request shares."""
    actor: Any  # the authenticated user, or None
    actor_label: str
    source_ip: str | None
    user_agent: str


def origin(actor: AbstractBaseUser | AnonymousUser | None, *, actor_label: str = "") -> Origin:
    """The actor and the request's address and user agent, as `build` writes them."""
    ctx = current_context()
    user: Any = actor if (actor is not None and actor.is_authenticated) else None
    return Origin(user, actor_label or (user.get_username() if user else "anonymous"),
                  ctx.source_ip if ctx else None, ctx.user_agent if ctx else "")


def build(
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    *,
    actor_label: str = "",
) -> AuditEvent:
    """The AuditEvent `record` would write, unsaved: an action writing several at once stores
    them with `record_many` in one statement, still inside its transaction."""
    return build_from(origin(actor, actor_label=actor_label), action, obj, details)


def build_from(who: Origin, action: str, obj: models.Model | None = None,
               details: dict[str, Any] | None = None) -> AuditEvent:
    """`build` for an origin already taken (`origin`)."""
    object_type, object_id, object_label = _object_ref(obj)
    return instances.new(
        AuditEvent, actor=who.actor, actor_label=who.actor_label, action=action,
        object_type=object_type, object_id=object_id, object_label=object_label,
        source_ip=who.source_ip, user_agent=who.user_agent, details=details or {},
    )


def record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Write events made by `build` in one INSERT (append-only rows: no save() logic skipped)."""
    return AuditEvent.objects.bulk_create(events)
