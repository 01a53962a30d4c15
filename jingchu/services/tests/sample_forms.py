"""Valid sample answers to any demo application form, for tests of every app that applies."""

from __future__ import annotations

from typing import Any

from jingchu.services import eforms


def _sample(prop: dict[str, Any], choices: list[tuple[str, str]]) -> str:
    if choices:
        return choices[0][0]
    if prop["type"] == "boolean":
        return "true"
    if prop["type"] in {"integer", "number"}:
        return str(max(1, prop.get("minimum", 1)))
    if prop.get("format") == "date":
        return "2026-12-01"
    if prop.get("format") == "email":
        return "a@example.cn"
    pattern = prop.get("pattern", "")
    if "1[3-9]" in pattern:
        return "13871234567"
    if "[0-9]{17}" in pattern:
        return "420102198803150215"
    if pattern:
        return "91420102MA4K7Q2B0X"
    return "测试内容"[: prop.get("maxLength", 10)]


def posted_values(schema: dict[str, Any]) -> dict[str, str]:
    """The form as a browser posts it: every field answered with a valid string."""
    return {field.name: _sample(schema["properties"][field.name], field.choices)
            for field in eforms.fields(schema)}


def typed_values(schema: dict[str, Any]) -> dict[str, Any]:
    """The same answers typed, as an API client sends them (and as they are stored)."""
    data, errors = eforms.clean(schema, posted_values(schema))
    assert not errors, errors
    return data
