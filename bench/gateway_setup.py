"""Django-side set-up of the gateway benchmark (run by bench/gateway_lookup.py).

`setup OUT_DIR`: a published, table-mounted population resource, an active grant to
武汉市公安局 that returns address and phone masked, a civil servant there, a gateway client with
a client-credentials token from the platform's identity provider, and KEYS random citizen ID
numbers from the base (decrypted) with their blind indexes for the PostgreSQL anchor.
Writes setup.json, keys.txt and anchor_keys.csv into OUT_DIR.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

import django

KEYS = 20_000
CODE = "BENCH-POPULATION"
CLIENT = "BENCH-WH-GAJ"
OFFICER = "bench_officer"
FIELDS = ["id_number", "name", "gender", "birth_date", "ethnicity", "region_code", "address",
          "phone", "marital_status", "education"]
PASSWORD = "Bench@2026-only"  # noqa: S105 - a throw-away account of the benchmark database
MASKS = {"id_number": "id_number", "address": "address", "phone": "phone", "name": "name"}


def _resource(owner: object) -> object:
    from jingchu.sharing.models import DataResource, ResourceField

    resource, made = DataResource.objects.get_or_create(code=CODE, defaults={
        "name": "人口基础信息（基准测试）", "owner": owner, "share_type": "conditional",
        "legal_basis": "《居民身份证法》", "mount_kind": "table", "mount_target": "population",
        "key_field": "id_number", "subject_kind": "person", "status": "published"})
    if made:
        for position, name in enumerate(FIELDS):
            ResourceField.objects.create(resource=resource, name=name, label=name,
                                         mask=MASKS.get(name, ""), position=position)
    return resource


def _staff(username: str, org: object, role: str) -> object:
    from jingchu.identity import actions
    from jingchu.identity.models import User

    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    staff = actions.do_create_staff(None, username=username, password=PASSWORD, name=username)
    actions.do_assign_role(None, staff=staff, organization=org, role=role)
    return staff.user


def _token(client_id: str, secret: str) -> str:
    from django.test import Client

    from jingchu.sharing.demo_exchange import token_for

    token = token_for(Client(), client_id, secret)
    if not token:
        raise SystemExit("the token endpoint refused the benchmark's client")
    return token


def _keys(out: Path) -> None:
    from django.db import connection

    from jingchu.core import crypto

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM sharing_personrecord")
        top = int(cursor.fetchone()[0])
        picks = random.Random(2026).sample(range(1, top + 1), min(KEYS, top))
        cursor.execute("SELECT id_number, id_number_index FROM sharing_personrecord "
                       "WHERE id = ANY(%s)", [picks])
        rows = cursor.fetchall()
    (out / "keys.txt").write_text("".join(crypto.decrypt(r[0]) + "\n" for r in rows))
    (out / "anchor_keys.csv").write_text("".join(f"{n},{r[1]}\n" for n, r in
                                                 enumerate(rows, 1)))


def setup(out: Path) -> None:
    from django.utils import timezone

    from jingchu.core.models import Organization
    from jingchu.identity.choices import StaffRole
    from jingchu.sharing.actions.exchange import (
        do_register_gateway_client,
        do_rotate_gateway_secret,
    )
    from jingchu.sharing.models import GatewayClient, Grant

    owner = Organization.objects.get(name="湖北省公安厅")
    consumer = Organization.objects.get(name="武汉市公安局")
    resource = _resource(owner)
    today = timezone.localdate()
    Grant.objects.get_or_create(consumer=consumer, resource=resource, defaults={
        "fields": FIELDS, "masked_fields": ["id_number", "address", "phone"],
        "valid_from": today - dt.timedelta(days=1), "valid_until": today + dt.timedelta(days=30),
        "rate_limit": 10_000_000, "purpose": "benchmark"})
    admin = _staff("bench_admin", Organization.objects.get(name__contains="政务服务和大数据管理局",
                                                           parent__isnull=True),
                   StaffRole.ADMINISTRATOR)
    _staff(OFFICER, consumer, StaffRole.REVIEWER)
    client = GatewayClient.objects.filter(code=CLIENT).first()
    if client is None:
        client, secret = do_register_gateway_client(admin, code=CLIENT, name="基准测试",
                                                    organization=consumer)
    else:
        secret = do_rotate_gateway_secret(admin, client.uid)
    token = _token(client.application.client_id, secret)
    _keys(out)
    (out / "setup.json").write_text(json.dumps(
        {"token": token, "client": CLIENT, "user": OFFICER, "resource": CODE}))


if __name__ == "__main__":
    django.setup()
    setup(Path(sys.argv[1]))
