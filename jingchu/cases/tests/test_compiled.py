"""Queries compiled once (jingchu.core.compiled): the bearer token's and the implementation's
lookups answer what the ORM answers, compile once per process, and refuse what they cannot
compile."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Count
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from jingchu.cases import bearer, services
from jingchu.cases.tests.test_api import _token
from jingchu.core.compiled import CompiledQuery
from jingchu.identity.models import User
from jingchu.services.models import ItemImplementation

pytestmark = pytest.mark.django_db


def _snapshot(obj: Any, seen: tuple[int, ...] = ()) -> Any:
    """Everything an instance holds: its values, its state and, in turn, each related object
    cached on it (None where select_related found none). A one-to-one caches both ways: an
    object met again on the way down is named by its type and key."""
    if obj is None:
        return None
    if id(obj) in seen:
        return "again", type(obj), obj.pk
    values = {k: v for k, v in obj.__dict__.items() if k != "_state"}
    related = {k: _snapshot(v, (*seen, id(obj))) for k, v in obj._state.fields_cache.items()}
    return type(obj), values, related, obj._state.db, obj._state.adding


def _orm_token(checksum: str) -> list[AccessToken]:
    return list(bearer._by_checksum(checksum))


def _client_without_policy(user: User) -> str:
    app = Application.objects.create(
        name="无策略系统", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS)
    token = AccessToken.objects.create(user=user, application=app, token="tok-no-policy",
                                       scope="openid",
                                       expires=timezone.now() + dt.timedelta(minutes=5))
    return token.token_checksum


def _checksums(catalog: dict[str, Any]) -> list[str]:
    citizen = User.objects.get(username="zhangsan")
    staff = User.objects.filter(staff__isnull=False).first()
    raws = [_token(citizen), _token(staff), _token(None), _token(citizen, disabled=True)]
    return [bearer._checksum(raw) for raw in raws] + [_client_without_policy(citizen)]


def test_a_token_is_read_as_the_orm_reads_it(catalog, django_assert_num_queries):
    for checksum in _checksums(catalog):
        with django_assert_num_queries(1):
            compiled = bearer._BY_CHECKSUM.run(checksum)
        orm = _orm_token(checksum)
        assert len(compiled) == len(orm) == 1
        assert _snapshot(compiled[0]) == _snapshot(orm[0])
        with django_assert_num_queries(0):  # the related objects came along, absent ones too
            user = compiled[0].user
            for name in ("person", "staff"):
                if user is not None:
                    getattr(user, name, None)
            getattr(compiled[0].application, "jingchu_policy", None)
    assert bearer._BY_CHECKSUM.run("no-such-checksum") == []


def test_implementations_are_read_as_the_orm_reads_them(catalog, django_assert_num_queries):
    impls = list(ItemImplementation.objects.filter(is_active=True).select_related("item"))
    assert impls
    for impl in impls:
        service = impl.item.code
        with django_assert_num_queries(1):
            one = services._IMPLEMENTATION.run(service, impl.code)
        orm_one = list(services._implementations_of(service).filter(code=impl.code)[:1])
        assert [_snapshot(i) for i in one] == [_snapshot(i) for i in orm_one]
        two = services._FIRST_TWO.run(service)
        orm_two = list(services._implementations_of(service)[:2])
        assert [_snapshot(i) for i in two] == [_snapshot(i) for i in orm_two]
    several = [c for c in {i.item.code for i in impls}
               if len(services._implementations_of(c)[:2]) == 2]
    assert several  # the order is held where it matters: two implementations, by code
    two = services._FIRST_TWO.run(several[0])
    assert [i.code for i in two] == sorted(i.code for i in two)


def test_compiled_once_whatever_the_values(catalog, monkeypatch):
    checksums = _checksums(catalog)
    query: CompiledQuery[AccessToken] = CompiledQuery(bearer._by_checksum, 1)
    compiled = 0
    as_sql = SQLCompiler.as_sql

    def counting(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        nonlocal compiled
        compiled += 1
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    found = [query.run(c)[0].token_checksum for c in checksums]
    assert found == checksums and compiled == 1
    # A value is a parameter, never SQL.
    assert query.run("x' OR 1=1 --") == [] and query.run("100%s") == [] and compiled == 1


def test_what_cannot_be_compiled_is_refused(catalog):
    annotated = CompiledQuery(lambda name: User.objects.filter(username=name).annotate(
        n=Count("groups")), 1)
    with pytest.raises(ValueError, match="plain querysets"):
        annotated.run("zhangsan")
    changed = CompiledQuery(lambda name: User.objects.filter(username__icontains=name), 1)
    with pytest.raises(ValueError, match="unchanged"):
        changed.run("zhang")
    unused = CompiledQuery(lambda name, other: User.objects.filter(username=name), 2)
    with pytest.raises(ValueError, match="unchanged"):
        unused.run("zhangsan", "x")
    with pytest.raises(TypeError, match="1 values expected"):
        CompiledQuery(lambda name: User.objects.filter(username=name), 1).run("a", "b")
