from __future__ import annotations

from ninja import Schema


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    is_statistical: bool


class OrganizationOut(Schema):
    uid: str
    name: str
    uscc: str
    kind: str
    region_code: str
    parent_uid: str | None
