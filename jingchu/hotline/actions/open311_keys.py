"""Open311 API keys: made and revoked by a centre's supervisors, presented by the systems that
POST service requests (jingchu.hotline.open311).

Only the SHA-256 of a key is stored; the key itself is returned once, by do_create_key.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import NotPermitted, clean_text
from jingchu.hotline import permissions
from jingchu.hotline.models import Centre, Open311Key

KEY_PREFIX = "o311_"


def key_hash(raw: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _require_supervisor(actor: Any, centre: Centre) -> None:
    """`actor=None` is the system (demo loader, fixtures); a person must supervise `centre`."""
    if actor is None:
        return
    if not permissions.can_manage_open311_keys(actor, centre):
        raise NotPermitted(_("Only a supervisor of this hotline centre may manage its "
                             "Open311 keys."))


@transaction.atomic
def do_create_key(actor: Any, *, centre: Centre, name: str) -> tuple[Open311Key, str]:
    """A new key for a system filing requests into `centre`; the raw key is shown only now."""
    _require_supervisor(actor, centre)
    label = clean_text(name, "name", required=True, limit=100)
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    user = actor if actor is not None and actor.is_authenticated else None
    key = Open311Key.objects.create(name=label, centre=centre, key_hash=key_hash(raw),
                                    created_by=user)
    audit.record("hotline.open311_key.create", actor, key,
                 {"centre": str(centre.uid), "name": label})
    return key, raw


@transaction.atomic
def do_revoke_key(actor: Any, key: Open311Key) -> Open311Key:
    """Stop accepting `key`. Revoking a revoked key changes nothing."""
    _require_supervisor(actor, key.centre)
    key = Open311Key.objects.select_for_update().get(pk=key.pk)
    if not key.is_active:
        return key
    key.is_active = False
    key.save(update_fields=["is_active"])
    audit.record("hotline.open311_key.revoke", actor, key, {"centre": str(key.centre.uid)})
    return key


def do_use_key(raw: str) -> Open311Key | None:
    """The active key `raw` is, with its use recorded (last_used_at); None when it is unknown
    or revoked. Not audited: the ticket filed with it is, under the key's name, and auditing
    every failed attempt would let anyone fill the audit log."""
    if not raw:
        return None
    key = (Open311Key.objects.select_related("centre")
           .filter(key_hash=key_hash(raw), is_active=True).first())
    if key is None:
        return None
    key.last_used_at = timezone.now()
    Open311Key.objects.filter(pk=key.pk).update(last_used_at=key.last_used_at)
    return key
