"""Application forms configured as JSON Schema ("eForms"): checked, rendered and validated on the
server, so that a new item needs data, not code.

The renderer supports the subset that government forms use: an object of string, integer, number
and boolean properties, with `title`, `description`, `enum` (+ `enumNames` for labels),
`format` (date, email), `minLength`/`maxLength`, `minimum`/`maximum`, `pattern`, `const` and
`required`. A property may carry `errorMessage`, the text shown when its value is refused (so a
form can say "请输入11位手机号码" rather than a generic sentence). Validation is full JSON Schema
(Draft 2020-12) with format checking, after the posted strings are coerced to the declared types.

Two validators: jsonschema decides and explains (its errors become the messages), and a compiled
one (jsonschema-rs, ~100 times faster) answers first whether a form is valid at all, so that a
valid form (most of them) costs no jsonschema run. The compiled one is used only where it cannot
accept what jsonschema refuses (`_fast`): the formats are jsonschema's own checks, and a schema
whose regular expressions the two engines could read differently is left to jsonschema alone.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jsonschema_rs
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError

from jingchu.core import renderers

SUPPORTED_TYPES = ("string", "integer", "number", "boolean")
# Compiled validators kept per process, keyed by the schema's text: building one (and its format
# checker) costs more than validating a form, and a schema's text fully determines it.
VALIDATOR_CACHE_SIZE = 256
TEXTAREA_FROM = 200  # strings allowed longer than this get a multi-line box
# jsonschema's format checks, given to the compiled validator in place of its own, so that both
# read every format jsonschema knows alike (jsonschema-rs alone would, e.g., refuse "@" as an
# email address that jsonschema accepts). Formats only jsonschema-rs knows it checks itself:
# stricter, never more lenient, as jsonschema ignores them.
_FORMAT_CHECKER = FormatChecker()
# Escapes in a `pattern` that Python's `re` (jsonschema's engine) and jsonschema-rs's ECMA-262
# style engine read alike: escaped punctuation, \uXXXX, and \d (only [0-9] there, any decimal
# digit here: there stricter). Other classes differ the other way round (\D, \W, \S, \b, and
# \d inside a negated set accept more there), as may POSIX classes, inline flags and groups
# such as (?i), and "{,n}" (a quantifier here only).
_SAFE_ESCAPES = frozenset(".-\\/()[]{}*+?|^$ud")
_UNSAFE_TEXT = ("[:", "(?", "{,")


class FormSchemaError(ValueError):
    """The configured schema itself is not usable as a form."""


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # text, textarea, date, email, integer, number, boolean, select
    required: bool
    help_text: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str = ""
    value: Any = None
    error: str = ""

    @property
    def value_text(self) -> str:
        """The value as an HTML input shows it ("" for none)."""
        if self.value is None:
            return ""
        if isinstance(self.value, bool):
            return "true" if self.value else ""
        return str(self.value)


def _check_property(name: str, prop: Any) -> None:
    if not isinstance(prop, dict):
        raise FormSchemaError(_("Field %(name)s must be an object.") % {"name": name})
    kind = prop.get("type")
    if not isinstance(kind, str) or kind not in SUPPORTED_TYPES:
        raise FormSchemaError(
            _("Field %(name)s: the type must be one of %(types)s.")
            % {"name": name, "types": ", ".join(SUPPORTED_TYPES)}
        )
    names = prop.get("enumNames")
    if names is not None and (
        not isinstance(names, list) or len(names) != len(prop.get("enum", []))
    ):
        raise FormSchemaError(
            _("Field %(name)s: enumNames must label every enum value.") % {"name": name}
        )


def check_schema(schema: Any) -> None:
    """Refuse a schema the renderer cannot show or that is not valid JSON Schema."""
    if not isinstance(schema, dict):
        raise FormSchemaError(_("The form must be a JSON object."))
    try:
        _check_meta(json.dumps(schema, sort_keys=True, ensure_ascii=False))
    except SchemaError as exc:
        raise FormSchemaError(
            _("The form is not valid JSON Schema: %(error)s") % {"error": exc.message}
        ) from None
    properties = schema.get("properties")
    if schema.get("type") != "object" or not isinstance(properties, dict) or not properties:
        raise FormSchemaError(_("The form must be an object with at least one property."))
    for name, prop in properties.items():
        _check_property(name, prop)
    missing = set(schema.get("required", [])) - set(properties)
    if missing:
        raise FormSchemaError(
            _("Required names unknown fields: %(names)s") % {"names": ", ".join(sorted(missing))}
        )


@lru_cache(maxsize=VALIDATOR_CACHE_SIZE)
def _check_meta(text: str) -> None:
    """Validate against the 2020-12 meta-schema; a schema's text decides the outcome, so a valid
    one is checked once per process (a refusal raises, and is not cached)."""
    Draft202012Validator.check_schema(json.loads(text))


def _kind(prop: dict[str, Any]) -> str:
    if "enum" in prop:
        return "select"
    if prop["type"] == "string":
        if prop.get("format") in {"date", "email"}:
            return str(prop["format"])
        return "textarea" if prop.get("maxLength", 0) > TEXTAREA_FROM else "text"
    return str(prop["type"])


def fields(
    schema: dict[str, Any],
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> list[FormField]:
    """The form's fields in schema order, ready for a template to render."""
    values, errors = values or {}, errors or {}
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        enum = prop.get("enum", [])
        labels = prop.get("enumNames") or [str(v) for v in enum]
        out.append(FormField(
            name=name, label=prop.get("title", name), kind=_kind(prop),
            required=name in required, help_text=prop.get("description", ""),
            choices=[(str(v), str(label)) for v, label in zip(enum, labels, strict=True)],
            max_length=prop.get("maxLength"), minimum=prop.get("minimum"),
            maximum=prop.get("maximum"), pattern=prop.get("pattern", ""),
            value=values.get(name), error=errors.get(name, ""),
        ))
    return out


def _coerce(prop: dict[str, Any], raw: Any) -> Any:
    """Turn a posted string into the declared type; leave it as text when it does not parse,
    so that the validator reports the wrong type in the usual way."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    kind = prop["type"]
    if kind == "boolean":
        return text.lower() in {"on", "true", "1", "yes"}
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    return text


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def coerce(schema: dict[str, Any], submitted: Any) -> dict[str, Any]:
    """The submitted values of the schema's fields, typed; blanks left out, unknown names dropped.

    An unticked HTML checkbox is not posted at all, so an absent boolean means False.
    """
    data: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        raw = submitted.get(name)
        if _is_blank(raw):
            if prop["type"] == "boolean":
                data[name] = False
            continue
        data[name] = _coerce(prop, raw)
    return data


def clean(
    schema: dict[str, Any], submitted: Any, *, text: bytes | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Coerce posted values and validate them; returns (data, errors by field name).

    `submitted` is a dict or a QueryDict. Errors name the field by its title, so the applicant
    reads "联系电话" rather than "phone". `text`: the schema's `schema_text`, when the caller
    keeps it for a schema that does not change.
    """
    data = coerce(schema, submitted)
    if text is None:
        text = schema_text(schema)
    fast = _fast(text)
    if fast is not None and _fast_accepts(fast, data):
        return data, {}
    errors: dict[str, str] = {}
    for error in _compiled(text).iter_errors(data):
        for name, message in _explain(schema, error):
            errors.setdefault(name, message)
    return data, errors


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
    """The compiled validator of `schema` (shared read-only between threads: validating keeps no
    state on the validator)."""
    return _compiled(schema_text(schema))


def schema_text(schema: dict[str, Any]) -> bytes:
    """The schema as canonical JSON: the key its compiled validators are kept by. Written by
    the API's orjson writer: the standard library took ~2% of an API submission's time writing
    it (bench/HISTORY.md, "Ninth session")."""
    return renderers.dumps(schema, sort_keys=True)


@lru_cache(maxsize=VALIDATOR_CACHE_SIZE)
def _compiled(text: bytes) -> Draft202012Validator:
    return Draft202012Validator(json.loads(text), format_checker=_FORMAT_CHECKER)


def _format_check(name: str) -> Callable[[str], bool]:
    return lambda value: _FORMAT_CHECKER.conforms(value, name)


_FAST_FORMATS = {name: _format_check(name) for name in _FORMAT_CHECKER.checkers}


@lru_cache(maxsize=VALIDATOR_CACHE_SIZE)
def _fast(text: bytes) -> jsonschema_rs.Draft202012Validator | None:
    """The compiled validator of a schema, or None where it could accept what jsonschema
    refuses (`_engines_agree`). A schema it cannot compile is left to jsonschema."""
    schema = json.loads(text)
    if not _engines_agree(schema):
        return None
    try:
        return jsonschema_rs.Draft202012Validator(schema, validate_formats=True,
                                                   formats=_FAST_FORMATS)
    except ValueError:
        return None


def _engines_agree(schema: Any) -> bool:
    """No reference (jsonschema-rs may fetch a remote one, jsonschema does not), and every
    regular expression `_portable`."""
    for key, value in _walk(schema):
        if key in {"$ref", "$dynamicRef"}:
            return False
        if key == "pattern" and isinstance(value, str):
            patterns = [value]
        elif key == "patternProperties" and isinstance(value, dict):
            patterns = [str(name) for name in value]
        else:
            continue
        if not all(_portable(p) for p in patterns):
            return False
    return True


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of every object in a schema, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key), value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _portable(pattern: str) -> bool:
    """Whether jsonschema-rs's regex engine can match nothing that Python's `re` refuses."""
    escapes = set(re.findall(r"\\(.)", pattern, re.DOTALL))
    if not escapes <= _SAFE_ESCAPES or any(text in pattern for text in _UNSAFE_TEXT):
        return False
    return "d" not in escapes or "[^" not in pattern


def _fast_accepts(fast: jsonschema_rs.Draft202012Validator, data: dict[str, Any]) -> bool:
    try:
        return bool(fast.is_valid(data))
    except ValueError:  # a value it cannot read (NaN, bytes ...): jsonschema decides
        return False


def _explain(schema: dict[str, Any], error: ValidationError) -> list[tuple[str, str]]:
    properties = schema.get("properties", {})
    if error.validator == "required" and not error.path:
        instance = error.instance if isinstance(error.instance, dict) else {}
        missing = [n for n in error.validator_value if n not in instance]
        return [(n, _("Please fill in %(field)s.")
                 % {"field": properties.get(n, {}).get("title", n)}) for n in missing]
    name = str(error.path[0]) if error.path else "__all__"
    prop = properties.get(name, {})
    if prop.get("errorMessage"):
        return [(name, str(prop["errorMessage"]))]
    message = _message(str(error.validator))
    return [(name, message % {"field": prop.get("title", name), "limit": error.validator_value})]


def _message(validator: str) -> str:
    messages = {
        "type": _("%(field)s has the wrong type."),
        "format": _("%(field)s is not in the expected format."),
        "maxLength": _("%(field)s may have at most %(limit)s characters."),
        "minLength": _("%(field)s needs at least %(limit)s characters."),
        "minimum": _("%(field)s must be at least %(limit)s."),
        "maximum": _("%(field)s must be at most %(limit)s."),
        "exclusiveMinimum": _("%(field)s must be more than %(limit)s."),
        "exclusiveMaximum": _("%(field)s must be less than %(limit)s."),
        "pattern": _("%(field)s does not have the required form."),
        "enum": _("%(field)s is not one of the allowed choices."),
        "const": _("%(field)s must be confirmed."),
    }
    return messages.get(validator, _("%(field)s is not valid."))
