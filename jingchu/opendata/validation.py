"""Checks the open-data workflow makes before it writes: the dataset's terms, its fields against
the lake dataset's columns, and whether the lake dataset may be opened at all."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from jingchu.core import errors
from jingchu.core.errors import ActionError
from jingchu.lake.choices import ColumnType, DatasetStatus
from jingchu.lake.models import Dataset
from jingchu.opendata.choices import Licence, Topic, UpdateFrequency
from jingchu.opendata.models import OpenDataset

NAME = re.compile(r"^[a-z0-9_-]{2,100}$")
# Names the portal's own pages use under /open/.
RESERVED_NAMES = frozenset({"manage", "review", "licences", "api", "new", "static"})
TAG = re.compile(r"^[^,，;；]{1,50}$")
MAX_TAGS = 20
TITLE_MAX = 200
NOTES_MAX = 10_000
LABEL_MAX = 100

# Engine type names a version's stored schema may use, by prefix, to the declared column types.
_ENGINE_TYPES = (("BIGINT", ColumnType.INTEGER), ("INT", ColumnType.INTEGER),
                 ("HUGEINT", ColumnType.INTEGER), ("SMALLINT", ColumnType.INTEGER),
                 ("TINYINT", ColumnType.INTEGER), ("DECIMAL", ColumnType.DECIMAL),
                 ("DOUBLE", ColumnType.DECIMAL), ("FLOAT", ColumnType.DECIMAL),
                 ("REAL", ColumnType.DECIMAL), ("TIMESTAMP", ColumnType.DATETIME),
                 ("DATE", ColumnType.DATE), ("BOOL", ColumnType.BOOLEAN))


def logical_type(raw: Any) -> str:
    text = str(raw or "")
    if text in ColumnType.values:
        return text
    upper = text.upper()
    for prefix, kind in _ENGINE_TYPES:
        if upper.startswith(prefix):
            return str(kind)
    return str(ColumnType.STRING)


def clean_text(raw: Any, field: str, limit: int, *, required: bool = True) -> str:
    return errors.clean_text(raw, field, required=required, limit=limit)


def clean_name(raw: Any, *, exclude: OpenDataset | None = None) -> str:
    name = str(raw or "").strip()
    if not NAME.match(name):
        raise ActionError("name_invalid", _("The name is 2 to 100 lower-case letters, digits, "
                                            "hyphens or underscores."), {"field": "name"})
    if name in RESERVED_NAMES:
        raise ActionError("name_reserved", _("This name is reserved by the portal."),
                          {"field": "name"})
    taken = OpenDataset.objects.filter(name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ActionError("name_taken", _("This name is already used by another open dataset."),
                          {"field": "name"}, status=409)
    return name


def clean_choice(raw: Any, choices: Any, field: str) -> str:
    value = str(raw or "")
    if value not in choices.values:
        raise ActionError(f"{field}_invalid", _("Unknown value: %(value)s") % {"value": value},
                          {"field": field, "value": value[:60]})
    return value


def _as_list(raw: Any, field: str) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[,，;；\n]+", raw)]
    if not isinstance(raw, list | tuple):
        raise ActionError(f"{field}_invalid", _("A list is expected."), {"field": field})
    return [str(item).strip() for item in raw if str(item).strip()]


def clean_topics(raw: Any) -> list[str]:
    topics = _as_list(raw, "topics")
    for topic in topics:
        clean_choice(topic, Topic, "topics")
    return sorted(set(topics))


def clean_tags(raw: Any) -> list[str]:
    tags = list(dict.fromkeys(_as_list(raw, "tags")))
    if len(tags) > MAX_TAGS:
        raise ActionError("tags_too_many", _("At most %(limit)d tags.") % {"limit": MAX_TAGS},
                          {"field": "tags"})
    bad = [t for t in tags if not TAG.match(t)]
    if bad:
        raise ActionError("tags_invalid", _("A tag is 1 to 50 characters without commas."),
                          {"field": "tags"})
    return tags


def source_columns(source: Dataset) -> list[dict[str, Any]]:
    """The lake dataset's columns: its declared schema, or the current version's when it
    declares none (the first load inferred it)."""
    if source.columns:
        return [{"name": str(c["name"]), "type": logical_type(c.get("type")),
                 "label": str(c.get("label") or ""), "mask": str(c.get("mask") or "")}
                for c in source.columns]
    version = source.current_version
    schema = version.schema if version is not None else []
    return [{"name": str(c["name"]), "type": logical_type(c.get("type")), "label": "",
             "mask": ""} for c in schema]


def _field_spec(raw: Any) -> dict[str, str]:
    if isinstance(raw, dict):
        return {"name": str(raw.get("name") or "").strip(),
                "label": str(raw.get("label") or "").strip(),
                "description": str(raw.get("description") or "").strip()}
    return {"name": str(raw or "").strip(), "label": "", "description": ""}


def clean_fields(raw: Any, source: Dataset) -> list[dict[str, str]]:
    """The published fields: named columns of the lake dataset, none of them personal (a column
    with a mask rule), each with its label, type and description."""
    if isinstance(raw, str):
        raw = _as_list(raw, "fields")
    if not isinstance(raw, list | tuple) or not raw:
        raise ActionError("fields_required", _("Publish at least one field."),
                          {"field": "fields"})
    columns = {c["name"]: c for c in source_columns(source)}
    specs = [_field_spec(item) for item in raw]
    names = [s["name"] for s in specs]
    if len(set(names)) != len(names):
        raise ActionError("fields_duplicate", _("A field is named twice."), {"field": "fields"})
    unknown = [n for n in names if n not in columns]
    if unknown:
        raise ActionError("fields_unknown", _("Not columns of the lake dataset: %(names)s")
                          % {"names": ", ".join(unknown)}, {"field": "fields", "names": unknown})
    personal = [n for n in names if columns[n]["mask"]]
    if personal:
        raise ActionError("fields_personal",
                          _("These columns hold personal data and may not be opened: "
                            "%(names)s") % {"names": ", ".join(personal)},
                          {"field": "fields", "names": personal})
    return [{"name": s["name"], "type": columns[s["name"]]["type"],
             "label": (s["label"] or columns[s["name"]]["label"] or s["name"])[:LABEL_MAX],
             "description": s["description"][:1000]} for s in specs]


def check_source(source: Dataset) -> None:
    """The lake dataset may be opened: active, with a version, and not mounted by a catalog
    resource that is marked not open or named on a negative list."""
    if source.status == DatasetStatus.RETIRED:
        raise ActionError("source_retired", _("The lake dataset is retired."),
                          {"field": "source"}, status=409)
    if source.current_version_id is None:
        raise ActionError("source_no_version", _("The lake dataset has no loaded version yet."),
                          {"field": "source"}, status=409)
    closed = closed_resources(source.code)
    if closed:
        raise ActionError("source_not_open",
                          _("The catalog marks this data as not open: %(codes)s")
                          % {"codes": ", ".join(closed)}, {"field": "source", "resources": closed},
                          status=409)


def closed_resources(code: str) -> list[str]:
    """Codes of the catalog resources mounted on the lake dataset that forbid opening it."""
    from jingchu.sharing.choices import ListKind, MountKind, OpenType
    from jingchu.sharing.models import DataResource

    resources = DataResource.objects.filter(mount_kind=MountKind.LAKE, mount_target=code)
    return sorted({r.code for r in resources
                   if r.open_type == OpenType.NOT_OPEN
                   or r.list_entries.filter(kind=ListKind.NEGATIVE).exists()})


def clean_terms(data: dict[str, Any], source: Dataset) -> dict[str, Any]:
    """Title, description, licence, frequency, fields, topics and tags, shared by create and
    edit."""
    return {
        "title": clean_text(data.get("title"), "title", TITLE_MAX),
        "notes": clean_text(data.get("notes"), "notes", NOTES_MAX),
        "licence": clean_choice(data.get("licence"), Licence, "licence"),
        "update_frequency": clean_choice(data.get("update_frequency")
                                         or source.update_frequency, UpdateFrequency,
                                         "update_frequency"),
        "fields": clean_fields(data.get("fields"), source),
        "topics": clean_topics(data.get("topics")),
        "tags": clean_tags(data.get("tags")),
    }
