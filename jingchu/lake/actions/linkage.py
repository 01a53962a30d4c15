"""Every state change of record linkage runs (数据融合, 一人一档): start a run over dataset
versions (`do_run_linkage`), and carry it out (`execute_linkage`, from the background task or
the command line), recording its outcome — a failure is written on the run, never raised at
the caller.

Only province-level data stewards start runs (permissions.can_run_linkage): a run reads several
departments' personal data at once. `actor` None is the platform itself (the demo, an operator
at the command line without --user), as in the datasets' actions.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.lake import linkage, permissions, storage
from jingchu.lake.choices import JobStatus
from jingchu.lake.models import DatasetVersion, LinkageRun

logger = logging.getLogger(__name__)

MAX_DATASETS = 6
THRESHOLD_MIN, THRESHOLD_MAX = 0.5, 0.9999
NAME_MAX = 200
# The dataset detail naming its columns for linkage when they are not called by the canonical
# names: {"linkage_columns": {"id_number": "sfzhm", "name": "xm"}} (docs/lake-linkage.md).
COLUMNS_DETAIL = "linkage_columns"
_LONG_DIGITS = re.compile(r"\d{6,}[\dXx]*")


def _clean_name(raw: Any) -> str:
    text = str(raw or "").strip()
    if not text:
        raise ActionError("name_required", _("Please give the run a name."), {"field": "name"})
    if len(text) > NAME_MAX:
        raise ActionError("name_too_long", _("At most %(limit)d characters.")
                          % {"limit": NAME_MAX}, {"field": "name"})
    return text


def _clean_threshold(raw: Any) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = -1.0
    if not THRESHOLD_MIN <= value <= THRESHOLD_MAX:
        raise ActionError("threshold_invalid",
                          _("The threshold is a match probability from %(low)s to %(high)s.")
                          % {"low": THRESHOLD_MIN, "high": THRESHOLD_MAX},
                          {"field": "threshold"})
    return value


def linkage_columns(version: DatasetVersion) -> dict[str, str]:
    """Canonical column → the version's column, by the dataset's mapping or by name."""
    mapping = version.dataset.details.get(COLUMNS_DETAIL) or {}
    stored = {c.get("name") for c in version.schema or []}
    out = {}
    for canonical in linkage.CANONICAL:
        column = str(mapping.get(canonical) or canonical)
        if column in stored:
            out[canonical] = column
    return out


def _clean_versions(versions: Sequence[DatasetVersion]) -> list[DatasetVersion]:
    chosen = list(versions)
    if not chosen:
        raise ActionError("datasets_required", _("Choose at least one dataset."),
                          {"field": "versions"})
    if len(chosen) > MAX_DATASETS:
        raise ActionError("too_many_datasets", _("At most %(limit)d datasets in one run.")
                          % {"limit": MAX_DATASETS}, {"field": "versions"})
    codes = [v.dataset.code for v in chosen]
    if len(set(codes)) != len(codes):
        raise ActionError("dataset_twice", _("Each dataset may appear once in a run."),
                          {"field": "versions"})
    for version in chosen:
        columns = linkage_columns(version)
        if "id_number" not in columns and "name" not in columns:
            raise ActionError(
                "no_person_columns",
                _("%(dataset)s has neither an ID number nor a name column to link on.")
                % {"dataset": version.dataset.code},
                {"field": "versions", "dataset": version.dataset.code})
    base = linkage_columns(chosen[0])
    if "id_number" not in base or "name" not in base:
        raise ActionError("base_columns",
                          _("The first dataset (the population base) needs both an ID number "
                            "and a name column."), {"field": "versions"})
    return chosen


@transaction.atomic
def do_run_linkage(actor: Any, name: Any, versions: Sequence[DatasetVersion],
                   threshold: Any = 0.95, *, queue: bool = True) -> LinkageRun:
    """Start a run: deduplicate the first version (the population base) and link the others
    to it. The work is queued as a background task once this transaction commits (with
    `queue=False` the caller runs it, as the command line does, with `execute_linkage`)."""
    if actor is not None and not permissions.can_run_linkage(actor):
        raise NotPermitted(_("Only province-level data stewards run record linkage."))
    clean_name, value = _clean_name(name), _clean_threshold(threshold)
    chosen = _clean_versions(versions)
    run = LinkageRun.objects.create(
        name=clean_name, threshold=value, created_by=actor, status=JobStatus.PENDING,
        report={"datasets": [v.dataset.code for v in chosen],
                "versions": [str(v.uid) for v in chosen]})
    run.versions.set(chosen)
    audit.record("lake.linkage.start", actor, run, {
        "datasets": [v.dataset.code for v in chosen],
        "versions": [v.number for v in chosen], "threshold": value})
    if queue:
        from jingchu.lake.tasks_linkage import run_linkage

        uid = str(run.uid)
        transaction.on_commit(lambda: run_linkage.delay(uid), robust=True)
    return run


def ordered_versions(run: LinkageRun) -> list[DatasetVersion]:
    """The run's versions in the order they were chosen (the base first)."""
    by_uid = {str(v.uid): v for v in run.versions.select_related("dataset")}
    order = [u for u in run.report.get("versions", []) if u in by_uid]
    return [by_uid[u] for u in order] or list(by_uid.values())


def map_path(run: LinkageRun) -> str:
    return f"linkage/{run.uid}.parquet"


def _claim(run: LinkageRun) -> bool:
    """Pending → running, once: a second delivery of the task finds nothing to do."""
    return bool(LinkageRun.objects.filter(pk=run.pk, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, started_at=timezone.now()))


def _safe_error(exc: Exception) -> str:
    """The error as stored and shown: long digit runs (an ID number or phone quoted by the
    engine) are hidden."""
    text = f"{type(exc).__name__}: {exc}"[:1000]
    return _LONG_DIGITS.sub("***", text)


def execute_linkage(run: LinkageRun, progress: linkage.Progress | None = None) -> LinkageRun:
    """Carry out a pending run (idempotent: any other status is left alone). The engine works
    outside any transaction; the outcome is written in one, with its AuditEvent."""
    if not _claim(run):
        run.refresh_from_db()
        return run
    run.refresh_from_db()
    versions = ordered_versions(run)
    sources = [linkage.Source(name=v.dataset.code, path=storage.absolute(v.path),
                              columns=linkage_columns(v)) for v in versions]
    options = linkage.Options(threshold=run.threshold, progress=progress)
    relative = map_path(run)
    try:
        with storage.connect() as con:
            result = linkage.link(sources[0], sources[1:], storage.absolute(relative),
                                  secret=settings.BLIND_INDEX_KEY.encode(), connection=con,
                                  options=options)
    except Exception as exc:  # any engine failure is the run's outcome, not the caller's crash
        logger.exception("linkage run %s failed", run.uid)
        return _record_failure(run, _safe_error(exc))
    return _record_success(run, result, relative)


@transaction.atomic
def _record_success(run: LinkageRun, result: linkage.LinkageResult,
                    relative: str) -> LinkageRun:
    run = LinkageRun.objects.select_for_update().get(pk=run.pk)
    run.status, run.output_path = JobStatus.SUCCEEDED, relative
    run.record_count, run.pair_count = result.record_count, result.pair_count
    run.cluster_count = result.cluster_count
    run.report = {**run.report, **result.report}
    run.duration_ms = int(sum(result.seconds.values()) * 1000)
    run.finished_at = timezone.now()
    run.save()
    audit.record("lake.linkage.finish", run.created_by, run, {
        "records": run.record_count, "pairs": run.pair_count, "persons": run.cluster_count,
        "duration_ms": run.duration_ms})
    return run


@transaction.atomic
def _record_failure(run: LinkageRun, error: str) -> LinkageRun:
    run = LinkageRun.objects.select_for_update().get(pk=run.pk)
    run.status, run.error, run.finished_at = JobStatus.FAILED, error, timezone.now()
    run.duration_ms = int((run.finished_at - run.started_at).total_seconds() * 1000)
    run.save()
    audit.record("lake.linkage.fail", run.created_by, run, {"error": error})
    return run
