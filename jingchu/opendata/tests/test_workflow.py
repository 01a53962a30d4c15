"""The publishing workflow: the happy path, what publication writes, and every refusal."""

from __future__ import annotations

import json
from typing import Any

import pyarrow.parquet as pq
import pytest

from jingchu.core.errors import ActionError
from jingchu.core.models import AuditEvent
from jingchu.lake import storage
from jingchu.ledger.models import Entry
from jingchu.opendata import actions
from jingchu.opendata.choices import OpenStatus
from jingchu.opendata.models import OpenDataset
from jingchu.opendata.tests.conftest import draft_data, rows

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_smoke]


def _refused(code: str, status: int, step: Any) -> ActionError:
    with pytest.raises(ActionError) as caught:
        step()
    assert (caught.value.code, caught.value.status) == (code, status), caught.value.as_dict()
    return caught.value


def test_happy_path_publishes_public_columns_only(lake_world: dict[str, Any],
                                                  si_dataset: Any) -> None:
    users = lake_world["users"]
    ds = actions.do_create_open_dataset(users["rst"], si_dataset, draft_data())
    assert ds.status == OpenStatus.DRAFT and ds.owner == si_dataset.owner
    assert sorted(ds.tag_names) == ["社保", "统计"] and ds.topic_values == ["society"]
    assert [f["label"] for f in ds.fields][:2] == ["单位编码", "区"]
    actions.do_submit_open_dataset(users["rst"], ds)
    ds.refresh_from_db()
    assert ds.status == OpenStatus.SUBMITTED and ds.version == si_dataset.current_version
    ds = actions.do_approve_open_dataset(users["dsj"], ds, "同意")
    assert ds.status == OpenStatus.PUBLISHED and ds.reviewed_by == users["dsj"]
    assert ds.file_path == "opendata/si-units/v1.parquet" and ds.row_count == 12
    table = pq.read_table(storage.absolute(ds.file_path))
    assert table.column_names == ["unit_code", "district", "staff", "paid", "reported_on"]
    assert "contact_phone" not in table.column_names
    assert len(ds.checksum) == 64
    stats = ds.details["stats"]
    assert set(stats) == {"staff", "paid"}
    assert stats["staff"]["min"] == 10 and stats["staff"]["max"] == 120
    assert sum(b["count"] for b in stats["staff"]["histogram"]) == 12
    entry = Entry.objects.get(kind="opendata.published")
    payload = json.loads(entry.payload)
    assert payload["dataset"] == "si-units" and payload["sm3"] == ds.checksum
    assert payload["publisher_uscc"] == ds.owner.uscc and payload["version"] == 1
    actions_seen = set(AuditEvent.objects.filter(object_id=str(ds.uid))
                       .values_list("action", flat=True))
    assert {"opendata.dataset.create", "opendata.dataset.submit",
            "opendata.dataset.approve"} <= actions_seen


def test_self_approval_is_refused(lake_world: dict[str, Any], put_dataset: Any) -> None:
    users = lake_world["users"]
    source = put_dataset(lake_world["orgs"]["hb-dsj"], "hb-dsj/counts",
                         [{"k": "a", "n": 1}], columns=[{"name": "k", "type": "string"},
                                                        {"name": "n", "type": "integer"}])
    ds = actions.do_create_open_dataset(users["dsj"], source, draft_data(
        name="counts", fields=["k", "n"]))
    actions.do_submit_open_dataset(users["dsj"], ds)
    _refused("self_approval", 403, lambda: actions.do_approve_open_dataset(users["dsj"], ds))
    _refused("self_approval", 403,
             lambda: actions.do_return_open_dataset(users["dsj"], ds, "不行"))
    ds.refresh_from_db()
    assert ds.status == OpenStatus.SUBMITTED
    # Another province-level steward (the platform administrator) may.
    assert actions.do_approve_open_dataset(users["admin"], ds).status == OpenStatus.PUBLISHED


def test_owner_steward_is_not_a_reviewer(lake_world: dict[str, Any], si_dataset: Any) -> None:
    users = lake_world["users"]
    ds = actions.do_create_open_dataset(users["rst"], si_dataset, draft_data())
    actions.do_submit_open_dataset(users["rst"], ds)
    for who in ("gat", "outsider", "citizen"):
        _refused("permission_denied", 403,
                 lambda who=who: actions.do_approve_open_dataset(users[who], ds))


def test_wrong_state_transitions(lake_world: dict[str, Any], si_dataset: Any) -> None:
    users = lake_world["users"]
    ds = actions.do_create_open_dataset(users["rst"], si_dataset, draft_data())
    _refused("wrong_state", 409, lambda: actions.do_approve_open_dataset(users["dsj"], ds))
    _refused("wrong_state", 409,
             lambda: actions.do_withdraw_open_dataset(users["rst"], ds, "撤回"))
    _refused("wrong_state", 409, lambda: actions.do_refresh_open_dataset(users["rst"], ds))
    actions.do_submit_open_dataset(users["rst"], ds)
    _refused("wrong_state", 409, lambda: actions.do_submit_open_dataset(users["rst"], ds))
    _refused("wrong_state", 409,
             lambda: actions.do_update_open_dataset(users["rst"], ds, {"title": "新"}))
    actions.do_approve_open_dataset(users["dsj"], ds)
    _refused("wrong_state", 409, lambda: actions.do_approve_open_dataset(users["admin"], ds))
    _refused("wrong_state", 409, lambda: actions.do_reopen_open_dataset(users["rst"], ds))
    _refused("up_to_date", 409, lambda: actions.do_refresh_open_dataset(users["rst"], ds))


def test_return_then_edit_and_resubmit(lake_world: dict[str, Any], si_dataset: Any) -> None:
    users = lake_world["users"]
    ds = actions.do_create_open_dataset(users["rst"], si_dataset, draft_data())
    actions.do_submit_open_dataset(users["rst"], ds)
    _refused("reason_required", 400, lambda: actions.do_return_open_dataset(users["dsj"], ds,
                                                                            " "))
    ds = actions.do_return_open_dataset(users["dsj"], ds, "请补充字段说明")
    assert ds.status == OpenStatus.RETURNED and ds.review_note == "请补充字段说明"
    ds = actions.do_update_open_dataset(users["rst"], ds, {"notes": "补充后的说明"})
    assert ds.notes == "补充后的说明" and ds.title == "参保单位统计"
    actions.do_submit_open_dataset(users["rst"], ds)
    assert actions.do_approve_open_dataset(users["dsj"], ds).is_published


def test_withdraw_removes_files_and_reopen(lake_world: dict[str, Any], published: OpenDataset,
                                           django_capture_on_commit_callbacks: Any) -> None:
    users = lake_world["users"]
    path = storage.absolute(published.file_path)
    assert path.exists()
    _refused("reason_required", 400,
             lambda: actions.do_withdraw_open_dataset(users["rst"], published, ""))
    _refused("permission_denied", 403,
             lambda: actions.do_withdraw_open_dataset(users["gat"], published, "x"))
    with django_capture_on_commit_callbacks(execute=True):
        ds = actions.do_withdraw_open_dataset(users["dsj"], published, "数据有误")
    assert ds.status == OpenStatus.WITHDRAWN and not path.exists()
    assert Entry.objects.filter(kind="opendata.withdrawn").count() == 1
    ds = actions.do_reopen_open_dataset(users["rst"], ds)
    assert ds.status == OpenStatus.DRAFT
    _refused("name_fixed", 409,
             lambda: actions.do_update_open_dataset(users["rst"], ds, {"name": "renamed"}))


def test_refresh_publishes_the_newer_version(lake_world: dict[str, Any], published: OpenDataset,
                                             put_dataset: Any) -> None:
    from jingchu.opendata.tests.conftest import COLUMNS

    put_dataset(published.owner, "hb-rst/si-units", rows(20), columns=COLUMNS)
    ds = actions.do_refresh_open_dataset(lake_world["users"]["rst"], published)
    assert ds.version is not None and ds.version.number == 2 and ds.row_count == 20
    assert ds.file_path.endswith("v2.parquet") and ds.status == OpenStatus.PUBLISHED


def test_personal_columns_are_refused(lake_world: dict[str, Any], si_dataset: Any) -> None:
    users = lake_world["users"]
    err = _refused("fields_personal", 400, lambda: actions.do_create_open_dataset(
        users["rst"], si_dataset, draft_data(fields=["district", "contact_phone"])))
    assert err.details["names"] == ["contact_phone"]
    ds = actions.do_create_open_dataset(users["rst"], si_dataset, draft_data())
    _refused("fields_personal", 400, lambda: actions.do_update_open_dataset(
        users["rst"], ds, {"fields": [{"name": "contact_phone", "label": "电话"}]}))
    # A column marked personal after the draft was made is refused at submission.
    si_dataset.columns = [c | {"mask": "name"} if c["name"] == "district" else c
                          for c in si_dataset.columns]
    si_dataset.save()
    _refused("fields_personal", 400, lambda: actions.do_submit_open_dataset(users["rst"], ds))
    assert OpenDataset.objects.get(pk=ds.pk).status == OpenStatus.DRAFT


def test_bad_terms_are_refused(lake_world: dict[str, Any], si_dataset: Any) -> None:
    rst = lake_world["users"]["rst"]
    cases = [
        ({"title": " "}, "title_required"), ({"notes": ""}, "notes_required"),
        ({"licence": "WTFPL"}, "licence_invalid"), ({"name": "Bad Name"}, "name_invalid"),
        ({"fields": []}, "fields_required"), ({"fields": ["nope"]}, "fields_unknown"),
        ({"topics": ["sport"]}, "topics_invalid"),
        ({"update_frequency": "hourly"}, "update_frequency_invalid"),
    ]
    for extra, code in cases:
        _refused(code, 400, lambda extra=extra: actions.do_create_open_dataset(
            rst, si_dataset, draft_data(**extra)))
    actions.do_create_open_dataset(rst, si_dataset, draft_data())
    _refused("name_taken", 409,
             lambda: actions.do_create_open_dataset(rst, si_dataset, draft_data()))
    assert OpenDataset.objects.count() == 1


def test_outsiders_cannot_create(lake_world: dict[str, Any], si_dataset: Any) -> None:
    users = lake_world["users"]
    for who in ("gat", "dsj", "outsider", "citizen"):
        _refused("permission_denied", 403, lambda who=who: actions.do_create_open_dataset(
            users[who], si_dataset, draft_data()))
    from django.contrib.auth.models import AnonymousUser

    _refused("permission_denied", 403, lambda: actions.do_create_open_dataset(
        AnonymousUser(), si_dataset, draft_data()))
    ds = actions.do_create_open_dataset(users["rst"], si_dataset, draft_data())
    for who in ("gat", "dsj", "outsider", "citizen"):
        _refused("permission_denied", 403,
                 lambda who=who: actions.do_submit_open_dataset(users[who], ds))


def test_lake_dataset_without_version(lake_world: dict[str, Any]) -> None:
    from jingchu.lake.models import Dataset

    source = Dataset.objects.create(code="hb-rst/empty", name="空", owner=lake_world["orgs"]
                                    ["hb-rst"], columns=[{"name": "a", "type": "string"}])
    _refused("source_no_version", 409, lambda: actions.do_create_open_dataset(
        lake_world["users"]["rst"], source, draft_data(fields=["a"])))


def test_not_open_catalog_resource(lake_world: dict[str, Any], si_dataset: Any) -> None:
    from jingchu.sharing.models import DataResource

    users = lake_world["users"]
    ds = actions.do_create_open_dataset(users["rst"], si_dataset, draft_data())
    resource = DataResource.objects.create(
        code="HB-RST-SI-001", name="参保单位", owner=si_dataset.owner, share_type="conditional",
        open_type="not_open", mount_kind="lake", mount_target=si_dataset.code)
    err = _refused("source_not_open", 409,
                   lambda: actions.do_submit_open_dataset(users["rst"], ds))
    assert err.details["resources"] == ["HB-RST-SI-001"]
    resource.open_type = "open"
    resource.save()
    actions.do_submit_open_dataset(users["rst"], ds)
    resource.open_type = "not_open"
    resource.save()
    # Checked again at approval: the catalog may have changed during review.
    _refused("source_not_open", 409, lambda: actions.do_approve_open_dataset(users["dsj"], ds))
    assert not storage.absolute("opendata/si-units").exists()


def test_usage_counters(published: OpenDataset) -> None:
    from jingchu.opendata.queries import usage_days, usage_totals

    for kind in ("view", "view", "api", "download_csv", "download_parquet"):
        actions.do_count_usage(published, kind)
    totals = usage_totals(published)
    assert (totals["views"], totals["api_calls"], totals["downloads"]) == (2, 1, 2)
    assert usage_days(published)[-1]["views"] == 2 and len(usage_days(published)) == 30
