"""Fixtures of the lake tests. Shared by every part of the lake: add, never remove.

`lake_world`: the demo organizations; data stewards at 省公安厅 ("gat"), 省人社厅 ("rst") and
省大数据中心 ("dsj", province level beside the platform administrator "admin" at 省政务办); an
outsider (a reviewer without the steward role at 武汉市市场监管局) and a citizen.

`put_dataset(owner, code, rows, columns=...)` makes a dataset with one version holding `rows`
directly (a Parquet file written with pyarrow and its records), for tests of the parts that read
the lake without going through a load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jingchu.core.identifiers import make_id_number
from jingchu.identity import actions as identity_actions
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import User
from jingchu.lake import storage
from jingchu.lake.choices import SourceKind
from jingchu.lake.models import Dataset, DatasetVersion

PASSWORD = "Lake@2026-test"


def make_user(username: str, org: Any = None, *roles: str) -> User:
    staff = identity_actions.do_create_staff(None, username=username, password=PASSWORD,
                                             name=username)
    for role in roles:
        identity_actions.do_assign_role(None, staff=staff, organization=org, role=role)
    return staff.user


@pytest.fixture
def lake_world(demo_orgs: dict[str, Any]) -> dict[str, Any]:
    orgs = demo_orgs
    users: dict[str, Any] = {
        "gat": make_user("lk_gat", orgs["hb-gat"], StaffRole.DATA_STEWARD),
        "rst": make_user("lk_rst", orgs["hb-rst"], StaffRole.DATA_STEWARD),
        "dsj": make_user("lk_dsj", orgs["hb-dsj"], StaffRole.DATA_STEWARD),
        "admin": make_user("lk_admin", orgs["hb-zwb"], StaffRole.ADMINISTRATOR),
        "outsider": make_user("lk_outsider", orgs["wh-scjg"], StaffRole.REVIEWER),
    }
    users["citizen"] = identity_actions.do_register_person(
        None, name="测试", id_number=make_id_number("420102", dt.date(1990, 1, 2), 7, True),
        phone="13800000001", address="武汉市", username="citizen_lk", password=PASSWORD).user
    return {"orgs": orgs, "users": users}


def _arrow_table(rows: list[dict[str, Any]], columns: list[dict[str, Any]]) -> pa.Table:
    types = {"string": pa.string(), "integer": pa.int64(), "decimal": pa.float64(),
             "date": pa.date32(), "datetime": pa.timestamp("us"), "boolean": pa.bool_()}
    schema = pa.schema([(c["name"], types[c.get("type", "string")]) for c in columns])
    return pa.Table.from_pylist(rows, schema=schema)


@pytest.fixture
def put_dataset() -> Callable[..., Dataset]:
    def put(owner: Any, code: str, rows: list[dict[str, Any]],
            columns: list[dict[str, Any]] | None = None, **fields: Any) -> Dataset:
        columns = columns or [{"name": name, "type": "string"} for name in rows[0]]
        dataset = Dataset.objects.filter(code=code).first() or Dataset.objects.create(
            code=code, name=fields.pop("name", code), owner=owner, columns=columns, **fields)
        number = dataset.versions.count() + 1
        relative = storage.version_path(code, number)
        path = storage.absolute(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(_arrow_table(rows, columns), path)
        version = DatasetVersion.objects.create(
            dataset=dataset, number=number, path=relative, row_count=len(rows),
            byte_size=path.stat().st_size,
            schema=[{"name": c["name"], "type": c.get("type", "string")} for c in columns],
            checksum=hashlib.sha256(path.read_bytes()).hexdigest(),
            source_kind=SourceKind.PARQUET, source_name="fixture")
        dataset.current_version = version
        dataset.save(update_fields=["current_version"])
        return dataset

    return put
