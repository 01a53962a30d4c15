"""Every state change of the service catalog: publishing item versions and implementations.

An item's content is published as a new `ItemVersion`; versions are never edited, so a case
that holds a version keeps the content it was submitted under.

Eligibility rules (`ItemVersion.eligibility`) are a small declarative dict that intake checks:
`min_age` / `max_age` (whole years, read from the applicant's ID number) and `applicant_kind`
("person" or "legal_entity"). Unknown keys are refused so that a typo never silently disables
a rule.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.services import eforms
from jingchu.services.choices import (
    ApplicantKind,
    CaseKind,
    ItemType,
    MaterialNecessity,
    MaterialSource,
    OnlineDepth,
    ResultType,
    ServiceArea,
    Topic,
)
from jingchu.services.models import (
    ItemImplementation,
    ItemVersion,
    MaterialRequirement,
    ServiceItem,
)

VERSION_FIELDS = (
    "name", "item_type", "competent_department", "applicant_kind", "legal_basis",
    "acceptance_conditions", "case_kind", "legal_days", "promised_days", "fee", "fee_basis",
    "online_depth", "onsite_visits", "legal_steps", "steps", "legal_materials", "result_type",
    "result_name", "topics", "keywords", "form_schema", "eligibility",
)
MATERIAL_FIELDS = (
    "name", "necessity", "condition", "media", "copies", "source", "license_type_code",
    "data_resource_code", "sample_file", "blank_form_file", "note",
)
REQUIRED_FIELDS = ("name", "item_type", "legal_basis", "case_kind", "legal_days",
                   "promised_days", "form_schema")
COUNT_FIELDS = ("legal_days", "promised_days", "onsite_visits", "steps", "legal_steps",
                "legal_materials")
ELIGIBILITY_KEYS = {"min_age", "max_age", "applicant_kind"}


def _invalid(field: str, message: str) -> ActionError:
    return ActionError("invalid_item", message, {"field": field})


def _defaults(model: type[models.Model], names: tuple[str, ...]) -> dict[str, Any]:
    """The model's default for each field, so a missing key compares equal to a stored default."""
    out = {}
    for name in names:
        f = model._meta.get_field(name)
        out[name] = f.get_default() if isinstance(f, models.Field) else None
    return out


def _check_lengths(model: type[models.Model], data: dict[str, Any], prefix: str = "") -> None:
    for name, value in data.items():
        f = model._meta.get_field(name)
        if isinstance(f, models.CharField | models.TextField) and not isinstance(value, str):
            raise _invalid(prefix + name, _("%(field)s must be text.") % {"field": name})
        if isinstance(f, models.CharField) and f.max_length and len(value) > f.max_length:
            raise _invalid(prefix + name, _("%(field)s may have at most %(n)d characters.")
                           % {"field": name, "n": f.max_length})


def _check_choice(
    content: dict[str, Any], field: str, allowed: list[Any], prefix: str = ""
) -> None:
    if content.get(field) not in allowed:
        raise _invalid(prefix + field, _("%(field)s must be one of %(allowed)s.")
                       % {"field": field, "allowed": ", ".join(map(str, allowed))})


def _check_counts(content: dict[str, Any]) -> None:
    for field in COUNT_FIELDS:
        value = content[field]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767:
            raise _invalid(field, _("%s must be a whole number, zero or more.") % field)
    if content["promised_days"] > content["legal_days"]:
        raise _invalid("promised_days",
                       _("The promised time limit cannot exceed the legal time limit."))
    if content["case_kind"] == CaseKind.ON_THE_SPOT and content["promised_days"] != 0:
        raise _invalid("promised_days", _("An on-the-spot item promises zero days."))
    if content["steps"] > content["legal_steps"]:
        raise _invalid("steps", _("The item cannot have more steps than the law provides."))


def _check_fee(clean: dict[str, Any]) -> None:
    try:
        fee = Decimal(str(clean["fee"]))
    except InvalidOperation:
        raise _invalid("fee", _("The fee must be a number.")) from None
    if not fee.is_finite() or fee < 0 or fee >= Decimal("1e8"):
        raise _invalid("fee", _("The fee must be zero or a positive amount."))
    if fee > 0 and not clean["fee_basis"]:
        raise _invalid("fee_basis", _("A fee needs its legal basis."))
    clean["fee"] = fee.quantize(Decimal("0.01"))


def _check_topics(clean: dict[str, Any]) -> None:
    topics = clean["topics"]
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise _invalid("topics", _("Topics must be a list of topic codes."))
    unknown = set(topics) - set(Topic.values)
    if unknown:
        raise _invalid("topics", _("Unknown topics: %s") % ", ".join(sorted(unknown)))


def _check_eligibility(rules: Any) -> None:
    if not isinstance(rules, dict) or set(rules) - ELIGIBILITY_KEYS:
        raise _invalid("eligibility", _("Eligibility rules may only use: %s")
                       % ", ".join(sorted(ELIGIBILITY_KEYS)))
    for key in ("min_age", "max_age"):
        if key in rules and (isinstance(rules[key], bool) or not isinstance(rules[key], int)):
            raise _invalid("eligibility", _("%s must be a whole number of years.") % key)
    kinds = [ApplicantKind.PERSON, ApplicantKind.LEGAL_ENTITY]
    if "applicant_kind" in rules and rules["applicant_kind"] not in kinds:
        raise _invalid("eligibility", _("applicant_kind must be person or legal_entity."))


def validate_content(content: dict[str, Any]) -> dict[str, Any]:
    """The version's fields from `content`, checked, with the model's defaults filled in."""
    if not isinstance(content, dict):
        raise _invalid("content", _("The item content must be an object."))
    missing = [f for f in REQUIRED_FIELDS if content.get(f) in (None, "", {})]
    if missing:
        raise _invalid(missing[0], _("%s is required.") % missing[0])
    clean = _defaults(ItemVersion, VERSION_FIELDS)
    clean.update(online_depth=OnlineDepth.FULLY, result_type=ResultType.OTHER)
    clean.update({f: content[f] for f in VERSION_FIELDS if f in content})
    _check_choice(clean, "item_type", ItemType.values)
    _check_choice(clean, "case_kind", CaseKind.values)
    _check_choice(clean, "applicant_kind", ApplicantKind.values)
    _check_choice(clean, "online_depth", OnlineDepth.values)
    _check_choice(clean, "result_type", ResultType.values)
    _check_counts(clean)
    _check_lengths(ItemVersion, {k: v for k, v in clean.items()
                                 if k not in ("fee", "topics", "form_schema", "eligibility")
                                 and k not in COUNT_FIELDS and k != "online_depth"})
    _check_fee(clean)
    _check_topics(clean)
    _check_eligibility(clean["eligibility"])
    try:
        eforms.check_schema(clean["form_schema"])
    except eforms.FormSchemaError as exc:
        raise _invalid("form_schema", str(exc)) from None
    return clean


def _validate_material(index: int, raw: Any) -> dict[str, Any]:
    prefix = f"materials[{index}]."
    if not isinstance(raw, dict) or not raw.get("name"):
        raise _invalid(prefix + "name", _("A material needs a name."))
    item = _defaults(MaterialRequirement, MATERIAL_FIELDS)
    item["necessity"] = MaterialNecessity.REQUIRED
    item.update({f: raw[f] for f in MATERIAL_FIELDS if f in raw})
    _check_choice(item, "necessity", MaterialNecessity.values, prefix)
    _check_choice(item, "source", MaterialSource.values, prefix)
    copies = item["copies"]
    if isinstance(copies, bool) or not isinstance(copies, int) or not 0 <= copies <= 99:
        raise _invalid(prefix + "copies", _("Copies must be a whole number from 0 to 99."))
    _check_lengths(MaterialRequirement, {k: v for k, v in item.items() if k != "copies"}, prefix)
    if item["necessity"] == MaterialNecessity.CONDITIONAL and not item["condition"]:
        raise _invalid(prefix + "condition", _("A conditional material must say its condition."))
    if item["source"] == MaterialSource.LICENSE and not item["license_type_code"]:
        raise _invalid(prefix + "license_type_code",
                       _("A material supplied by a licence must name the licence type."))
    if item["source"] == MaterialSource.DATA_RESOURCE and not item["data_resource_code"]:
        raise _invalid(prefix + "data_resource_code",
                       _("A material supplied by shared data must name the data resource."))
    return item


def validate_materials(materials: Any) -> list[dict[str, Any]]:
    if not isinstance(materials, list):
        raise _invalid("materials", _("Materials must be a list."))
    return [_validate_material(i, raw) for i, raw in enumerate(materials)]


def same_content(version: ItemVersion, content: dict[str, Any],
                 materials: list[dict[str, Any]]) -> bool:
    """True when publishing this content would repeat the version (idempotent demo loads)."""
    clean = validate_content(content)
    if any(getattr(version, f) != value for f, value in clean.items()):
        return False
    current = [{f: getattr(m, f) for f in MATERIAL_FIELDS} for m in version.materials.all()]
    return current == validate_materials(materials)


def _topic_index(topics: list[str]) -> str:
    return "|" + "|".join(sorted(set(topics))) + "|" if topics else ""


@transaction.atomic
def do_publish_item(
    actor: Any, *, code: str, content: dict[str, Any], materials: list[dict[str, Any]],
    change_note: str = "",
) -> ItemVersion:
    """Publish a new version of an item (creating the item on first publication).

    Refuses content identical to the current version: a version records a change.
    """
    if not isinstance(code, str) or not code.strip() or len(code) > 40:
        raise _invalid("code", _("The basic code is required (at most 40 characters)."))
    if len(change_note) > 300:
        raise _invalid("change_note", _("The change note may have at most 300 characters."))
    clean = validate_content(content)
    clean_materials = validate_materials(materials)
    item, created = ServiceItem.objects.select_for_update().get_or_create(code=code.strip())
    current = item.current_version
    if current is not None and same_content(current, content, materials):
        raise ActionError("no_change", _("Nothing changed since the current version."),
                          {"version": current.number})
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    user = actor if getattr(actor, "is_authenticated", False) else None
    version = ItemVersion.objects.create(
        item=item, number=number, change_note=change_note, published_by=user,
        topic_index=_topic_index(clean["topics"]), **clean,
    )
    MaterialRequirement.objects.bulk_create(
        MaterialRequirement(version=version, position=i, **m)
        for i, m in enumerate(clean_materials)
    )
    item.current_version = version
    item.save(update_fields=["current_version"])
    audit.record("services.item.publish", actor, item,
                 {"version": number, "name": version.name, "created": created})
    return version


def _implementation_values(
    item: ServiceItem, code: str, service_area: str, values: dict[str, Any]
) -> dict[str, Any]:
    if service_area not in ServiceArea.values:
        raise _invalid("service_area", _("Unknown service area."))
    if not code or len(code) > 60:
        raise _invalid("code", _("The implementation code is required (at most 60 characters)."))
    _check_lengths(ItemImplementation, {k: values[k] for k in ("address", "hours", "phone")})
    version = item.current_version
    if version is None:
        raise _invalid("item", _("Publish the item before implementing it."))
    promised = values.get("promised_days")
    if promised is not None and (not isinstance(promised, int) or promised < 0
                                 or promised > version.legal_days):
        raise _invalid("promised_days",
                       _("The promised time limit cannot exceed the legal time limit."))
    fee = values.get("fee")
    if fee is not None and (not isinstance(fee, Decimal) or not fee.is_finite() or fee < 0):
        raise _invalid("fee", _("The fee must be zero or a positive amount."))
    return {"code": code, "service_area": service_area, **values}


@transaction.atomic
def do_upsert_implementation(
    actor: Any, *, item: ServiceItem, organization: Organization, code: str,
    service_area: str, address: str = "", hours: str = "", phone: str = "",
    promised_days: int | None = None, fee: Decimal | None = None, is_active: bool = True,
) -> ItemImplementation:
    """Create or update the item's implementation by `organization`; unchanged rows are left
    alone (no write, no audit), so demo loads are idempotent."""
    wanted = _implementation_values(item, code, service_area, {
        "address": address, "hours": hours, "phone": phone, "promised_days": promised_days,
        "fee": fee, "is_active": is_active,
    })
    if ItemImplementation.objects.filter(code=code).exclude(
        item=item, organization=organization
    ).exists():
        raise ActionError("duplicate_code", _("This implementation code is already in use."),
                          {"field": "code"})
    impl = ItemImplementation.objects.select_for_update().filter(
        item=item, organization=organization).first()
    if impl is not None and all(getattr(impl, k) == v for k, v in wanted.items()):
        return impl
    created = impl is None
    impl = impl or ItemImplementation(item=item, organization=organization)
    for key, value in wanted.items():
        setattr(impl, key, value)
    impl.save()
    audit.record("services.implementation." + ("create" if created else "update"), actor, impl,
                 {"item": item.code, "organization": str(organization.uid),
                  "service_area": service_area})
    return impl
