"""Builders shared by the registry, entity and demo tests: people and entities via actions."""

from __future__ import annotations

import datetime as dt
import itertools

from jingchu.core.identifiers import make_id_number, make_uscc
from jingchu.core.models import AuditEvent, Region
from jingchu.identity import actions
from jingchu.identity.choices import LegalEntityKind
from jingchu.identity.models import (
    ActingAuthorization,
    LegalEntity,
    Person,
    Staff,
    StaffAssignment,
    User,
)

PASSWORD = "Qingchuan-Ge-2026"
_serial = itertools.count(1)


def new_id_number(region: str = "420106", male: bool = True) -> str:
    n = next(_serial)
    return make_id_number(region, dt.date(1980, 1, 1) + dt.timedelta(days=97 * n), n, male)


def new_uscc() -> str:
    return make_uscc("9", "1", "420102", f"MA{next(_serial):06d}")


def person(name: str, username: str = "", **kwargs: object) -> Person:
    return actions.do_register_person(
        None, name=name, id_number=str(kwargs.pop("id_number", new_id_number())),
        username=username, password=PASSWORD if username else "", **kwargs,  # type: ignore[arg-type]
    )


def entity(representative: Person, name: str = "武汉测试科技有限公司") -> LegalEntity:
    return actions.do_register_legal_entity(
        None, uscc=new_uscc(), name=name, kind=LegalEntityKind.ENTERPRISE,
        region=Region.objects.get(code="420102000000"), legal_representative=representative,
    )


def counts() -> dict[str, int]:
    """Row counts of everything a registry action may write, to prove a refusal wrote nothing."""
    models = (Person, User, AuditEvent, LegalEntity, ActingAuthorization, Staff, StaffAssignment)
    return {m.__name__: m.objects.count() for m in models}


def audited(action: str, obj: object) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(obj.uid)).count()  # type: ignore[attr-defined]
