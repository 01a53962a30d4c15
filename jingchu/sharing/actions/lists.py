"""Every state change of the three lists (三清单): create, edit and delete an organization's
responsibility, demand and negative-list entries."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization
from jingchu.sharing import permissions
from jingchu.sharing.actions._common import clean_field_names, clean_text
from jingchu.sharing.choices import ListKind
from jingchu.sharing.models import DataResource, ListEntry


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("Only a data steward of the organization keeps its lists."))


def _clean_resource(kind: str, organization: Organization,
                    resource: DataResource | None) -> DataResource | None:
    if kind == ListKind.NEGATIVE and resource is None:
        raise ActionError("resource_required",
                          _("A negative-list entry names the resource that may not be shared."),
                          {"field": "resource"})
    if resource is not None and kind != ListKind.DEMAND and resource.owner_id != organization.pk:
        raise ActionError("resource_not_own",
                          _("This list names the organization's own resources only."),
                          {"field": "resource"})
    if resource is not None and kind == ListKind.DEMAND and resource.owner_id == organization.pk:
        raise ActionError("resource_own",
                          _("A demand is met by another organization's resource."),
                          {"field": "resource"})
    return resource


def _clean(kind: str, organization: Organization, data: dict[str, Any]) -> dict[str, Any]:
    resource = _clean_resource(kind, organization, data.get("resource"))
    values: dict[str, Any] = {
        "name": clean_text(data.get("name") or (resource.name if resource else ""), "name",
                           required=True, limit=200),
        "description": clean_text(data.get("description"), "description"),
        "legal_basis": clean_text(data.get("legal_basis"), "legal_basis"),
        "resource": resource, "fields_wanted": [], "provider": None,
    }
    if kind == ListKind.NEGATIVE and not values["legal_basis"]:
        raise ActionError("legal_basis_required",
                          _("A negative-list entry names its legal basis."),
                          {"field": "legal_basis"})
    if kind == ListKind.DEMAND:
        values["fields_wanted"] = clean_field_names(data.get("fields_wanted") or [],
                                                    "fields_wanted", required=False)
        provider = data.get("provider")
        if provider is not None and provider.pk == organization.pk:
            raise ActionError("provider_own", _("The provider is another organization."),
                              {"field": "provider"})
        values["provider"] = provider
    return values


@transaction.atomic
def do_create_list_entry(actor: Any, organization: Organization, kind: Any,
                         data: dict[str, Any]) -> ListEntry:
    _require(permissions.can_create_list_entry(actor, organization))
    if kind not in ListKind.values:
        raise ActionError("kind_invalid", _("Unknown list."), {"field": "kind"})
    values = _clean(str(kind), organization, data)
    entry = ListEntry.objects.create(organization=organization, kind=kind, created_by=actor,
                                     **values)
    audit.record("sharing.list.create", actor, entry, _summary(entry))
    return entry


def _summary(entry: ListEntry) -> dict[str, Any]:
    return {"organization": str(entry.organization.uid), "kind": entry.kind, "name": entry.name,
            "resource": entry.resource.code if entry.resource else "",
            "fields_wanted": entry.fields_wanted}


@transaction.atomic
def do_update_list_entry(actor: Any, entry: ListEntry, data: dict[str, Any]) -> ListEntry:
    entry = ListEntry.objects.select_for_update(of=("self",)).select_related(
        "organization", "resource", "provider").get(pk=entry.pk)
    _require(permissions.can_update_list_entry(actor, entry))
    current = {"name": entry.name, "description": entry.description,
               "legal_basis": entry.legal_basis, "resource": entry.resource,
               "fields_wanted": entry.fields_wanted, "provider": entry.provider}
    values = _clean(entry.kind, entry.organization, current | data)
    for key, value in values.items():
        setattr(entry, key, value)
    entry.save()
    audit.record("sharing.list.update", actor, entry, _summary(entry))
    return entry


@transaction.atomic
def do_delete_list_entry(actor: Any, entry: ListEntry) -> None:
    entry = ListEntry.objects.select_for_update(of=("self",)).select_related(
        "organization", "resource").get(pk=entry.pk)
    _require(permissions.can_delete_list_entry(actor, entry))
    audit.record("sharing.list.delete", actor, entry, _summary(entry))
    entry.delete()
