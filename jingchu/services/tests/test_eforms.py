import copy

import pytest
from django.http import QueryDict
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from jingchu.services import eforms
from jingchu.services.tests.conftest import FORM


def schema():
    return copy.deepcopy(FORM)


@pytest.mark.parametrize("bad", [
    [],  # not an object
    {"type": "array", "items": {"type": "string"}},
    {"type": "object", "properties": {}},
    {"type": "object", "properties": {"x": {"type": "array"}}},
    {"type": "object", "properties": {"x": {"type": ["string", "null"]}}},
    {"type": "object", "properties": {"x": "string"}},
    {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["y"]},
    {"type": "object", "properties": {"x": {"type": "string", "minLength": -1}}},
    {"type": "object", "properties": {"x": {"type": "string", "enum": ["a", "b"],
                                            "enumNames": ["甲"]}}},
])
def test_check_schema_refuses_unusable_forms(bad):
    with pytest.raises(eforms.FormSchemaError):
        eforms.check_schema(bad)


def test_check_schema_accepts_the_supported_subset():
    eforms.check_schema(schema())


def test_fields_render_in_schema_order_with_kinds_and_labels():
    fields = eforms.fields(schema(), values={"kind": "b"}, errors={"phone": "请输入11位手机号码"})
    by_name = {f.name: f for f in fields}
    assert [f.name for f in fields] == list(FORM["properties"])
    assert by_name["applicant_name"].label == "申请人姓名"
    assert by_name["applicant_name"].required
    assert not by_name["area"].required
    assert by_name["birth_date"].kind == "date"
    assert by_name["persons"].kind == "integer"
    assert by_name["scope"].kind == "textarea"
    assert by_name["pledge"].kind == "boolean"
    assert by_name["kind"].kind == "select"
    assert by_name["kind"].choices == [("a", "甲类"), ("b", "乙类")]
    assert by_name["kind"].value_text == "b"
    assert by_name["phone"].error == "请输入11位手机号码"
    assert by_name["phone"].pattern == "^1[3-9][0-9]{9}$"


def test_clean_coerces_posted_strings():
    posted = QueryDict(mutable=True)
    posted.update({"applicant_name": " 张三 ", "phone": "13912345678", "persons": "3",
                   "area": "45.5", "pledge": "on", "kind": "a", "birth_date": "",
                   "unknown": "dropped"})
    data, errors = eforms.clean(schema(), posted)
    assert errors == {}
    assert data == {"applicant_name": "张三", "phone": "13912345678", "persons": 3,
                    "area": 45.5, "pledge": True, "kind": "a"}


def test_clean_reports_each_problem_by_field_with_the_title():
    data, errors = eforms.clean(schema(), {
        "phone": "12345", "persons": "three", "area": "-1", "birth_date": "2024-02-30",
        "kind": "c", "scope": "x" * 501,
    })
    assert set(errors) == {"applicant_name", "phone", "persons", "area", "birth_date", "kind",
                           "scope", "pledge"}
    assert errors["phone"] == "请输入11位手机号码"  # the form's own message wins
    with translation.override("en"):
        _, errors = eforms.clean(schema(), {"persons": "three", "area": "-1", "pledge": ""})
    assert errors["applicant_name"] == "Please fill in 申请人姓名."
    assert "随迁人数" in errors["persons"]
    assert errors["area"] == "面积（平方米） must be at least 0."
    assert errors["pledge"] == "承诺属实 must be confirmed."
    assert data["pledge"] is False  # an unticked checkbox is not posted at all


def test_clean_refuses_non_finite_numbers():
    _, errors = eforms.clean(schema(), {"applicant_name": "张三", "phone": "13912345678",
                                        "pledge": "true", "area": "nan"})
    assert set(errors) == {"area"}


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_integer_coercion_round_trips(n):
    data, errors = eforms.clean(schema(), {"applicant_name": "张三", "phone": "13912345678",
                                           "pledge": "on", "persons": str(n)})
    assert data["persons"] == n
    assert ("persons" in errors) == (not 0 <= n <= 20)


def test_a_schema_with_an_integer_beyond_64_bits_still_validates():
    schema = {"type": "object", "title": "大数", "properties": {
        "n": {"type": "integer", "title": "数量", "maximum": 2**70}}}
    assert eforms.clean(schema, {"n": 5}) == ({"n": 5}, {})
    assert "n" in eforms.clean(schema, {"n": 2**71})[1]


def test_equal_schemas_share_their_compiled_validator():
    # Kept by canonical text: the order of the keys makes no difference.
    reordered = dict(reversed(list(copy.deepcopy(FORM).items())))
    assert eforms.validator_for(reordered) is eforms.validator_for(FORM)
