"""一单两库一细则: regulatory items, the entity and inspector directories, conflicts of interest,
and each department's sampling rules.

Each action is one transaction, checks its named permission first (`actor=None` is the
platform: the demo loader and fixtures), refuses bad input before writing, and writes one
AuditEvent (`supervision.<thing>.<verb>`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted, clean_reason, clean_text
from jingchu.core.models import Organization
from jingchu.identity.models import LegalEntity, Staff, StaffAssignment
from jingchu.supervision import permissions
from jingchu.supervision.choices import ConflictRelation, Grade, Industry, InspectionMethod
from jingchu.supervision.models import (
    ConflictDeclaration,
    Inspector,
    RegulatoryItem,
    SamplingRule,
    SupervisedEntity,
)

ITEM_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{1,39}")
NAME_LIMIT = 200
BASIS_LIMIT = 2000
CERTIFICATE_LIMIT = 40
NOTE_LIMIT = 300
REASON_LIMIT = 500


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotPermitted(message)


def _may_manage(actor: Any, organization: Organization) -> None:
    if actor is not None:
        _require(permissions.can_manage_items(actor, organization),
                 _("Only a leader of this department may change its items, inspectors and "
                   "sampling rules."))


def _exists(code: str, message: str, field: str) -> ActionError:
    return ActionError(code, message, {"field": field}, status=409)


# --- checking the input -------------------------------------------------------------------


def clean_industries(raw: Iterable[Any]) -> list[str]:
    """Known industries, each once, in the order of the list of industries."""
    given = {str(v).strip() for v in raw or () if str(v).strip()}
    unknown = sorted(given - set(Industry.values))
    if unknown:
        raise ActionError("industry_invalid", _("Unknown industry: %(codes)s.")
                          % {"codes": ", ".join(unknown)}, {"field": "industries"})
    return [v for v in Industry.values if v in given]


def _choice(raw: Any, values: Iterable[str], field: str, message: str) -> str:
    value = str(raw or "").strip()
    if value not in values:
        raise ActionError(f"{field}_invalid", message, {"field": field})
    return value


def clean_date(raw: Any, field: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw or "").strip()
    if not text:
        raise ActionError(f"{field}_required", _("This field is required."), {"field": field})
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ActionError(f"{field}_invalid", _("Give a date as YYYY-MM-DD."),
                          {"field": field}) from None


def clean_decimal(raw: Any, field: str, *, high: Decimal, required: bool = True,
                  ) -> Decimal | None:
    """A positive number with at most two decimals, at most `high`."""
    if raw is None or str(raw).strip() == "":
        if required:
            raise ActionError(f"{field}_required", _("This field is required."),
                              {"field": field})
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0 or value > high or value != value.quantize(
            Decimal("0.01")):
        raise ActionError(f"{field}_invalid",
                          _("Give a number above 0 and at most %(high)s, with at most two "
                            "decimals.") % {"high": high}, {"field": field})
    return value.quantize(Decimal("0.01"))


def _item_fields(name: Any, legal_basis: Any, method: Any, industries: Iterable[Any],
                 ) -> dict[str, Any]:
    return {
        "name": clean_text(name, "name", required=True, limit=NAME_LIMIT),
        "legal_basis": clean_text(legal_basis, "legal_basis", required=True, limit=BASIS_LIMIT),
        "method": _choice(method, InspectionMethod.values, "method",
                          _("Unknown inspection method.")),
        "industries": clean_industries(industries),
    }


# --- regulatory items (抽查事项清单) -------------------------------------------------------


@transaction.atomic
def do_create_item(actor: Any, *, organization: Organization, code: str, name: str,
                   legal_basis: str, method: str, is_key: bool = False,
                   industries: Iterable[str] = ()) -> RegulatoryItem:
    """Add an item to the department's list of inspection items, with its legal basis."""
    _may_manage(actor, organization)
    value = clean_text(code, "code", required=True, limit=40).upper()
    if not ITEM_CODE.fullmatch(value):
        raise ActionError("code_invalid", _("Use capital letters, digits and hyphens."),
                          {"field": "code"})
    fields = _item_fields(name, legal_basis, method, industries)
    if RegulatoryItem.objects.filter(code=value).exists():
        raise _exists("code_exists", _("An item with this code already exists."), "code")
    item = RegulatoryItem.objects.create(organization=organization, code=value,
                                         is_key=bool(is_key), **fields)
    audit.record("supervision.item.create", actor, item, {
        "organization": str(organization.uid), "method": item.method, "is_key": item.is_key,
        "industries": item.industries})
    return item


@transaction.atomic
def do_update_item(actor: Any, item: RegulatoryItem, *, name: str, legal_basis: str,
                   method: str, is_key: bool, industries: Iterable[str]) -> RegulatoryItem:
    """Change an item's name, legal basis, method, key flag or industries (its code stays:
    published draws name it)."""
    item = RegulatoryItem.objects.select_for_update().select_related("organization").get(
        pk=item.pk)
    _may_manage(actor, item.organization)
    fields = {**_item_fields(name, legal_basis, method, industries), "is_key": bool(is_key)}
    changed = sorted(k for k, v in fields.items() if getattr(item, k) != v)
    if not changed:
        return item
    for key, value in fields.items():
        setattr(item, key, value)
    item.save(update_fields=[*changed])
    audit.record("supervision.item.update", actor, item, {"changed": changed})
    return item


@transaction.atomic
def do_set_item_active(actor: Any, item: RegulatoryItem, *, active: bool) -> RegulatoryItem:
    """Take an item off the list (plans no longer offer it) or put it back."""
    item = RegulatoryItem.objects.select_for_update().select_related("organization").get(
        pk=item.pk)
    _may_manage(actor, item.organization)
    if item.is_active == bool(active):
        return item
    item.is_active = bool(active)
    item.save(update_fields=["is_active"])
    audit.record("supervision.item.activate" if active else "supervision.item.deactivate",
                 actor, item)
    return item


# --- the directory of supervised entities (检查对象名录库) -----------------------------------


def _may_keep_directory(actor: Any) -> None:
    if actor is not None:
        _require(permissions.can_manage_entities(actor),
                 _("Only a leader of a regulating department may change the entity "
                   "directory."))


@transaction.atomic
def do_register_entity(actor: Any, *, legal_entity: LegalEntity,
                       industry: str) -> SupervisedEntity:
    """Put a registered legal entity in the directory, with its industry; its region is the
    entity's own."""
    _may_keep_directory(actor)
    if legal_entity is None or legal_entity.pk is None:
        raise ActionError("legal_entity_required", _("Choose the entity."),
                          {"field": "legal_entity"})
    chosen = _choice(industry, Industry.values, "industry", _("Unknown industry."))
    if SupervisedEntity.objects.filter(legal_entity=legal_entity).exists():
        raise _exists("entity_registered", _("This entity is already in the directory."),
                      "legal_entity")
    entity = SupervisedEntity.objects.create(legal_entity=legal_entity, industry=chosen,
                                             region_id=legal_entity.region_id)
    audit.record("supervision.entity.register", actor, entity, {
        "uscc": legal_entity.uscc, "industry": chosen})
    return entity


@transaction.atomic
def do_update_entity(actor: Any, entity: SupervisedEntity, *, industry: str,
                     is_active: bool) -> SupervisedEntity:
    """Change an entity's industry, take it off the directory (closed, moved away) or put it
    back; its region follows the legal entity's."""
    _may_keep_directory(actor)
    entity = SupervisedEntity.objects.select_for_update().select_related("legal_entity").get(
        pk=entity.pk)
    fields = {"industry": _choice(industry, Industry.values, "industry",
                                  _("Unknown industry.")),
              "is_active": bool(is_active), "region_id": entity.legal_entity.region_id}
    changed = sorted(k for k, v in fields.items() if getattr(entity, k) != v)
    if not changed:
        return entity
    for key, value in fields.items():
        setattr(entity, key, value)
    entity.save(update_fields=changed)
    audit.record("supervision.entity.update", actor, entity, {
        "changed": changed, "industry": entity.industry, "is_active": entity.is_active})
    return entity


# --- the directory of inspectors (执法检查人员名录库) ----------------------------------------


def _certificate(raw: Any, exclude: int | None = None) -> str:
    value = clean_text(raw, "certificate_number", required=True, limit=CERTIFICATE_LIMIT)
    taken = Inspector.objects.filter(certificate_number=value)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise _exists("certificate_exists",
                      _("Another inspector holds this certificate number."),
                      "certificate_number")
    return value


def _qualified_until(raw: Any) -> dt.date:
    day = clean_date(raw, "qualified_until")
    if day < timezone.localdate():
        raise ActionError("qualification_expired", _("The qualification has already expired."),
                          {"field": "qualified_until"})
    return day


@transaction.atomic
def do_register_inspector(actor: Any, *, staff: Staff, organization: Organization,
                          certificate_number: str, qualified_until: dt.date | str) -> Inspector:
    """Enter a staff member of the department, holding an enforcement certificate, in the
    inspector directory."""
    _may_manage(actor, organization)
    if staff is None or staff.pk is None:
        raise ActionError("staff_required", _("Choose the staff member."), {"field": "staff"})
    if not StaffAssignment.objects.filter(staff=staff, organization=organization).exists():
        raise ActionError("staff_not_in_department",
                          _("This staff member does not work in the department."),
                          {"field": "staff"})
    certificate = _certificate(certificate_number)
    until = _qualified_until(qualified_until)
    if Inspector.objects.filter(staff=staff, organization=organization).exists():
        raise _exists("inspector_exists",
                      _("This staff member is already an inspector of the department."),
                      "staff")
    inspector = Inspector.objects.create(staff=staff, organization=organization,
                                         certificate_number=certificate, qualified_until=until)
    audit.record("supervision.inspector.register", actor, inspector, {
        "staff": str(staff.uid), "organization": str(organization.uid),
        "certificate_number": certificate, "qualified_until": until.isoformat()})
    return inspector


@transaction.atomic
def do_update_inspector(actor: Any, inspector: Inspector, *, certificate_number: str,
                        qualified_until: dt.date | str, is_active: bool) -> Inspector:
    """A renewed certificate or qualification, or the inspector taken off (or put back on)
    the directory."""
    inspector = Inspector.objects.select_for_update().select_related("organization").get(
        pk=inspector.pk)
    _may_manage(actor, inspector.organization)
    fields: dict[str, Any] = {
        "certificate_number": _certificate(certificate_number, exclude=inspector.pk),
        "is_active": bool(is_active)}
    until = clean_date(qualified_until, "qualified_until")
    if until != inspector.qualified_until:
        until = _qualified_until(until)
    fields["qualified_until"] = until
    changed = sorted(k for k, v in fields.items() if getattr(inspector, k) != v)
    if not changed:
        return inspector
    for key, value in fields.items():
        setattr(inspector, key, value)
    inspector.save(update_fields=changed)
    audit.record("supervision.inspector.update", actor, inspector, {
        "changed": changed, "qualified_until": inspector.qualified_until.isoformat(),
        "is_active": inspector.is_active})
    return inspector


# --- conflicts of interest (回避) ---------------------------------------------------------


@transaction.atomic
def do_declare_conflict(actor: Any, *, inspector: Inspector, legal_entity: LegalEntity,
                        relation: str, note: str = "") -> ConflictDeclaration:
    """An inspector (or their department's leader) declares a relation to an entity: the
    draw never sends the inspector there while the declaration stands."""
    if actor is not None:
        _require(permissions.can_declare_conflict(actor, inspector),
                 _("Only the inspector or a leader of their department may declare this."))
    if legal_entity is None or legal_entity.pk is None:
        raise ActionError("legal_entity_required", _("Choose the entity."),
                          {"field": "legal_entity"})
    chosen = _choice(relation, ConflictRelation.values, "relation", _("Unknown relation."))
    text = clean_text(note, "note", limit=NOTE_LIMIT)
    live = ConflictDeclaration.objects.select_for_update().filter(
        inspector=inspector, legal_entity=legal_entity, withdrawn_at__isnull=True)
    if live.exists():
        raise _exists("conflict_exists",
                      _("A conflict with this entity is already declared."), "legal_entity")
    conflict = ConflictDeclaration.objects.create(inspector=inspector,
                                                  legal_entity=legal_entity,
                                                  relation=chosen, note=text)
    audit.record("supervision.conflict.declare", actor, conflict, {
        "inspector": inspector.certificate_number, "uscc": legal_entity.uscc,
        "relation": chosen})
    return conflict


@transaction.atomic
def do_withdraw_conflict(actor: Any, conflict: ConflictDeclaration, *,
                         reason: str) -> ConflictDeclaration:
    """A leader of the inspector's department withdraws a declaration that no longer holds
    (the inspector alone may not: a withdrawal exposes them to the draw again)."""
    conflict = ConflictDeclaration.objects.select_for_update().select_related(
        "inspector__organization", "legal_entity").get(pk=conflict.pk)
    if actor is not None:
        _require(permissions.can_manage_items(actor, conflict.inspector.organization),
                 _("Only a leader of the inspector's department may withdraw a declaration."))
    text = clean_reason(reason, REASON_LIMIT)
    if conflict.withdrawn_at is not None:
        raise ActionError("conflict_withdrawn", _("This declaration is already withdrawn."),
                          status=409)
    conflict.withdrawn_at = timezone.now()
    conflict.save(update_fields=["withdrawn_at"])
    audit.record("supervision.conflict.withdraw", actor, conflict, {
        "inspector": conflict.inspector.certificate_number,
        "uscc": conflict.legal_entity.uscc, "reason": text})
    return conflict


# --- sampling rules (抽查细则) -------------------------------------------------------------


@transaction.atomic
def do_set_sampling_rule(actor: Any, *, organization: Organization, grade: str,
                         factor: Decimal | str, cap_percent: Decimal | str | None,
                         frequency_per_year: Decimal | str = Decimal(1)) -> SamplingRule:
    """How the department samples entities of one credit grade: the factor on a plan's base
    ratio, the upper limit (blank: none) and how often a year such an entity is inspected."""
    _may_manage(actor, organization)
    chosen = _choice(grade, Grade.values, "grade", _("Unknown credit grade."))
    values = {
        "factor": clean_decimal(factor, "factor", high=Decimal(100)),
        "cap_percent": clean_decimal(cap_percent, "cap_percent", high=Decimal(100),
                                     required=False),
        "frequency_per_year": clean_decimal(frequency_per_year, "frequency_per_year",
                                            high=Decimal("99.99")),
    }
    rule = SamplingRule.objects.select_for_update().filter(organization=organization,
                                                           grade=chosen).first()
    before = ({k: _text(getattr(rule, k)) for k in values} if rule is not None else None)
    if rule is None:
        rule = SamplingRule.objects.create(organization=organization, grade=chosen, **values)
    else:
        for key, value in values.items():
            setattr(rule, key, value)
        rule.save()
    audit.record("supervision.sampling_rule.set", actor, organization, {
        "grade": chosen, "before": before, "after": {k: _text(v) for k, v in values.items()}})
    return rule


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
