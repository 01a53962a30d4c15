"""A clock set back for the demo loaders: the apps' demo stories run their actions "in the
past" so the demo has history (tickets of last month, inspections of last quarter), with every
timestamp written by the same code paths as in real use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar
from unittest import mock

from django.utils import timezone

_REAL_DATETIME = dt.datetime


class _AnyDatetime(type):
    # Django checks isinstance(value, datetime) with the module's own name for the class.
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, _REAL_DATETIME)


class _FrozenDatetime(_REAL_DATETIME, metaclass=_AnyDatetime):
    frozen: ClassVar[dt.datetime]

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
        return cls.frozen.astimezone(tz) if tz is not None else cls.frozen.replace(tzinfo=None)


@contextmanager
def clock(at: dt.datetime) -> Iterator[None]:
    """timezone.now() and timezone.localdate() answer `at` inside the block: for the actions,
    and for the model defaults that hold a reference to timezone.now. Demo loaders only."""
    _FrozenDatetime.frozen = at
    with mock.patch.object(timezone, "datetime", _FrozenDatetime):
        yield
