"""The API's JSON in and out (core.renderers): the same values as the standard library's
encoder with Django's rules wrote, spelled compactly in UTF-8; bodies read strictly."""

from __future__ import annotations

import datetime as dt
import enum
import json
import uuid
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext_lazy
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

from jingchu.api import api
from jingchu.core import renderers

UTC = dt.UTC
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


class Colour(enum.Enum):
    RED = "red"


class Point(BaseModel):
    x: int
    at: dt.date


def _sample() -> dict[Any, Any]:
    return {
        "uid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "at_utc": dt.datetime(2026, 12, 1, 2, 3, 4, 567891, tzinfo=UTC),
        "at_shanghai": dt.datetime(2026, 12, 1, 10, 3, 4, tzinfo=SHANGHAI),
        "naive": dt.datetime(2026, 12, 1, 10, 3, 4, 120000),
        "day": dt.date(2026, 12, 1), "time": dt.time(9, 30, 0, 250000),
        "amount": Decimal("12.50"), "label": gettext_lazy("Permission denied."),
        "name": "湖北省人民政府", "point": Point(x=1, at=dt.date(2026, 1, 2)),
        "nested": [{"n": 1, "f": 0.1, "none": None, "yes": True}, ("a", "b")],
        7: "an integer key",
    }


def test_an_answer_holds_the_values_the_old_encoder_wrote():
    expected = json.loads(json.dumps(_sample(), cls=NinjaJSONEncoder))
    assert json.loads(renderers.dumps(_sample())) == expected


def test_datetimes_are_spelled_as_django_spells_them():
    sample = _sample()
    answer = json.loads(renderers.dumps(sample))
    encoder = DjangoJSONEncoder()
    for key in ("at_utc", "at_shanghai", "naive", "day", "time"):
        assert answer[key] == encoder.default(sample[key])
    assert answer["at_utc"] == "2026-12-01T02:03:04.567Z"  # milliseconds, Z for UTC


def test_text_is_utf8_and_the_spelling_compact():
    assert renderers.dumps({"name": "荆楚", "n": [1, 2]}) == '{"name":"荆楚","n":[1,2]}'.encode()


def test_a_plain_enum_is_written_as_its_value():
    # The old encoder wrote str(member), "Colour.RED"; choices (str subclasses) were values.
    assert renderers.dumps({"colour": Colour.RED}) == b'{"colour":"red"}'


def test_nan_is_null_not_an_invalid_token():
    assert renderers.dumps({"x": float("nan")}) == b'{"x":null}'


def test_an_integer_beyond_64_bits_is_still_written():
    big = 2**70 + 1
    assert json.loads(renderers.dumps({"big": big, "name": "荆楚"})) == {"big": big, "name": "荆楚"}


def test_a_type_json_has_no_form_for_is_refused():
    with pytest.raises(TypeError):
        renderers.dumps({"set": {1, 2}})


def test_the_api_renders_with_it():
    assert isinstance(api.renderer, renderers.JSONRenderer)
    assert api.renderer.render(None, {"a": "荆"}, response_status=200) == renderers.dumps(  # type: ignore[arg-type]
        {"a": "荆"})


@pytest.mark.parametrize("body", [
    b"NaN", b"[Infinity]", b'{"x": -Infinity}', b"1e400", b"[-1e400]", b"\xff\xfe",
    b'"\\ud800"', b"{'a': 1}", b"", b"[1,]",
])
def test_a_body_that_is_not_rfc_8259_json_is_unreadable(body: bytes):
    with pytest.raises(ValueError):
        renderers.loads(body)


def test_a_json_body_is_read():
    body = json.dumps({"name": "张三", "n": 3, "f": 1.5, "ok": True, "x": None, "l": [1, "2"]},
                      ensure_ascii=False).encode()
    assert renderers.loads(body) == json.loads(body)


def test_one_moment_is_spelled_by_its_own_offset_each_time():
    at_utc = dt.datetime(2026, 12, 1, 2, 3, 4, 567891, tzinfo=UTC)
    same_moment = at_utc.astimezone(SHANGHAI)
    assert at_utc == same_moment  # equal, and spelled differently
    values = [at_utc, same_moment, at_utc, same_moment.replace(tzinfo=None)]
    expected = [DjangoJSONEncoder().default(v) for v in values]
    assert expected[0] != expected[1]
    for _ in range(2):  # the same answer every time
        assert json.loads(renderers.dumps(values)) == expected


@pytest.mark.parametrize("microsecond", [0, 1, 500, 999, 1000, 567891, 999999])
def test_a_utc_datetime_is_spelled_as_django_spells_it(microsecond: int):
    # UTC datetimes are spelled without Django's encoder: with and without a fraction, and
    # fractions below a millisecond (Django keeps ".000"). Equal moments in other UTC zones take
    # Django's own way, and agree.
    at = dt.datetime(2026, 12, 1, 2, 3, 4, microsecond, tzinfo=UTC)
    expected = DjangoJSONEncoder().default(at)
    assert renderers.dumps([at]) == f'["{expected}"]'.encode()
    zones = (ZoneInfo("UTC"), dt.timezone(dt.timedelta(0)))
    for same in (at.replace(tzinfo=zone) for zone in zones):
        assert renderers.dumps([same]) == f'["{expected}"]'.encode()
