"""The rule file: a dataset's quality rules in YAML, short enough to read at a glance.

    dataset: hb-gat/population-extract      # informative
    threshold: 85                           # a score below it opens a rectification
    dictionaries:                           # value lists `enum` rules may name
      id_kind: [居民身份证, 护照]
    rules:
      - id_number_valid: {check: id_number, column: id_number}
      - birth_date_agrees: {check: id_birth_agrees, columns: [id_number, birth_date]}
      - name_present: {check: not_null, column: name, weight: 2}

Each rule is named by its key; `check` names a check of the library; `column` or `columns` the
columns it reads; `dimension` (default: the check's), `weight` (1–100, default 1),
`description` and `enabled` are common to every rule; any other key is a parameter of the check.
Errors name the line: ActionError("rules_invalid", message, {"line": n, ...}).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from jingchu.core.errors import ActionError
from jingchu.lake.choices import Dimension
from jingchu.lake.quality import dictionaries
from jingchu.lake.quality.base import Check, Param
from jingchu.lake.quality.checks_format import parse_format
from jingchu.lake.quality.library import CHECKS, COMMON_KEYS
from jingchu.lake.quality.spec import RuleSpec

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
TOP_KEYS = ("dataset", "threshold", "dictionaries", "rules", "description")


@dataclass
class RuleFile:
    rules: list[RuleSpec] = field(default_factory=list)
    dataset: str = ""
    threshold: int | None = None
    description: str = ""
    dictionaries: dict[str, list[Any]] = field(default_factory=dict)


def _fail(message: str, line: int, **details: Any) -> ActionError:
    return ActionError("rules_invalid", f"line {line}: {message}" if line else message,
                       {"line": line, **details})


def _lines(node: yaml.Node) -> dict[str, int]:
    """Key → 1-based line for a mapping node (empty for anything else)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _v in node.value}


def _compose(text: str) -> tuple[Any, yaml.Node | None]:
    try:
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise _fail(f"not valid YAML: {problem}", mark.line + 1 if mark else 0) from None


def parse_rule_file(text: str, columns: list[str] | None = None) -> RuleFile:
    data, root = _compose(text or "")
    if data is None:
        return RuleFile()
    lines = _lines(root) if root is not None else {}
    if not isinstance(data, dict):
        raise _fail("the rule file is a mapping with a 'rules' list", 1)
    for key in data:
        if key not in TOP_KEYS:
            raise _fail(f"unknown key {key!r}; expected one of {', '.join(TOP_KEYS)}",
                        lines.get(str(key), 0))
    out = RuleFile(dataset=str(data.get("dataset") or ""),
                   description=str(data.get("description") or ""))
    out.threshold = _threshold(data.get("threshold"), lines.get("threshold", 0))
    out.dictionaries = _dictionaries(data.get("dictionaries"), lines.get("dictionaries", 0))
    items = data.get("rules") or []
    if not isinstance(items, list):
        raise _fail("'rules' is a list", lines.get("rules", 0))
    nodes = _rule_nodes(root)
    seen: set[str] = set()
    for index, item in enumerate(items):
        node = nodes[index] if index < len(nodes) else None
        line = node.start_mark.line + 1 if node is not None else 0
        spec = _rule(item, node, line, out.dictionaries, columns)
        if spec.name in seen:
            raise _fail(f"rule {spec.name!r} is declared twice", line, rule=spec.name)
        seen.add(spec.name)
        out.rules.append(spec)
    return out


def parse_rules(yaml_text: str, columns: list[str] | None = None) -> list[RuleSpec]:
    """The rules of a rule file; with `columns`, every column a rule names must be one of them."""
    return parse_rule_file(yaml_text, columns).rules


def _threshold(value: Any, line: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise _fail("threshold is a whole number from 0 to 100", line)
    return value


def _dictionaries(value: Any, line: int) -> dict[str, list[Any]]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
            isinstance(v, list) and v and all(_scalar(x) for x in v) for v in value.values()):
        raise _fail("dictionaries map a name to a non-empty list of values", line)
    return {str(k): [_json_value(x) for x in v] for k, v in value.items()}


def _rule_nodes(root: yaml.Node | None) -> list[yaml.Node]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "rules" and isinstance(value, yaml.SequenceNode):
            return list(value.value)
    return []


def _unpack(item: Any, node: yaml.Node | None, line: int) -> tuple[str, dict[str, Any],
                                                                    dict[str, int]]:
    """(name, settings, key lines) of `- name: {...}` or `- {name: ..., check: ...}`."""
    if isinstance(item, dict) and "check" in item:
        settings = dict(item)
        return str(settings.pop("name", "") or ""), settings, _lines(node) if node else {}
    if isinstance(item, dict) and len(item) == 1:
        name, settings = next(iter(item.items()))
        inner = node.value[0][1] if isinstance(node, yaml.MappingNode) else None
        if isinstance(settings, dict):
            return str(name), dict(settings), _lines(inner) if inner is not None else {}
    raise _fail("a rule is written `- name: {check: ..., column: ...}`", line)


def _rule(item: Any, node: yaml.Node | None, line: int, dicts: dict[str, list[Any]],
          columns: list[str] | None) -> RuleSpec:
    name, settings, key_lines = _unpack(item, node, line)
    if not NAME.fullmatch(name):
        raise _fail(f"rule name {name!r}: lowercase letters, digits, '_' and '-', "
                    "at most 80", line, rule=name)
    check = CHECKS.get(str(settings.get("check", "")))
    if check is None:
        raise _fail(f"rule {name}: unknown check {settings.get('check')!r}; known: "
                    f"{', '.join(sorted(CHECKS))}", key_lines.get("check", line), rule=name)
    spec = RuleSpec(name=name, check=check.name, line=line)
    spec.columns = _columns(settings, check, name, line, columns)
    _common(spec, settings, check, key_lines)
    spec.params = _params(spec, settings, check, key_lines, dicts)
    return spec


def _columns(settings: dict[str, Any], check: Check, name: str, line: int,
             known: list[str] | None) -> list[str]:
    raw = settings.get("columns", [settings["column"]] if "column" in settings else [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(c, str) and c for c in raw):
        raise _fail(f"rule {name}: columns are a list of column names", line, rule=name)
    least, most = check.columns
    if not least <= len(raw) <= most:
        wanted = f"{least}" if least == most else f"{least} to {most}"
        raise _fail(f"rule {name}: check {check.name} reads {wanted} column(s), not {len(raw)}",
                    line, rule=name)
    for column in raw:
        if known is not None and column not in known:
            raise _fail(f"rule {name}: the dataset has no column {column!r}", line, rule=name,
                        column=column)
    return list(raw)


def _common(spec: RuleSpec, settings: dict[str, Any], check: Check,
            key_lines: dict[str, int]) -> None:
    spec.dimension = str(settings.get("dimension") or check.dimension)
    if spec.dimension not in Dimension.values:
        raise _fail(f"rule {spec.name}: dimension is one of {', '.join(Dimension.values)}",
                    key_lines.get("dimension", spec.line), rule=spec.name)
    weight = settings.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
        raise _fail(f"rule {spec.name}: weight is a whole number from 1 to 100",
                    key_lines.get("weight", spec.line), rule=spec.name)
    spec.weight = weight
    enabled = settings.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _fail(f"rule {spec.name}: enabled is true or false",
                    key_lines.get("enabled", spec.line), rule=spec.name)
    spec.enabled = enabled
    spec.description = str(settings.get("description") or "")[:300]


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | dt.date)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _param(kind: str, value: Any) -> Any:
    """The parameter's value as stored (JSON-safe), or raise ValueError."""
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("a whole number, 0 or more")
        return value
    if kind in ("bound", "date"):
        if value == "audit_date" or (kind == "bound" and isinstance(value, int | float)
                                     and not isinstance(value, bool)):
            return value
        if isinstance(value, dt.date):
            return value.isoformat()
        return dt.date.fromisoformat(str(value)).isoformat()  # ValueError when not a date
    if kind == "list":
        if not isinstance(value, list) or not value or not all(_scalar(v) for v in value):
            raise ValueError("a non-empty list of values")
        return [_json_value(v) for v in value]
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("true or false")
        return value
    if not isinstance(value, str | int | float) or isinstance(value, bool) or value == "":
        raise ValueError("a text")
    return str(value)


def _params(spec: RuleSpec, settings: dict[str, Any], check: Check, key_lines: dict[str, int],
            dicts: dict[str, list[Any]]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in settings.items():
        line = key_lines.get(str(key), spec.line)
        if key in COMMON_KEYS:
            continue
        wanted: Param | None = check.params.get(str(key))
        if wanted is None:
            allowed = ", ".join([*COMMON_KEYS, *check.params]) or "none"
            raise _fail(f"rule {spec.name}: unknown setting {key!r} for check {check.name} "
                        f"(allowed: {allowed})", line, rule=spec.name, field=key)
        try:
            params[str(key)] = _param(wanted.kind, value)
        except ValueError as exc:
            raise _fail(f"rule {spec.name}: {key} must be {exc}", line, rule=spec.name,
                        field=key) from None
    for key, wanted in check.params.items():
        if wanted.required and key not in params:
            raise _fail(f"rule {spec.name}: {key} is required for check {check.name}",
                        spec.line, rule=spec.name, field=key)
    _semantics(spec, params, dicts)
    return params


def _semantics(spec: RuleSpec, params: dict[str, Any], dicts: dict[str, list[Any]]) -> None:
    """What one parameter alone cannot say: exclusive choices, known names, formats."""
    def fail(message: str) -> ActionError:
        return _fail(f"rule {spec.name}: {message}", spec.line, rule=spec.name)

    check = spec.check
    if check == "enum":
        if ("values" in params) == ("dictionary" in params):
            raise fail("give either values or dictionary")
        name = params.get("dictionary")
        if name in dicts:  # the file's own dictionary travels with the rule
            params["values"] = dicts[str(params.pop("dictionary"))]
        elif name is not None and not dictionaries.known(str(name)):
            raise fail(f"unknown dictionary {name!r}")
    elif check == "references":
        if ("dataset" in params) == ("list" in params):
            raise fail("give either dataset (with column) or list")
        if "list" in params and not dictionaries.known(str(params["list"])):
            raise fail(f"unknown list {params['list']!r}")
    elif check in ("row_count", "range") and "min" not in params and "max" not in params:
        raise fail("give min, max or both")
    elif check in ("date", "datetime") and "format" in params:
        _regex, where = parse_format(str(params["format"]))
        needed = {"YYYY", "MM", "DD"} | ({"hh", "mm"} if check == "datetime" else set())
        if not needed <= set(where):
            raise fail(f"format needs {', '.join(sorted(needed))}")
    elif check == "regex":
        try:
            re.compile(str(params["pattern"]))
        except re.error as exc:
            raise fail(f"pattern is not a regular expression: {exc}") from None
    elif check == "region_code" and params.get("digits", 6) not in (6, 12):
        raise fail("digits is 6 or 12")
    elif check == "record_age" and params.get("which", "newest") not in ("newest", "oldest"):
        raise fail("which is newest or oldest")


def dump_rules(rules: list[RuleSpec], *, dataset: str = "", threshold: int | None = None) -> str:
    """A rule file for rules (e.g. those entered in the admin), in the form parse_rules reads."""
    lines = [f"dataset: {dataset}"] if dataset else []
    if threshold is not None:
        lines.append(f"threshold: {threshold}")
    lines.append("rules:")
    for rule in rules:
        settings: dict[str, Any] = {"check": rule.check}
        if len(rule.columns) == 1:
            settings["column"] = rule.columns[0]
        elif rule.columns:
            settings["columns"] = rule.columns
        if rule.dimension and rule.dimension != CHECKS[rule.check].dimension:
            settings["dimension"] = rule.dimension
        if rule.weight != 1:
            settings["weight"] = rule.weight
        if not rule.enabled:
            settings["enabled"] = False
        if rule.description:
            settings["description"] = rule.description
        settings.update(rule.params)
        flow = yaml.safe_dump(settings, default_flow_style=True, allow_unicode=True,
                              width=10_000, sort_keys=False).strip()
        lines.append(f"  - {rule.name}: {flow}")
    return "\n".join(lines) + "\n"


def rule_from_settings(name: str, settings: dict[str, Any],
                       columns: list[str] | None = None) -> RuleSpec:
    """One rule from its settings as the rule file writes them (the admin's form and the API
    enter rules this way): the same checks as a rule file, without line numbers."""
    spec = _rule({name: dict(settings)}, None, 0, {}, columns)
    return spec
