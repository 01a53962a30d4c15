"""Every state change of the open-data portal: the publishing workflow and the usage counters.

Workflow: create a draft → edit → submit for review (pins the lake dataset's current version)
→ a province-level steward who did not submit it approves (publishes) or returns it with
reasons → published → withdrawn (with a reason) → reopened as a draft. Publication copies the
published columns of the pinned version into the portal's own Parquet file and appends an
entry to the ledger.

Refresh: a published dataset whose lake dataset has a newer version is re-published directly,
without another review, because what the review approved — the published columns, the licence
and the description — is unchanged and the update frequency promised new data; every check
(personal columns, a catalog resource not open, the version) runs again and refuses as at
approval. Changing what is published goes through review: withdraw, reopen, edit, submit.

Each action is atomic and audited and refuses before writing: 400 bad input, 403 not
permitted, 409 wrong state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.lake.models import Dataset, DatasetVersion
from jingchu.ledger import actions as ledger
from jingchu.opendata import permissions, store, validation
from jingchu.opendata.choices import EDITABLE, DownloadFormat, OpenStatus
from jingchu.opendata.models import OpenDataset, OpenDatasetTag, OpenDatasetTopic, OpenDatasetUsage

REASON_MAX = 2000
LEDGER_KIND = "opendata.published"
LEDGER_WITHDRAWN = "opendata.withdrawn"


def _wrong_state(dataset: OpenDataset, doing: str) -> ActionError:
    return ActionError("wrong_state", _("An open dataset in the state “%(state)s” cannot be "
                                        "%(doing)s.") % {"state": dataset.get_status_display(),
                                                         "doing": doing},
                       {"status": dataset.status}, status=409)


def _locked(dataset: OpenDataset) -> OpenDataset:
    return (OpenDataset.objects.select_for_update(of=("self",))
            .select_related("owner", "source").get(pk=dataset.pk))


def _write_labels(dataset: OpenDataset, topics: list[str], tags: list[str]) -> None:
    dataset.topics.exclude(topic__in=topics).delete()
    dataset.tags.exclude(tag__in=tags).delete()
    have_topics, have_tags = set(dataset.topic_values), set(dataset.tag_names)
    OpenDatasetTopic.objects.bulk_create(
        [OpenDatasetTopic(dataset=dataset, topic=t) for t in topics if t not in have_topics])
    OpenDatasetTag.objects.bulk_create(
        [OpenDatasetTag(dataset=dataset, tag=t) for t in tags if t not in have_tags])


@transaction.atomic
def do_create_open_dataset(actor: Any, source: Dataset, data: dict[str, Any]) -> OpenDataset:
    """A draft opening `source` in its owner's name, by one of the owner's data stewards."""
    if not permissions.can_create_open_dataset(actor, source.owner):
        raise NotPermitted(_("Only a data steward of the organization owning the lake dataset "
                             "may open it."))
    validation.check_source(source)
    name = validation.clean_name(data.get("name"))
    terms = validation.clean_terms(data, source)
    topics, tags = terms.pop("topics"), terms.pop("tags")
    dataset = OpenDataset.objects.create(name=name, owner=source.owner, source=source,
                                         created_by=actor, **terms)
    _write_labels(dataset, topics, tags)
    audit.record("opendata.dataset.create", actor, dataset,
                 {"name": name, "source": source.code, "fields": dataset.field_names})
    return dataset


@transaction.atomic
def do_update_open_dataset(actor: Any, dataset: OpenDataset,
                           data: dict[str, Any]) -> OpenDataset:
    """Edit a draft (or a returned one): any of name, title, notes, licence, update frequency,
    fields, topics and tags."""
    dataset = _locked(dataset)
    if not permissions.can_edit_open_dataset(actor, dataset):
        raise NotPermitted(_("Only a data steward of the publishing organization may edit it."))
    if dataset.status not in EDITABLE:
        raise _wrong_state(dataset, _("edited"))
    current = {"title": dataset.title, "notes": dataset.notes, "licence": dataset.licence,
               "update_frequency": dataset.update_frequency, "fields": dataset.fields,
               "topics": dataset.topic_values, "tags": dataset.tag_names}
    merged = current | {k: v for k, v in data.items() if k in current and v is not None}
    terms = validation.clean_terms(merged, dataset.source)
    if data.get("name") and data["name"] != dataset.name:
        if dataset.published_at is not None:  # its addresses and CKAN name are out there
            raise ActionError("name_fixed", _("A dataset that has been published keeps its "
                                              "name."), {"field": "name"}, status=409)
        dataset.name = validation.clean_name(data["name"], exclude=dataset)
    topics, tags = terms.pop("topics"), terms.pop("tags")
    for key, value in terms.items():
        setattr(dataset, key, value)
    dataset.updated_at = timezone.now()
    dataset.save()
    _write_labels(dataset, topics, tags)
    audit.record("opendata.dataset.update", actor, dataset,
                 {"changed": sorted(k for k in data if k in current or k == "name")})
    return dataset


@transaction.atomic
def do_submit_open_dataset(actor: Any, dataset: OpenDataset) -> OpenDataset:
    """Send a draft for review, pinning the lake dataset's current version."""
    dataset = _locked(dataset)
    if not permissions.can_submit_open_dataset(actor, dataset):
        raise NotPermitted(_("Only a data steward of the publishing organization may submit "
                             "it."))
    if dataset.status not in EDITABLE:
        raise _wrong_state(dataset, _("submitted"))
    source = dataset.source
    validation.check_source(source)
    dataset.fields = validation.clean_fields(dataset.fields, source)
    dataset.version = source.current_version
    dataset.status = OpenStatus.SUBMITTED
    dataset.submitted_by, dataset.submitted_at = actor, timezone.now()
    dataset.review_note = ""
    dataset.updated_at = dataset.submitted_at
    dataset.save()
    audit.record("opendata.dataset.submit", actor, dataset,
                 {"version": dataset.version.number if dataset.version else None})
    return dataset


def _require_reviewer(actor: Any, dataset: OpenDataset) -> None:
    if getattr(actor, "pk", None) is not None and dataset.submitted_by_id == actor.pk:
        raise ActionError("self_approval", _("Nobody reviews their own submission."),
                          {}, status=403)
    if not permissions.can_review_open_dataset(actor, dataset):
        raise NotPermitted(_("Only a province-level data steward reviews open datasets."))


def _publish_version(dataset: OpenDataset, version: DatasetVersion) -> None:
    """Re-check the source and the fields, then copy the published columns of `version` into
    the portal's file and record its facts on the dataset (not saved)."""
    validation.check_source(dataset.source)
    dataset.fields = validation.clean_fields(dataset.fields, dataset.source)
    relative = store.published_path(dataset.name, version.number)
    try:
        facts = store.materialise(version.path, relative, dataset.field_names)
    except (duckdb.Error, OSError) as exc:
        raise ActionError("version_unreadable",
                          _("The lake version could not be read: %(error)s")
                          % {"error": str(exc)[:300]}, {}, status=409) from exc
    now = timezone.now()
    dataset.version = version
    dataset.file_path = relative
    dataset.row_count, dataset.byte_size = facts.row_count, facts.byte_size
    dataset.checksum = facts.checksum
    dataset.details = dict(dataset.details) | {
        "stats": store.numeric_stats(relative, dataset.fields)}
    dataset.status = OpenStatus.PUBLISHED
    dataset.published_at = dataset.published_at or now
    dataset.modified_at = dataset.updated_at = now


def _append_ledger(actor: Any, dataset: OpenDataset, kind: str = LEDGER_KIND) -> None:
    """Public identifiers and the file's checksum only: nothing personal goes to the ledger."""
    ledger.do_append(kind, {
        "dataset": dataset.name, "uid": str(dataset.uid),
        "publisher_uscc": dataset.owner.uscc, "source": dataset.source.code,
        "version": dataset.version.number if dataset.version else None,
        "rows": dataset.row_count, "sm3": dataset.checksum,
        "fields": dataset.field_names}, dataset, actor=actor)


@transaction.atomic
def do_approve_open_dataset(actor: Any, dataset: OpenDataset, note: str = "") -> OpenDataset:
    """Publish a submitted dataset: its pinned version's published columns become public."""
    dataset = _locked(dataset)
    _require_reviewer(actor, dataset)
    if dataset.status != OpenStatus.SUBMITTED:
        raise _wrong_state(dataset, _("approved"))
    if dataset.version is None:
        raise ActionError("source_no_version", _("No lake version was pinned at submission."),
                          {}, status=409)
    _publish_version(dataset, dataset.version)
    dataset.reviewed_by, dataset.reviewed_at = actor, timezone.now()
    dataset.review_note = validation.clean_text(note, "note", REASON_MAX, required=False)
    dataset.save()
    _append_ledger(actor, dataset)
    audit.record("opendata.dataset.approve", actor, dataset,
                 {"version": dataset.version.number if dataset.version else None,
                  "rows": dataset.row_count, "sm3": dataset.checksum})
    return dataset


@transaction.atomic
def do_return_open_dataset(actor: Any, dataset: OpenDataset, reason: str) -> OpenDataset:
    """Send a submitted dataset back to its owner for changes, with the reasons."""
    dataset = _locked(dataset)
    _require_reviewer(actor, dataset)
    if dataset.status != OpenStatus.SUBMITTED:
        raise _wrong_state(dataset, _("returned"))
    dataset.review_note = validation.clean_text(reason, "reason", REASON_MAX)
    dataset.status = OpenStatus.RETURNED
    dataset.reviewed_by, dataset.reviewed_at = actor, timezone.now()
    dataset.updated_at = dataset.reviewed_at
    dataset.save()
    audit.record("opendata.dataset.return", actor, dataset, {"reason": dataset.review_note})
    return dataset


@transaction.atomic
def do_withdraw_open_dataset(actor: Any, dataset: OpenDataset, reason: str) -> OpenDataset:
    """Take a published dataset off the portal; its files are removed once this commits."""
    dataset = _locked(dataset)
    if not permissions.can_withdraw_open_dataset(actor, dataset):
        raise NotPermitted(_("Only the publisher's data steward or a province-level steward "
                             "may withdraw it."))
    if dataset.status != OpenStatus.PUBLISHED:
        raise _wrong_state(dataset, _("withdrawn"))
    dataset.withdraw_reason = validation.clean_text(reason, "reason", REASON_MAX)
    dataset.status = OpenStatus.WITHDRAWN
    dataset.withdrawn_at = dataset.updated_at = timezone.now()
    dataset.save()
    _append_ledger(actor, dataset, LEDGER_WITHDRAWN)
    audit.record("opendata.dataset.withdraw", actor, dataset,
                 {"reason": dataset.withdraw_reason})
    name = dataset.name
    transaction.on_commit(lambda: store.remove_published(name))
    return dataset


@transaction.atomic
def do_refresh_open_dataset(actor: Any, dataset: OpenDataset) -> OpenDataset:
    """Re-publish a published dataset from the lake dataset's newer current version (see the
    module's note on why this needs no second review)."""
    dataset = _locked(dataset)
    if not permissions.can_refresh_open_dataset(actor, dataset):
        raise NotPermitted(_("Only a data steward of the publishing organization may refresh "
                             "it."))
    if dataset.status != OpenStatus.PUBLISHED:
        raise _wrong_state(dataset, _("refreshed"))
    latest = dataset.source.current_version
    current = dataset.version.number if dataset.version else 0
    if latest is None or latest.number <= current:
        raise ActionError("up_to_date", _("The lake dataset has no newer version."),
                          {"version": current}, status=409)
    old_path = dataset.file_path
    _publish_version(dataset, latest)
    dataset.save()
    _append_ledger(actor, dataset)
    audit.record("opendata.dataset.refresh", actor, dataset,
                 {"from": current, "to": latest.number, "sm3": dataset.checksum})
    transaction.on_commit(lambda: _remove_old(old_path))
    return dataset


def _remove_old(relative: str) -> None:
    from jingchu.lake import storage

    for fmt in DownloadFormat.values:
        path = storage.absolute(store.export_path(relative, fmt) if fmt != "parquet"
                                else relative)
        path.unlink(missing_ok=True)


@transaction.atomic
def do_reopen_open_dataset(actor: Any, dataset: OpenDataset) -> OpenDataset:
    """Make a withdrawn dataset a draft again, to be edited and reviewed anew."""
    dataset = _locked(dataset)
    if not permissions.can_reopen_open_dataset(actor, dataset):
        raise NotPermitted(_("Only a data steward of the publishing organization may reopen "
                             "it."))
    if dataset.status != OpenStatus.WITHDRAWN:
        raise _wrong_state(dataset, _("reopened"))
    dataset.status = OpenStatus.DRAFT
    dataset.updated_at = timezone.now()
    dataset.save()
    audit.record("opendata.dataset.reopen", actor, dataset, {})
    return dataset


# --- usage counters ---------------------------------------------------------------------------

USAGE_COLUMNS = {"view": "views", "api": "api_calls"} | {
    f"download_{fmt}": f"downloads_{fmt}" for fmt in DownloadFormat.values}


def do_count_usage(dataset: OpenDataset, kind: str, day: dt.date | None = None) -> None:
    """Add one to today's counter of `kind` ("view", "api" or "download_<format>").

    Not audited on purpose: these are anonymous reads of public data, and the counters are
    their record; an AuditEvent per download would drown the trail in noise."""
    column = USAGE_COLUMNS[kind]
    day = day or timezone.localdate()
    with transaction.atomic():
        updated = OpenDatasetUsage.objects.filter(dataset=dataset, day=day).update(
            **{column: F(column) + 1})
        if updated:
            return
        try:
            with transaction.atomic():
                OpenDatasetUsage.objects.create(dataset=dataset, day=day, **{column: 1})
        except IntegrityError:  # another request made today's row first
            OpenDatasetUsage.objects.filter(dataset=dataset, day=day).update(
                **{column: F(column) + 1})
