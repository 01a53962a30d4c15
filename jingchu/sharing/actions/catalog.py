"""Every state change of the resource catalog (政务信息资源目录): register, update, publish,
retire, mount and unmount a data resource. Atomic, audited, refusing before writing: 400 bad
input, 403 not permitted, 409 wrong state."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization
from jingchu.sharing import permissions
from jingchu.sharing.actions._common import FIELD_NAME, clean_text
from jingchu.sharing.choices import (
    FieldType,
    MaskRule,
    MountKind,
    OpenType,
    ResourceStatus,
    Sensitivity,
    ShareType,
    SubjectKind,
    UpdateFrequency,
)
from jingchu.sharing.models import DataResource, ResourceField

CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,38}$")
URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")
NEEDS_BASIS = (ShareType.CONDITIONAL, ShareType.NOT_SHARED)


def _choice(raw: Any, choices: Any, field: str) -> str:
    value = str(raw if raw is not None else "")
    if value not in choices.values:
        raise ActionError(f"{field}_invalid", _("Unknown value."), {"field": field,
                                                                   "value": value})
    return value


def _clean_code(raw: Any) -> str:
    code = str(raw or "").strip().upper()
    if not CODE.match(code):
        raise ActionError("code_invalid", _("The catalog code is 3 to 39 capital letters, "
                                            "digits or hyphens."), {"field": "code"})
    if DataResource.objects.filter(code=code).exists():
        raise ActionError("code_taken", _("This catalog code is already registered."),
                          {"field": "code"}, status=409)
    return code


def _clean_field(raw: Any, index: int) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ActionError("fields_invalid", _("Each field is an object."), {"field": "fields"})
    name = str(raw.get("name") or "").strip()
    if not FIELD_NAME.match(name):
        raise ActionError("field_name_invalid",
                          _("A field name is lower-case letters, digits and underscores, "
                            "starting with a letter: %(name)s") % {"name": name},
                          {"field": "fields", "index": index})
    sensitivity = raw.get("sensitivity", Sensitivity.INTERNAL)
    if sensitivity not in Sensitivity.values:
        raise ActionError("sensitivity_invalid", _("Unknown sensitivity grade."),
                          {"field": "fields", "index": index})
    return {
        "name": name,
        "label": clean_text(raw.get("label") or name, "label", limit=100),
        "data_type": _choice(raw.get("data_type", FieldType.STRING), FieldType, "data_type"),
        "description": clean_text(raw.get("description"), "description"),
        "sensitivity": int(sensitivity),
        "mask": _choice(raw.get("mask", MaskRule.NONE), MaskRule, "mask"),
    }


def _clean_fields(raw: Any, *, required: bool = True) -> list[dict[str, Any]]:
    if not isinstance(raw, list | tuple) or (required and not raw):
        raise ActionError("fields_required", _("A resource has at least one field."),
                          {"field": "fields"})
    fields = [_clean_field(item, i) for i, item in enumerate(raw)]
    names = [f["name"] for f in fields]
    if len(set(names)) != len(names):
        raise ActionError("field_name_duplicate", _("Two fields have the same name."),
                          {"field": "fields"})
    return fields


def _clean_terms(data: dict[str, Any]) -> dict[str, Any]:
    """The descriptive attributes shared by register and update."""
    terms = {
        "name": clean_text(data.get("name"), "name", required=True, limit=200),
        "description": clean_text(data.get("description"), "description", limit=5000),
        "share_type": _choice(data.get("share_type"), ShareType, "share_type"),
        "share_conditions": clean_text(data.get("share_conditions"), "share_conditions"),
        "legal_basis": clean_text(data.get("legal_basis"), "legal_basis"),
        "open_type": _choice(data.get("open_type", OpenType.NOT_OPEN), OpenType, "open_type"),
        "update_frequency": _choice(data.get("update_frequency", UpdateFrequency.DAILY),
                                    UpdateFrequency, "update_frequency"),
    }
    if terms["share_type"] in NEEDS_BASIS and not terms["legal_basis"]:
        raise ActionError("legal_basis_required",
                          _("A resource shared on conditions or not shared names its legal "
                            "basis."), {"field": "legal_basis"})
    return terms


def _write_fields(resource: DataResource, fields: list[dict[str, Any]]) -> list[str]:
    """Adds new fields and updates the described ones; a field is never removed (grants and
    calls name it). Returns the names added."""
    existing = {f.name: f for f in resource.fields.all()}
    position = len(existing)
    added = []
    for spec in fields:
        field = existing.get(spec["name"])
        if field is None:
            ResourceField.objects.create(resource=resource, position=position, **spec)
            position += 1
            added.append(spec["name"])
            continue
        for key, value in spec.items():
            setattr(field, key, value)
        field.save()
    return added


@transaction.atomic
def do_register_resource(actor: Any, owner: Organization, data: dict[str, Any]) -> DataResource:
    """Register a resource (a draft) in the owner's name, with its fields."""
    if not permissions.can_register_resource(actor, owner):
        raise NotPermitted(_("Only a data steward of the owning organization may register "
                             "its resources."))
    code = _clean_code(data.get("code"))
    terms = _clean_terms(data)
    fields = _clean_fields(data.get("fields"))
    resource = DataResource.objects.create(code=code, owner=owner, registered_by=actor,
                                           **terms)
    _write_fields(resource, fields)
    audit.record("sharing.resource.register", actor, resource,
                 {"code": code, "owner": str(owner.uid), "fields": [f["name"] for f in fields]})
    return resource


def _locked(resource: DataResource) -> DataResource:
    return DataResource.objects.select_for_update(of=("self",)).select_related("owner").get(
        pk=resource.pk)


def _require_manager(actor: Any, resource: DataResource,
                     check: Any = permissions.can_manage_resource) -> None:
    if not check(actor, resource):
        raise NotPermitted(_("Only a data steward of the owning organization may change this "
                             "resource."))


@transaction.atomic
def do_update_resource(actor: Any, resource: DataResource,
                       data: dict[str, Any]) -> DataResource:
    """Change the description and terms; add fields or describe existing ones anew."""
    resource = _locked(resource)
    _require_manager(actor, resource, permissions.can_update_resource)
    if resource.status == ResourceStatus.RETIRED:
        raise ActionError("resource_retired", _("A retired resource is not changed."), {},
                          status=409)
    merged = {k: getattr(resource, k) for k in (
        "name", "description", "share_type", "share_conditions", "legal_basis", "open_type",
        "update_frequency")} | {k: v for k, v in data.items() if k != "fields"}
    terms = _clean_terms(merged)
    fields = _clean_fields(data["fields"], required=False) if "fields" in data else []
    for key, value in terms.items():
        setattr(resource, key, value)
    resource.updated_at = timezone.now()
    resource.save()
    added = _write_fields(resource, fields)
    audit.record("sharing.resource.update", actor, resource,
                 {"changed": sorted(k for k in data if k != "fields"), "fields_added": added})
    return resource


def _set_status(actor: Any, resource: DataResource, status: str, allowed: tuple[str, ...],
                event: str, check: Any) -> DataResource:
    resource = _locked(resource)
    _require_manager(actor, resource, check)
    if resource.status not in allowed:
        raise ActionError("resource_state", _("This resource is %(status)s.")
                          % {"status": resource.get_status_display()},
                          {"status": resource.status}, status=409)
    before = resource.status
    resource.status, resource.updated_at = status, timezone.now()
    resource.save(update_fields=["status", "updated_at"])
    audit.record(event, actor, resource, {"from": before, "to": status})
    return resource


@transaction.atomic
def do_publish_resource(actor: Any, resource: DataResource) -> DataResource:
    return _set_status(actor, resource, ResourceStatus.PUBLISHED, (ResourceStatus.DRAFT,),
                       "sharing.resource.publish", permissions.can_publish_resource)


@transaction.atomic
def do_retire_resource(actor: Any, resource: DataResource) -> DataResource:
    return _set_status(actor, resource, ResourceStatus.RETIRED,
                       (ResourceStatus.DRAFT, ResourceStatus.PUBLISHED),
                       "sharing.resource.retire", permissions.can_retire_resource)


def _table_names() -> list[str]:
    # Imported here: mounts.py belongs to the gateway's side and may import the catalog.
    from jingchu.sharing import mounts

    return list(mounts.table_names())


def _clean_target(kind: str, raw: Any) -> str:
    target = str(raw or "").strip()
    if not target:
        raise ActionError("target_required", _("Say where the records are."),
                          {"field": "target"})
    if kind == MountKind.TABLE and target not in _table_names():
        raise ActionError("table_unknown", _("The platform has no table of that name."),
                          {"field": "target", "known": _table_names()})
    if kind == MountKind.API and not URL.match(target):
        raise ActionError("url_invalid", _("An upstream API is given by its http(s) address."),
                          {"field": "target"})
    return target[:300]


@transaction.atomic
def do_mount_resource(actor: Any, resource: DataResource, *, kind: Any, target: Any,
                      key_field: Any, subject_kind: Any = "") -> DataResource:
    """Say where the resource's records are and by which field one is looked up (挂接)."""
    resource = _locked(resource)
    _require_manager(actor, resource, permissions.can_mount_resource)
    if resource.status == ResourceStatus.RETIRED:
        raise ActionError("resource_retired", _("A retired resource is not mounted."), {},
                          status=409)
    mount_kind = _choice(kind, MountKind, "kind")
    if not mount_kind:
        raise ActionError("kind_required", _("Choose how the resource is mounted."),
                          {"field": "kind"})
    mount_target = _clean_target(mount_kind, target)
    key = str(key_field or "").strip()
    if not resource.fields.filter(name=key).exists():
        raise ActionError("key_field_unknown", _("The lookup key must be one of the resource's "
                                                 "fields."), {"field": "key_field"})
    if mount_kind == MountKind.LAKE:
        # Only an active lake dataset looked up by the same key can serve the gateway.
        from jingchu.lake.query import check_mountable

        check_mountable(mount_target, key)
    subject = _choice(subject_kind or "", SubjectKind, "subject_kind")
    resource.mount_kind, resource.mount_target, resource.key_field = mount_kind, mount_target, key
    resource.subject_kind, resource.mounted_at = subject, timezone.now()
    resource.save()
    audit.record("sharing.resource.mount", actor, resource, {
        "kind": mount_kind, "target": mount_target, "key_field": key, "subject_kind": subject})
    return resource


@transaction.atomic
def do_unmount_resource(actor: Any, resource: DataResource) -> DataResource:
    resource = _locked(resource)
    _require_manager(actor, resource, permissions.can_mount_resource)
    if not resource.is_mounted:
        raise ActionError("not_mounted", _("The resource is not mounted."), {}, status=409)
    before = {"kind": resource.mount_kind, "target": resource.mount_target}
    resource.mount_kind, resource.mount_target, resource.mounted_at = "", "", None
    resource.save()
    audit.record("sharing.resource.unmount", actor, resource, before)
    return resource
