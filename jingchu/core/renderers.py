"""JSON in and out of the API with orjson.

Why: the standard library's encoder, driven through Django's encoder class, took ~19 µs to write
a new case's answer, and its decoder, with the hooks that made it strict, ~11 µs to read the
submission; orjson does each in ~1 µs. That is ~4% of a submission's CPU in the web process
(bench/HISTORY.md, "Ninth session"); every other answer is written faster too.

What the API sends does not change in meaning: datetimes, dates and times are still spelled as
Django's encoder spells them (milliseconds, "Z" for UTC; UTC datetimes by `_utc`, the others by
the encoder itself), and every type JSON has no form for is written by that encoder too
(decimals and lazy translations as strings, pydantic models as their dump). Only the spelling
does: no spaces after separators, and text as UTF-8 rather than \\u escapes (the answer's
Content-Type says utf-8). NaN, which the old encoder wrote as an invalid `NaN`, is now `null`,
and a plain Enum member is written as its value rather than as "Class.MEMBER" (the platform's
choices are str subclasses, written as their values either way).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

# Datetimes come back to `_default` so their spelling stays as clients know it (Django's); keys
# that are not strings (integers, dates) become strings as the standard library made them.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_ENCODER = NinjaJSONEncoder()  # stateless: one instance serves every thread
_TEMPORAL = (dt.datetime, dt.date, dt.time)


def _utc(value: dt.datetime) -> str:
    """A UTC datetime as Django's encoder spells it (milliseconds, "Z"), without its layers.
    Why: the API's datetimes are UTC (`timezone.now()`, USE_TZ), an answer holds several, and
    each went from orjson through four Python calls to `isoformat`. In place, under load, a new
    case's answer took 30 µs to write that way and takes 24 µs this way (bench/HISTORY.md,
    "Fifteenth session"); tests/test_renderers.py holds this spelling equal to Django's."""
    text = value.isoformat()  # "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00"
    return f"{text[:23] if value.microsecond else text[:19]}Z"


def _default(value: Any) -> Any:
    # Most values that reach here are UTC datetimes: spelled at once. Other datetimes, dates and
    # times take Django's own spelling, without ninja's four checks for other types first.
    if type(value) is dt.datetime and value.tzinfo is dt.UTC:  # exactly: a subclass may differ
        return _utc(value)
    if isinstance(value, _TEMPORAL):
        return DjangoJSONEncoder.default(_ENCODER, value)
    return _ENCODER.default(value)


def dumps(data: Any, *, sort_keys: bool = False) -> bytes:
    """`data` as UTF-8 JSON bytes, each value spelled as the API spells it; with `sort_keys`,
    one text for equal data whatever the order of its keys (a cache key)."""
    option = _OPTIONS | orjson.OPT_SORT_KEYS if sort_keys else _OPTIONS
    try:
        return orjson.dumps(data, default=_default, option=option)
    except TypeError as error:
        # orjson holds integers to 64 bits; a larger one (JSON allows it) takes the slow way.
        if "Integer exceeds 64-bit range" not in str(error):
            raise
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False,
                          sort_keys=sort_keys).encode()


def loads(body: bytes | str) -> Any:
    """A request body as JSON (RFC 8259) defines it, and nothing more: NaN, Infinity, a number
    beyond a double's range (1e400), invalid UTF-8 or a lone surrogate make it unreadable
    (ValueError), where Python's json module would read them. An integer beyond 64 bits is read
    as the nearest double, as RFC 8259 section 6 allows."""
    return orjson.loads(body)


class JSONRenderer(BaseRenderer):
    media_type = "application/json"
    charset = "utf-8"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return dumps(data)
