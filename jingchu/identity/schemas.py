from __future__ import annotations

from ninja import Schema


class EntityOut(Schema):
    uscc: str
    name: str
    basis: str


class MeOut(Schema):
    uid: str
    username: str
    kind: str
    name: str
    id_number_masked: str | None
    assurance_level: int
    entities: list[EntityOut]
