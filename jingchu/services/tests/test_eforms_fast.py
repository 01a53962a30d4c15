"""The compiled validator (jsonschema-rs) that answers first whether a form is valid: it must
never accept a form jsonschema refuses, and on the demo items' forms both must agree."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingchu.core.demo import demo_file
from jingchu.services import eforms
from jingchu.services.tests.conftest import FORM
from jingchu.services.tests.sample_forms import typed_values


def _form() -> dict[str, Any]:
    return copy.deepcopy(FORM)


def _demo_schemas() -> list[dict[str, Any]]:
    spec = json.loads(demo_file("service_items.json").read_text(encoding="utf-8"))
    return [item["content"]["form_schema"] for item in spec["items"]]


DEMO_SCHEMAS = _demo_schemas()
# Values that tend to sit on a difference between the engines: digits of other scripts, a
# trailing newline (Python's `$` matches before it), impossible dates, numbers as booleans.
TRICKY = [
    "", "x", "13871234567", "13871234567\n", "１３８７１２３４５６７", "١٣٨٧١٢٣٤٥٦٧",
    "420102198803150215", "42010219880315021x", "42010219880315021Ｘ", "2026-02-30",
    "2026-2-3", "2026-12-01", "2026-12-01T00:00:00", "a@example.cn", "@", "测" * 31,
    "91420102MA4K7Q2B0X", "91420102MA4K7Q2B0I", "individual", 0, 1, -1, 1.5, 10**30,
    True, False, None, [], {},
]


def _verdicts(schema: dict[str, Any], data: dict[str, Any]) -> tuple[bool, bool]:
    """(jsonschema's verdict, the compiled validator's) on the same typed data."""
    text = eforms.schema_text(schema)
    fast = eforms._fast(text)
    assert fast is not None, "every demo form is checked by the compiled validator"
    return eforms._compiled(text).is_valid(data), eforms._fast_accepts(fast, data)


def test_every_demo_form_is_compiled():
    assert len(DEMO_SCHEMAS) > 40
    assert all(eforms._fast(eforms.schema_text(s)) is not None for s in DEMO_SCHEMAS)


@pytest.mark.parametrize("schema", DEMO_SCHEMAS, ids=lambda s: s["title"])
def test_both_agree_on_each_demo_form_valid_and_broken_field_by_field(schema):
    valid = typed_values(schema)
    assert _verdicts(schema, valid) == (True, True)
    for name in schema["properties"]:
        for value in TRICKY:
            data = valid | {name: value}
            slow, fast = _verdicts(schema, data)
            assert slow == fast, (name, value)
        if name in schema.get("required", []):
            assert _verdicts(schema, {k: v for k, v in valid.items() if k != name}) == (
                False, False)


_values = st.one_of(st.sampled_from(TRICKY), st.text(max_size=40),
                    st.text(alphabet="0123456789Xx-@.１١ \n", max_size=20),
                    st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                    st.booleans(), st.none())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(DEMO_SCHEMAS), st.data())
def test_both_agree_on_arbitrary_answers_to_demo_forms(schema, draw):
    names = list(schema["properties"])
    data = draw.draw(st.dictionaries(st.sampled_from(names), _values, max_size=len(names)))
    slow, fast = _verdicts(schema, data)
    assert slow == fast, data


def test_what_the_compiled_validator_cannot_read_is_left_to_jsonschema():
    """JSON has no infinity, but Python's parser reads one: the compiled validator says no,
    and jsonschema, which decides then, has the last word (here: no minimum is broken)."""
    schema = _form()
    data = {"applicant_name": "张三", "phone": "13912345678", "pledge": True,
            "area": float("inf")}
    text = eforms.schema_text(schema)
    fast = eforms._fast(text)
    assert fast is not None and not eforms._fast_accepts(fast, data)
    assert eforms.clean(schema, data) == (data, {})


def test_a_valid_form_costs_no_jsonschema_run(monkeypatch):
    def refuse(_text: str) -> None:
        raise AssertionError("jsonschema ran on a valid form")

    schema = _form()
    eforms.clean(schema, {"applicant_name": "张三", "phone": "13912345678", "pledge": "on"})
    monkeypatch.setattr(eforms, "_compiled", refuse)
    data, errors = eforms.clean(schema, {"applicant_name": "李四", "phone": "13912345678",
                                         "pledge": "on", "birth_date": "2026-12-01"})
    assert errors == {} and data["applicant_name"] == "李四"


def test_an_invalid_form_is_explained_by_jsonschema():
    _, errors = eforms.clean(_form(), {"applicant_name": "张三", "phone": "12",
                                       "birth_date": "2026-02-30"})
    assert errors["phone"] == "请输入11位手机号码"
    assert set(errors) == {"phone", "birth_date", "pledge"}


@pytest.mark.parametrize(("pattern", "portable"), [
    (r"^1[3-9][0-9]{9}$", True),
    (r"^\d{6}$", True),  # ASCII digits there, any digits here: there stricter
    (r"^[\u4e00-\u9fa5]+$", True),
    (r"^a\.b\-c$", True),
    (r"^\D+$", False),  # not-a-digit: there anything outside 0-9, here outside every script's
    (r"^[^\d]+$", False),
    (r"^\W+$", False),
    (r"^\s$", False),
    (r"\bx\b", False),
    (r"^[[:digit:]]+$", False),
    (r"(?i)^k$", False),
    (r"^a{,5}$", False),
])
def test_only_patterns_both_engines_read_alike_are_compiled(pattern, portable):
    assert eforms._portable(pattern) is portable


def test_a_schema_with_a_pattern_read_differently_is_left_to_jsonschema():
    schema = _form()
    schema["properties"]["applicant_name"]["pattern"] = r"^\D+$"
    assert eforms._fast(eforms.schema_text(schema)) is None
    # Arabic-Indic digits are digits to Python (refused), not to an ECMA-262 engine.
    _, errors = eforms.clean(schema, {"applicant_name": "١٢٣", "phone": "13912345678",
                                      "pledge": "on"})
    assert set(errors) == {"applicant_name"}


def test_references_are_left_to_jsonschema():
    schema = _form() | {"$defs": {"n": {"type": "string"}}}
    schema["properties"]["scope"] = {"$ref": "#/$defs/n", "type": "string", "title": "x"}
    assert eforms._fast(eforms.schema_text(schema)) is None


def test_formats_are_jsonschemas_own():
    """jsonschema-rs alone refuses "@" as an email address; jsonschema accepts it, and so the
    compiled validator must (it answers with jsonschema's format checks)."""
    schema = _form()
    schema["properties"]["scope"] = {"type": "string", "title": "邮箱", "format": "email"}
    text = eforms.schema_text(schema)
    data = {"applicant_name": "张三", "phone": "13912345678", "pledge": True, "scope": "@"}
    fast = eforms._fast(text)
    assert fast is not None
    assert eforms._compiled(text).is_valid(data) and eforms._fast_accepts(fast, data)
