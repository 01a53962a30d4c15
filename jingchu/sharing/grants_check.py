"""Whether a consumer may read these fields of a resource now: the gateway's grant check.

The order of the checks decides which refusal a caller sees, from the most to the least
fundamental: a resource on any negative list is never shared; then there must be a grant at
all; then an active one; then one valid today; then one that covers the fields asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone
from django.utils.connection import ConnectionProxy
from django.utils.translation import gettext as _

from jingchu.sharing import hot, queries
from jingchu.sharing.choices import CallResult, GrantStatus, ShareType
from jingchu.sharing.gateway_auth import Refusal
from jingchu.sharing.gateway_rows import GrantTerms, MountedResource

RATE_WINDOW_SECONDS = 60


def on_negative_list(resource: MountedResource) -> bool:
    """Never shared: not shared by its share type, or named on any negative list (read from
    the `negative_listed` annotation when the caller's query brought it)."""
    if resource.share_type == ShareType.NOT_SHARED:
        return True
    listed = getattr(resource, "negative_listed", None)
    return bool(listed) if listed is not None else queries.on_negative_list(resource.pk)


def _covering(grants: Sequence[GrantTerms], fields: list[str]) -> GrantTerms | None:
    wanted = set(fields)
    return next((g for g in grants if wanted <= set(g.fields)), None)


def check_grant(consumer_id: int, resource: MountedResource, fields: list[str] | None,
                grants: Sequence[GrantTerms] | None = None) -> GrantTerms:
    """The grant that lets `consumer_id` read `fields` (all its granted fields when None) of
    `resource` today, or a Refusal saying why not. `grants`: the consumer's grants for the
    resource, latest-ending first, when the caller has read them already (the gateway)."""
    if on_negative_list(resource):
        raise Refusal(CallResult.NEGATIVE_LIST, 403,
                      _("This resource is on a negative list and is never shared."))
    if grants is None:
        grants = hot.grants(consumer_id, resource.pk)
    if not grants:
        raise Refusal(CallResult.NO_GRANT, 403,
                      _("Your organization has no grant for this resource; request it in the "
                        "catalog first."))
    active = [g for g in grants if g.status == GrantStatus.ACTIVE]
    if not active:
        raise Refusal(CallResult.GRANT_SUSPENDED, 403,
                      _("Your organization's grant for this resource is suspended or revoked."),
                      {"status": grants[0].status})
    today = timezone.localdate()
    current = [g for g in active if g.valid_from <= today <= g.valid_until]
    if not current:
        raise Refusal(CallResult.GRANT_EXPIRED, 403,
                      _("Your organization's grant for this resource is not valid today."),
                      {"valid_from": active[0].valid_from.isoformat(),
                       "valid_until": active[0].valid_until.isoformat()})
    if fields is None:
        return current[0]
    grant = _covering(current, fields)
    if grant is None:
        allowed = set().union(*(set(g.fields) for g in current))
        raise Refusal(CallResult.FIELDS_NOT_GRANTED, 403,
                      _("Some fields asked for are outside your organization's grant."),
                      {"fields": sorted(set(fields) - allowed)})
    return grant


# One Redis client per cache instance: Django's RedisCache builds a new client object on every
# call; a client is safe to share between threads.
_CLIENTS: WeakKeyDictionary[RedisCache, Any] = WeakKeyDictionary()
# The window's first call makes the counter with its expiry; every call counts (atomic on the
# server, one command: a pipeline object alone cost more CPU than the round trip).
_COUNT_SCRIPT = ("redis.call('SET', KEYS[1], 0, 'EX', ARGV[1], 'NX') "
                 "return redis.call('INCR', KEYS[1])")


def _redis_client(redis_cache: RedisCache, key: str) -> Any:
    client = _CLIENTS.get(redis_cache)
    if client is None:
        client = _CLIENTS[redis_cache] = redis_cache._cache.get_client(  # type: ignore[attr-defined]
            key, write=True)
    return client


def _count(key: str, ttl: int) -> int:
    """Add one call to the window's counter `key` and answer the count so far.

    On Redis (Django's RedisCache) one command (`_COUNT_SCRIPT`); Django's own `incr` would
    ask whether the key exists first (two round trips)."""
    # `cache` is Django's proxy of this thread's default cache (a test may put one in its place).
    backend = caches[DEFAULT_CACHE_ALIAS] if isinstance(cache, ConnectionProxy) else cache
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(key)
        return int(_redis_client(backend, full_key).eval(_COUNT_SCRIPT, 1, full_key, ttl))
    try:
        return int(backend.incr(key))
    except ValueError:  # the window's first call (or its counter was evicted)
        return 1 if backend.add(key, 1, ttl) else int(backend.incr(key))


def take_rate(grant: GrantTerms) -> None:
    """Count one call against the grant's calls-per-minute in a fixed one-minute window.

    The counter lives in the configured cache: Redis when the platform has it (settings.CACHES),
    so the limit holds across web workers; the embedded default's in-process cache counts per
    process.
    """
    window = int(timezone.now().timestamp()) // RATE_WINDOW_SECONDS
    used = _count(f"sharing:rate:{grant.pk}:{window}", RATE_WINDOW_SECONDS * 2)
    if used > grant.rate_limit:
        raise Refusal(CallResult.RATE_LIMITED, 429,
                      _("The grant's rate limit is exceeded; try again in the next minute."),
                      {"calls_per_minute": grant.rate_limit})
