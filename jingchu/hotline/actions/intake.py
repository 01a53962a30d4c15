"""Intake (受理): filing a ticket from any channel, classifying it, merging duplicates, linking
the caller to a person, and reading an attachment back.

`do_file_ticket` serves every channel: the web portal and mobile page (anonymous or a signed-in
citizen), the operator's form for phone calls, the JSON API and Open311 (actor None with an
`actor_label` naming the key). It checks everything before it writes anything; the files are
stored last and deleted again if anything after them fails, so a refusal leaves no ticket, no
AuditEvent and no file.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.crypto import blind_index
from jingchu.core.errors import ActionError, NotPermitted, clean_text
from jingchu.core.identifiers import IdentifierError, validate_uscc
from jingchu.core.models import Organization, Region
from jingchu.hotline import deadlines, numbering, permissions, storage
from jingchu.hotline.choices import (
    OPEN_STATUSES,
    AttributeType,
    Channel,
    TicketKind,
    TicketStatus,
    TrainingSource,
    Urgency,
)
from jingchu.hotline.models import (
    Category,
    Centre,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TrainingExample,
)
from jingchu.hotline.routing import region_chain
from jingchu.identity.models import LegalEntity, Person

logger = logging.getLogger(__name__)

TITLE_LIMIT = 200
CONTENT_LIMIT = 5000
ADDRESS_LIMIT = 300
NAME_LIMIT = 100


def user_or_none(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def add_event(ticket: Ticket, actor: Any, action: str, *, organization: Organization | None = None,
              note: str = "", details: dict[str, Any] | None = None) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, action=action, actor=user_or_none(actor),
                                      organization=organization, note=note,
                                      details=details or {})


def lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).select_related("centre").get(pk=ticket.pk)


def _wrong_state(ticket: Ticket) -> ActionError:
    return ActionError("wrong_state", _("This cannot be done while the ticket is “%(status)s”.")
                       % {"status": ticket.get_status_display()},
                       {"field": "status", "status": ticket.status}, status=409)


# --- checking the input --------------------------------------------------------------------

# 11-digit mobile numbers, or landlines with their area code (0 + 2–3 digits, then 7–8 digits).
MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")
PHONE_NOISE = re.compile(r"[\s\-()（）]")
TITLE_FROM_CONTENT = 30
STRING_LIMIT = 200


def clean_choice(raw: Any, values: Iterable[str], field: str, message: str) -> str:
    value = str(raw or "").strip()
    if value not in values:
        raise ActionError(f"{field}_invalid", message, {"field": field})
    return value


def clean_phone(raw: Any, *, strict: bool = True) -> str:
    """The number as digits only (so its blind index does not depend on how it was typed), or
    "" when none is given; refuses a malformed number (answers "" instead when not strict)."""
    text = PHONE_NOISE.sub("", str(raw or ""))
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if not text or MOBILE.fullmatch(text) or LANDLINE.fullmatch(text):
        return text
    if not strict:
        return ""
    raise ActionError("phone_invalid", _("Give an 11-digit mobile number or a landline number "
                                         "with its area code."), {"field": "caller_phone"})


def _coordinate(raw: Any, field: str, bound: int) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not -bound <= value <= bound:
        raise ActionError(f"{field}_invalid", _("The coordinate is out of range."),
                          {"field": field})
    return value.quantize(Decimal("0.000001"))


def clean_coordinates(latitude: Any, longitude: Any) -> tuple[Decimal | None, Decimal | None]:
    lat, lon = _coordinate(latitude, "latitude", 90), _coordinate(longitude, "longitude", 180)
    if (lat is None) != (lon is None):
        missing = "latitude" if lat is None else "longitude"
        raise ActionError(f"{missing}_required", _("Give both latitude and longitude, or neither."),
                          {"field": missing})
    return lat, lon


def resolve_category(raw: Category | str | None, *, required: bool = False) -> Category | None:
    """A Category, its code, or nothing; an unknown or retired category is refused."""
    if raw in (None, ""):
        if required:
            raise ActionError("category_required", _("Choose a category."),
                              {"field": "category"})
        return None
    if isinstance(raw, Category):
        found: Category | None = raw if raw.is_active else None
    else:
        found = Category.objects.filter(code=str(raw).strip(), is_active=True).first()
    if found is None:
        raise ActionError("category_invalid", _("Unknown category."), {"field": "category"})
    return found


def title_from(content: str) -> str:
    """A title for a request that came without one (Open311 has only a description)."""
    first = content.strip().splitlines()[0] if content.strip() else ""
    return first[:TITLE_FROM_CONTENT]


def _attribute_error(code: str, message: str, attribute: str) -> ActionError:
    return ActionError(code, message, {"field": "attributes", "attribute": attribute})


def _number(raw: Any, attribute: str) -> int | float:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise _attribute_error("attribute_invalid", _("“%(code)s” must be a number.")
                               % {"code": attribute}, attribute)
    return int(value) if value == value.to_integral_value() else float(value)


def _datetime(raw: Any, attribute: str) -> str:
    moment = raw if isinstance(raw, dt.datetime) else parse_datetime(str(raw).strip())
    if moment is None:
        raise _attribute_error("attribute_invalid", _("“%(code)s” must be a date and time.")
                               % {"code": attribute}, attribute)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=deadlines.LOCAL)
    return moment.isoformat()


def _listed(raw: Any, definition: dict[str, Any]) -> str | list[str]:
    keys = {value["key"] for value in definition.get("values", [])}
    code = definition["code"]
    many = definition["datatype"] == AttributeType.MULTI
    chosen = [str(v).strip() for v in (raw if isinstance(raw, list | tuple) else
                                       (str(raw).split(",") if many else [raw]))]
    if not chosen or any(v not in keys for v in chosen) or (not many and len(chosen) != 1):
        raise _attribute_error("attribute_invalid", _("“%(code)s” must be one of: %(keys)s.")
                               % {"code": code, "keys": ", ".join(sorted(keys))}, code)
    return list(dict.fromkeys(chosen)) if many else chosen[0]


def _attribute_value(definition: dict[str, Any], raw: Any) -> Any:
    code, datatype = definition["code"], definition["datatype"]
    if datatype == AttributeType.NUMBER:
        return _number(raw, code)
    if datatype == AttributeType.DATETIME:
        return _datetime(raw, code)
    if datatype in (AttributeType.SINGLE, AttributeType.MULTI):
        return _listed(raw, definition)
    limit = CONTENT_LIMIT if datatype == AttributeType.TEXT else STRING_LIMIT
    text = str(raw).strip()
    if len(text) > limit:
        raise _attribute_error("attribute_too_long", _("At most %(limit)d characters.")
                               % {"limit": limit}, code)
    return text


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple) and not value)


def clean_attributes(category: Category | None, raw: Any) -> dict[str, Any]:
    """Answers to the category's extra questions (Open311 attributes), checked against their
    definitions: no unknown question, every required one answered, each value of its type."""
    answers = raw or {}
    if not isinstance(answers, dict):
        raise ActionError("attributes_invalid", _("The extra answers are not readable."),
                          {"field": "attributes"})
    definitions = {d["code"]: d for d in (category.attributes if category else [])}
    for code in answers:
        if code not in definitions:
            raise _attribute_error("attribute_unknown", _("“%(code)s” is not asked for here.")
                                   % {"code": code}, str(code))
    cleaned = {}
    for code, definition in definitions.items():
        value = answers.get(code)
        if isinstance(value, str):
            value = value.strip()
        if _blank(value):
            if definition.get("required"):
                raise _attribute_error("attribute_required", _("“%(code)s” must be answered.")
                                       % {"code": code}, code)
            continue
        cleaned[code] = _attribute_value(definition, value)
    return cleaned


# --- what the classifier and the gazetteer say (never a reason to refuse a ticket) ---------


def _suggest(text: str) -> tuple[Category | None, float | None]:
    try:
        from jingchu.hotline import classify

        suggestions = classify.suggest(text, top=1)
    except Exception:  # a broken model must not stop a citizen's request from being filed
        logger.exception("hotline classifier failed")
        return None, None
    if not suggestions:
        return None, None
    best = suggestions[0]
    category = Category.objects.filter(code=best.code, is_active=True).first()
    return (category, float(best.score)) if category is not None else (None, None)


def _match_region(address: str, within: Region | None) -> Region | None:
    if not address:
        return None
    try:
        from jingchu.hotline import geo

        found = geo.match_region(address, within) if within is not None else None
        return found or geo.match_region(address)
    except Exception:  # an unmatched address is a ticket without a region, not a refusal
        logger.exception("hotline address matching failed")
        return None


# --- who files, for whom, at which centre ---------------------------------------------------


def _check_channel(actor: Any, channel: Any) -> str:
    value = clean_choice(channel, Channel.values, "channel", _("Unknown channel."))
    if value == Channel.PHONE and not permissions.can_use_operator_desk(actor):
        raise NotPermitted(_("Only an operator of a hotline centre may file a phone call."),
                           {"field": "channel"})
    return value


def _given_centre(actor: Any, centre: Centre | None) -> Centre | None:
    """The centre named by the caller of the action, else the operator's own (the deepest)."""
    mine = permissions.centre_ids(actor)
    if centre is not None:
        if mine and centre.pk not in mine and not getattr(actor, "is_superuser", False):
            raise NotPermitted(_("You may not file tickets for another centre."),
                               {"field": "centre"})
        return centre
    own = list(Centre.objects.filter(pk__in=mine).select_related("region"))
    return max(own, key=lambda c: len(c.region.path), default=None)


def _centre_for(region: Region | None) -> Centre:
    """The deepest centre serving the region, else the province's (the shallowest)."""
    centres = list(Centre.objects.select_related("region", "organization"))
    chain = set(region_chain(region))
    serving = [c for c in centres if c.region.code in chain]
    if serving:
        return max(serving, key=lambda c: len(c.region.path))
    if not centres:
        raise ActionError("no_centre", _("No hotline centre is set up."), {"field": "centre"},
                          status=409)
    return min(centres, key=lambda c: len(c.region.path))


def _person(actor: Any, channel: str, person: Person | None, phone: str) -> Person | None:
    own = permissions.person_id(actor)
    if person is not None:
        if person.pk != own and not permissions.can_use_operator_desk(actor):
            raise NotPermitted(_("Only an operator may link a ticket to a person."),
                               {"field": "person"})
        return person
    if own is not None:
        return Person.objects.get(pk=own)
    if channel == Channel.PHONE and phone:
        # A repeat caller is recognised only when the number names one person for certain.
        matches = list(Person.objects.filter(phone_index=blind_index(phone))[:2])
        return matches[0] if len(matches) == 1 else None
    return None


def _reported_org(kind: str, org: Organization | None) -> Organization | None:
    if org is not None and kind not in (TicketKind.COMPLAINT, TicketKind.REPORT):
        raise ActionError("reported_org_invalid",
                          _("Only a complaint or a report can be about an organization."),
                          {"field": "reported_org"})
    return org


def _reported_entity(kind: str, entity: LegalEntity | None) -> LegalEntity | None:
    """The enterprise a complaint or report is about (supervision's credit rules count it)."""
    if entity is None:
        return None
    if kind not in (TicketKind.COMPLAINT, TicketKind.REPORT):
        raise ActionError("reported_entity_invalid",
                          _("Only a complaint or a report can be about an enterprise."),
                          {"field": "reported_entity"})
    if entity.pk is None:
        raise ActionError("reported_entity_unknown",
                          _("No registered legal entity has this credit code."),
                          {"field": "reported_entity"})
    return entity


def entity_by_uscc(raw: Any, field: str = "reported_entity_uscc") -> LegalEntity | None:
    """The registered legal entity with the unified social credit code typed on a form or sent
    to the API; None when blank. A malformed or unknown code is refused, naming `field`."""
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        code = validate_uscc(text)
    except IdentifierError as exc:
        raise ActionError(exc.code, exc.message, {"field": field}) from None
    found = LegalEntity.objects.filter(uscc=code).first()
    if found is None:
        raise ActionError("reported_entity_unknown",
                          _("No registered legal entity has this credit code."),
                          {"field": field})
    return found


# --- filing ----------------------------------------------------------------------------------


def _clean_input(actor: Any, raw: dict[str, Any]) -> dict[str, Any]:
    """Every field of do_file_ticket checked, in the order a form shows them."""
    channel = _check_channel(actor, raw["channel"])
    kind = clean_choice(raw["kind"], TicketKind.values, "kind", _("Unknown kind of request."))
    content = clean_text(raw["content"], "content", required=True, limit=CONTENT_LIMIT)
    title = clean_text(raw["title"], "title", limit=TITLE_LIMIT) or title_from(content)
    category = resolve_category(raw["category"])
    latitude, longitude = clean_coordinates(raw["latitude"], raw["longitude"])
    return {
        "channel": channel, "kind": kind, "title": title, "content": content,
        "urgency": clean_choice(raw["urgency"], Urgency.values, "urgency",
                                _("Unknown urgency.")),
        "address": clean_text(raw["address"], "address", limit=ADDRESS_LIMIT),
        "latitude": latitude, "longitude": longitude,
        "caller_name": clean_text(raw["caller_name"], "caller_name", limit=NAME_LIMIT),
        "caller_phone": clean_phone(raw["caller_phone"]),
        "category": category,
        "attributes": clean_attributes(category, raw["attributes"]),
        "reported_org": _reported_org(kind, raw["reported_org"]),
        "reported_entity": _reported_entity(kind, raw["reported_entity"]),
        "files": storage.check_files(raw["files"]),
    }


def _fill_caller(data: dict[str, Any], person: Person | None) -> None:
    if person is None:
        return
    data["caller_name"] = data["caller_name"] or person.name
    data["caller_phone"] = data["caller_phone"] or clean_phone(person.phone, strict=False)


def _new_ticket(actor: Any, data: dict[str, Any], centre: Centre, region: Region | None,
                person: Person | None) -> Ticket:
    suggested, score = _suggest(f"{data['title']}\n{data['content']}")
    now = timezone.now()
    phone = data["caller_phone"]
    return Ticket.objects.create(
        number=numbering.next_number(centre.region.code, deadlines.local_date(now)),
        centre=centre, channel=data["channel"], kind=data["kind"], urgency=data["urgency"],
        title=data["title"], content=data["content"], attributes=data["attributes"],
        category=data["category"], suggested_category=suggested, suggested_score=score,
        address=data["address"], region=region, latitude=data["latitude"],
        longitude=data["longitude"], person=person, caller_name=data["caller_name"],
        caller_phone=phone, caller_phone_index=blind_index(phone) if phone else "",
        reported_org=data["reported_org"], reported_entity=data["reported_entity"],
        received_by=user_or_none(actor), created_at=now)


def _learn(actor: Any, ticket: Ticket) -> bool:
    """An operator's category that differs from the suggestion becomes a training example (one
    per ticket: a second correction replaces the first; agreeing with the model removes it)."""
    if not permissions.can_use_operator_desk(actor):
        return False
    existing = TrainingExample.objects.filter(ticket=ticket, source=TrainingSource.CORRECTION)
    category = ticket.category
    if category is None or category.pk == ticket.suggested_category_id:
        existing.delete()
        return False
    text = f"{ticket.title}\n{ticket.content}"
    if not existing.update(category=category, text=text):
        TrainingExample.objects.create(text=text, category=category,
                                       source=TrainingSource.CORRECTION, ticket=ticket,
                                       created_by=user_or_none(actor))
    return True


def _store_files(ticket: Ticket, files: list[storage.CheckedFile]) -> None:
    """Write the files, then their rows; on any failure delete what was written (the rows roll
    back with the transaction)."""
    backend = storage.backend()
    saved: list[str] = []
    try:
        for item in files:
            uid = uuid.uuid4()
            key = backend.save(storage.new_key(str(ticket.uid), str(uid), item.extension),
                               item.upload)
            saved.append(key)
            TicketAttachment.objects.create(
                uid=uid, ticket=ticket, name=item.name, content_type=item.content_type,
                size=item.size, file=key, sha256=item.sha256)
    except BaseException:
        for key in saved:
            backend.delete(key)
        raise


@transaction.atomic
def do_file_ticket(actor: Any, *, channel: str, kind: str, title: str = "", content: str,
                   urgency: str = Urgency.NORMAL, address: str = "", latitude: Any = None,
                   longitude: Any = None, caller_name: str = "", caller_phone: str = "",
                   person: Person | None = None, category: Category | str | None = None,
                   reported_org: Organization | None = None,
                   reported_entity: LegalEntity | None = None,
                   attributes: dict[str, Any] | None = None, centre: Centre | None = None,
                   files: Iterable[Any] = (), actor_label: str = "") -> Ticket:
    """受理: record a request from any channel; it waits at the centre to be dispatched. A
    complaint or report may name the enterprise it is about (`reported_entity`)."""
    data = _clean_input(actor, {
        "channel": channel, "kind": kind, "title": title, "content": content,
        "urgency": urgency, "address": address, "latitude": latitude, "longitude": longitude,
        "caller_name": caller_name, "caller_phone": caller_phone, "category": category,
        "reported_org": reported_org, "reported_entity": reported_entity,
        "attributes": attributes, "files": files})
    linked = _person(actor, data["channel"], person, data["caller_phone"])
    _fill_caller(data, linked)
    chosen_centre = _given_centre(actor, centre)
    region = _match_region(data["address"], chosen_centre.region if chosen_centre else None)
    target = chosen_centre or _centre_for(region)
    ticket = _new_ticket(actor, data, target, region, linked)
    learned = _learn(actor, ticket)
    details = {"channel": ticket.channel, "kind": ticket.kind, "urgency": ticket.urgency,
               "centre": str(target.uid), "region": region.code if region else None,
               "category": ticket.category.code if ticket.category else None,
               "suggested": (ticket.suggested_category.code if ticket.suggested_category
                             else None),
               "person_linked": linked is not None, "attachments": len(data["files"]),
               "reported_entity": (ticket.reported_entity.uscc if ticket.reported_entity
                                   else None),
               "correction": learned}
    add_event(ticket, actor, "received", organization=target.organization,
              details={"channel": ticket.channel, "by": actor_label} if actor_label
              else {"channel": ticket.channel})
    audit.record("hotline.ticket.file", actor, ticket, details, actor_label=actor_label)
    _store_files(ticket, data["files"])
    return ticket


# --- after filing ----------------------------------------------------------------------------


@transaction.atomic
def do_set_category(actor: Any, ticket: Ticket, category: Category | str) -> Ticket:
    """The operator confirms or corrects the category of a ticket still at the centre."""
    ticket = lock(ticket)
    if not permissions.can_dispatch(actor, ticket):
        raise NotPermitted(_("Only an operator of the centre may classify this ticket."))
    if ticket.status not in (TicketStatus.RECEIVED, TicketStatus.RETURNED):
        raise _wrong_state(ticket)
    chosen = resolve_category(category, required=True)
    if chosen is None or chosen.pk == ticket.category_id:
        return ticket
    previous = ticket.category.code if ticket.category else None
    ticket.category = chosen
    ticket.save(update_fields=["category"])
    learned = _learn(actor, ticket)
    details = {"from": previous, "to": chosen.code, "correction": learned}
    add_event(ticket, actor, "categorized", details=details)
    audit.record("hotline.ticket.categorize", actor, ticket, details)
    return ticket


def _check_merge(actor: Any, ticket: Ticket, into: Ticket) -> None:
    if not permissions.can_dispatch(actor, ticket):
        raise NotPermitted(_("Only an operator of the centre may merge this ticket."))
    if ticket.pk == into.pk:
        raise ActionError("merge_self", _("A ticket cannot be merged into itself."),
                          {"field": "into"})
    if into.centre_id != ticket.centre_id:
        raise ActionError("merge_other_centre",
                          _("Only tickets of the same centre can be merged."), {"field": "into"})
    if ticket.status not in OPEN_STATUSES:
        raise _wrong_state(ticket)
    if into.status not in OPEN_STATUSES or into.merged_into_id is not None:
        raise ActionError("merge_target_closed",
                          _("Tickets can only be merged into an open ticket."),
                          {"field": "into", "status": into.status}, status=409)


@transaction.atomic
def do_merge_ticket(actor: Any, ticket: Ticket, into: Ticket) -> Ticket:
    """并单: a duplicate follows `into`, whose reply and closure reach both callers."""
    first, second = sorted([ticket.pk, into.pk])
    # Lock both rows in a fixed order, so two operators merging crosswise cannot deadlock.
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second])
              .order_by("pk")}
    ticket, into = locked[ticket.pk], locked.get(into.pk, into)
    _check_merge(actor, ticket, into)
    previous = ticket.status
    ticket.status, ticket.merged_into = TicketStatus.MERGED, into
    ticket.save(update_fields=["status", "merged_into"])
    details = {"into": into.number, "status_before": previous}
    add_event(ticket, actor, "merged", organization=ticket.organization, details=details)
    add_event(into, actor, "merged_in", details={"ticket": ticket.number})
    audit.record("hotline.ticket.merge", actor, ticket, details)
    return ticket


@transaction.atomic
def do_set_reported_entity(actor: Any, ticket: Ticket, entity: LegalEntity | None) -> Ticket:
    """The operator names (or clears, with None) the enterprise a complaint or report is about;
    supervision's credit rules count complaints by it (jingchu.hotline.stats.complaints_about)."""
    ticket = lock(ticket)
    if not permissions.can_dispatch(actor, ticket):
        raise NotPermitted(_("Only an operator of the centre may say whom a ticket is about."),
                           {"field": "reported_entity"})
    chosen = _reported_entity(ticket.kind, entity)
    new_id = chosen.pk if chosen is not None else None
    if new_id == ticket.reported_entity_id:
        return ticket
    previous = ticket.reported_entity.uscc if ticket.reported_entity else None
    ticket.reported_entity = chosen
    ticket.save(update_fields=["reported_entity"])
    details = {"from": previous, "to": chosen.uscc if chosen else None}
    add_event(ticket, actor, "reported_entity_set",
              note=f"{chosen.name} ({chosen.uscc})" if chosen else "", details=details)
    audit.record("hotline.ticket.reported_entity", actor, ticket, details)
    return ticket


@transaction.atomic
def do_link_person(actor: Any, ticket: Ticket, person: Person) -> Ticket:
    """The operator links the caller to a registered person, who may then follow and rate the
    ticket online; a blank caller name or phone is taken from the person."""
    ticket = lock(ticket)
    if not permissions.can_dispatch(actor, ticket):
        raise NotPermitted(_("Only an operator of the centre may link the caller."),
                           {"field": "person"})
    if person is None or person.pk is None:
        raise ActionError("person_required", _("Choose the person to link."),
                          {"field": "person"})
    ticket.person = person
    ticket.caller_name = ticket.caller_name or person.name
    if not ticket.caller_phone and person.phone:
        ticket.caller_phone = clean_phone(person.phone, strict=False)
        ticket.caller_phone_index = blind_index(ticket.caller_phone)
    ticket.save(update_fields=["person", "caller_name", "caller_phone", "caller_phone_index"])
    add_event(ticket, actor, "person_linked")
    audit.record("hotline.ticket.link_person", actor, ticket, {"person": str(person.uid)})
    return ticket


@transaction.atomic
def do_open_attachment(actor: Any, attachment: TicketAttachment) -> IO[bytes]:
    """Open an attachment for someone who may view its ticket; a read by anyone but the caller
    is audited (the file may show the caller)."""
    ticket = attachment.ticket
    if not permissions.can_view_ticket(actor, ticket):
        raise NotPermitted(_("You may not see this file."))
    if not permissions.is_caller(actor, ticket):
        audit.record("hotline.attachment.read", actor, ticket,
                     {"attachment": str(attachment.uid)})
    try:
        return storage.backend().open(attachment.file)
    except FileNotFoundError:
        raise ActionError("no_file", _("The file is missing."), status=404) from None
