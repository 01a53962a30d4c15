"""The rule file: the accepted forms, and refusals that name the line."""

from __future__ import annotations

import pytest

from jingchu.core.errors import ActionError
from jingchu.lake.quality.rulefile import dump_rules, parse_rule_file, parse_rules


def refusal(text: str, columns: list[str] | None = None) -> ActionError:
    with pytest.raises(ActionError) as caught:
        parse_rules(text, columns=columns)
    assert caught.value.code == "rules_invalid"
    return caught.value


def test_both_rule_forms_defaults_and_dictionaries() -> None:
    parsed = parse_rule_file("""
dataset: hb-gat/population-extract
threshold: 85
dictionaries:
  kinds: [身份证, 护照]
rules:
  - id_ok: {check: id_number, column: id_number}
  - {name: kind_ok, check: enum, column: kind, dictionary: kinds, weight: 3}
  - name_ok: {check: not_null, column: name, dimension: accuracy, enabled: false}
""")
    assert parsed.dataset == "hb-gat/population-extract" and parsed.threshold == 85
    first, second, third = parsed.rules
    assert (first.name, first.check, first.columns, first.dimension, first.line) == (
        "id_ok", "id_number", ["id_number"], "conformity", 7)
    assert second.params == {"values": ["身份证", "护照"]} and second.weight == 3
    assert third.dimension == "accuracy" and third.enabled is False
    assert parse_rules("") == [] and parse_rules("rules: []") == []


def test_dump_reads_back() -> None:
    rules = parse_rules("""rules:
  - a: {check: range, column: n, min: 0, max: 10, weight: 2}
  - b: {check: date, column: d, max: 2026-01-01, dimension: timeliness}
  - c: {check: unique, columns: [x, y], description: 组合唯一}
""")
    again = parse_rules(dump_rules(rules, dataset="x/y", threshold=70))
    for rule in [*rules, *again]:
        rule.line = 0
    assert again == rules


@pytest.mark.parametrize(("text", "line", "words"), [
    ("rules:\n  - a: {check: id_number, column: id\n", 3, "not valid YAML"),
    ("rules:\n  - a: {check: nope, column: id}\n", 2, "unknown check"),
    ("rules:\n  - a: {check: not_null, column: missing}\n", 2, "no column 'missing'"),
    ("rules:\n  - a: {check: not_null, column: id}\n  - a: {check: not_null, column: id}\n",
     3, "declared twice"),
    ("rules:\n  - a: {check: range, column: id, minimum: 3}\n", 2, "unknown setting"),
    ("rules:\n  - a: {check: range, column: id}\n", 2, "min, max or both"),
    ("rules:\n  - a: {check: not_null, columns: [id, name]}\n", 2, "1 column"),
    ("rules:\n  - a:\n      check: not_null\n      column: id\n      weight: 0\n", 5, "weight"),
    ("rules:\n  - a: {check: not_null, column: id, dimension: beauty}\n", 2, "dimension"),
    ("rules:\n  - Bad Name: {check: not_null, column: id}\n", 2, "rule name"),
    ("rules:\n  - a: {check: enum, column: id, dictionary: colours}\n", 2, "unknown dictionary"),
    ("rules:\n  - a: {check: enum, column: id}\n", 2, "either values or dictionary"),
    ("rules:\n  - a: {check: regex, column: id, pattern: '[a-'}\n", 2, "regular expression"),
    ("rules:\n  - a: {check: date, column: id, format: DD/MM}\n", 2, "format needs"),
    ("rules:\n  - a: {check: record_age, column: id}\n", 2, "max_days is required"),
    ("rules:\n  - a: {check: references, column: id}\n", 2, "either dataset"),
    ("threshold: 120\nrules: []\n", 1, "threshold"),
    ("colour: red\n", 1, "unknown key"),
    ("- just a list\n", 1, "mapping"),
    ("rules:\n  - just text\n", 2, "a rule is written"),
])
def test_refusals_name_the_line(text: str, line: int, words: str) -> None:
    error = refusal(text, columns=["id", "name"])
    assert error.details["line"] == line, error.message
    assert words in error.message
    assert error.message.startswith(f"line {line}:")
