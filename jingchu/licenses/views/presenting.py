"""How a licence is shown on pages, in its PDF and in the API: its data fields under their
JSON-Schema titles, the holder's code masked, and lookups by identifier."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError, NotFound
from jingchu.core.masking import mask_id_number
from jingchu.licenses import content, verification
from jingchu.licenses.identifiers import parse_license_id
from jingchu.licenses.models import License
from jingchu.licenses.permissions import ISSUER_VIEW_ROLES, org_ids


@dataclass(frozen=True)
class DataRow:
    name: str
    label: str
    value: str


def licences() -> QuerySet[License]:
    return License.objects.select_related("license_type", "issuer", "seal", "holder_person",
                                          "holder_entity")


def checked_identifier(identifier: str) -> str:
    """The identifier if it is well formed (GB/T 36904 with its check character); 400 else."""
    try:
        parse_license_id(identifier)
    except ValueError as exc:
        raise ActionError("bad_identifier", _("This is not a licence identifier: %(reason)s.")
                          % {"reason": str(exc)}, {"identifier": identifier[:200]}) from None
    return identifier


def by_identifier(identifier: str) -> License:
    """The licence with this identifier: 400 when malformed, 404 when unknown."""
    found = licences().filter(identifier=checked_identifier(identifier)).first()
    if found is None:
        raise NotFound(_("No licence has this identifier."), {"identifier": identifier})
    return found


def _value_text(prop: dict[str, Any], value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    enum = prop.get("enum") or []
    names = prop.get("enumNames") or []
    if value in enum and len(names) == len(enum):
        return str(names[enum.index(value)])
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def data_rows(lic: License) -> list[DataRow]:
    """The licence's data in the order of its type's schema, under the schema's titles; fields
    the schema does not name follow under their own names."""
    schema = lic.license_type.data_schema or {}
    props: dict[str, Any] = schema.get("properties") or {}
    data = lic.data or {}
    rows = [DataRow(name, str(prop.get("title") or name), _value_text(prop, data[name]))
            for name, prop in props.items() if name in data]
    rows += [DataRow(name, name, _value_text({}, value)) for name, value in data.items()
             if name not in props]
    return rows


def holder_code_masked(lic: License) -> str:
    return mask_id_number(content.holder_code(lic))


def detail_context(lic: License) -> dict[str, Any]:
    """What both licence pages (the holder's and the issuer's) show of a licence: its data,
    the holder code masked, the verification outcome now, and its uses."""
    return {"lic": lic, "rows": data_rows(lic), "holder_code": holder_code_masked(lic),
            "result": verification.verify_license(lic),
            "uses": lic.uses.select_related("organization", "case")[:200]}


def issued_visible_to(user: Any) -> QuerySet[License]:
    """The licences issued by the user's organizations (all for a platform administrator)."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_authenticated", False):
        return licences()
    return licences().filter(issuer_id__in=org_ids(user, ISSUER_VIEW_ROLES))


def search(queryset: QuerySet[License], text: str) -> QuerySet[License]:
    """By identifier (or its beginning), licence number, or the holder's name."""
    text = text.strip()
    if not text:
        return queryset
    if text.startswith("1.2.156."):
        return queryset.filter(identifier__startswith=text)
    return queryset.filter(Q(holder_name__icontains=text) | Q(number=text))


def page_licence(identifier: str) -> License:
    """`by_identifier` for the signed-in pages: a malformed identifier is a page not found."""
    try:
        return by_identifier(identifier)
    except ActionError:
        raise Http404 from None
