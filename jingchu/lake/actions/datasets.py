"""Every state change of the lake's datasets: register, update and retire a dataset; start and
run a load that makes a new version (snapshot). Atomic, audited, refusing before writing: 400
bad input, 403 not permitted, 409 wrong state.

`actor` None is the platform itself (the demo, an operator at the command line without --user);
any other actor is checked against jingchu.lake.permissions.

A load is two steps so that a page can answer at once and a task do the work: do_start_load
records an IngestJob (and keeps an upload under incoming/<job uid>/), do_run_load reads the
source, writes the Parquet file under a temporary name, and only when it is complete renames it
into place and records the DatasetVersion in one transaction. Any failure removes the temporary
files and marks the job failed: no version row, no file, nothing half-loaded.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit, errors
from jingchu.core.choices import MaskRule, UpdateFrequency
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization
from jingchu.identity.permissions import is_province_steward
from jingchu.lake import ingest, permissions, storage
from jingchu.lake.choices import ColumnType, DatasetStatus, JobStatus, SourceKind
from jingchu.lake.ingest_sources import ENCODINGS, LoadError, Progress
from jingchu.lake.models import Dataset, DatasetVersion, IngestJob

CODE = re.compile(r"^[a-z0-9-]+/[a-z0-9-]+$")
COLUMN = re.compile(r"^[a-z_][a-z0-9_]*$")
MAX_COLUMNS = 300
PROGRESS_EVERY = 0.5  # seconds between two writes of a job's progress
EXTENSIONS = {".csv": SourceKind.CSV, ".txt": SourceKind.CSV, ".tsv": SourceKind.CSV,
              ".xlsx": SourceKind.EXCEL, ".xlsm": SourceKind.EXCEL,
              ".parquet": SourceKind.PARQUET}


# --- checks -----------------------------------------------------------------------------------


def _text(raw: Any, field: str, *, required: bool = False, limit: int = 200) -> str:
    return errors.clean_text(raw, field, required=required, limit=limit)


def clean_code(raw: Any) -> str:
    code = str(raw or "").strip().lower()
    if not CODE.match(code) or len(code) > 100:
        raise ActionError("code_invalid", _("A dataset code is <owner>/<name> in lower-case "
                                            "letters, digits and hyphens, e.g. hb-rst/"
                                            "si-enrolment."), {"field": "code"})
    if Dataset.objects.filter(code=code).exists():
        raise ActionError("code_taken", _("A dataset with this code exists."),
                          {"field": "code"}, status=409)
    return code


def _column(raw: Any, index: int) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ActionError("columns_invalid", _("Each column is an object."),
                          {"field": "columns", "index": index})
    name = str(raw.get("name") or "").strip()
    if not COLUMN.match(name) or len(name) > 63:
        raise ActionError("column_name_invalid",
                          _("A column name is lower-case letters, digits and underscores, not "
                            "starting with a digit: %(name)s") % {"name": name},
                          {"field": "columns", "index": index})
    kind = str(raw.get("type") or ColumnType.STRING)
    if kind not in ColumnType.values:
        raise ActionError("column_type_invalid", _("Unknown column type %(type)s.")
                          % {"type": kind}, {"field": "columns", "index": index})
    mask = str(raw.get("mask") or "")
    if mask not in MaskRule.values:
        raise ActionError("column_mask_invalid", _("Unknown masking rule %(mask)s.")
                          % {"mask": mask}, {"field": "columns", "index": index})
    return {"name": name, "type": kind, "label": _text(raw.get("label"), "label", limit=100),
            "required": bool(raw.get("required", False)), "mask": mask}


def clean_columns(raw: Any) -> list[dict[str, Any]]:
    """The declared schema: a list of {name, type, label, required, mask}; may be empty (the
    first load infers it)."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple) or len(raw) > MAX_COLUMNS:
        raise ActionError("columns_invalid", _("The columns are a list of at most %(n)d.")
                          % {"n": MAX_COLUMNS}, {"field": "columns"})
    columns = [_column(item, i) for i, item in enumerate(raw)]
    names = [c["name"] for c in columns]
    if len(set(names)) != len(names):
        raise ActionError("column_name_duplicate", _("Two columns have the same name."),
                          {"field": "columns"})
    return columns


def _clean_key(raw: Any, columns: list[dict[str, Any]]) -> str:
    key = str(raw or "").strip()
    if key and columns and key not in {c["name"] for c in columns}:
        raise ActionError("key_column_unknown", _("The key column must be one of the "
                                                  "dataset's columns."), {"field": "key_column"})
    if key and not COLUMN.match(key):
        raise ActionError("key_column_unknown", _("The key column must be a column name."),
                          {"field": "key_column"})
    return key


def _clean_terms(data: dict[str, Any]) -> dict[str, Any]:
    frequency = str(data.get("update_frequency") or UpdateFrequency.MONTHLY)
    if frequency not in UpdateFrequency.values:
        raise ActionError("update_frequency_invalid", _("Unknown value."),
                          {"field": "update_frequency"})
    threshold = data.get("audit_threshold", 80)
    try:
        threshold = int(threshold)
    except (TypeError, ValueError):
        threshold = -1
    if not 0 <= threshold <= 100:
        raise ActionError("audit_threshold_invalid", _("A score from 0 to 100."),
                          {"field": "audit_threshold"})
    columns = clean_columns(data.get("columns"))
    return {"name": _text(data.get("name"), "name", required=True),
            "description": _text(data.get("description"), "description", limit=5000),
            "update_frequency": frequency, "audit_threshold": threshold, "columns": columns,
            "key_column": _clean_key(data.get("key_column"), columns)}


def _allowed(actor: Any, check: Any, *args: Any) -> None:
    if actor is not None and not check(actor, *args):
        raise NotPermitted(_("Only a data steward of the owning organization or the province "
                             "level may do this."))


# --- register, update, retire -----------------------------------------------------------------


@transaction.atomic
def do_register_dataset(actor: Any, owner: Organization, data: dict[str, Any]) -> Dataset:
    """Register a dataset of `owner`, with its declared columns (or none: the first load
    infers them)."""
    _allowed(actor, permissions.can_register_dataset, owner.pk)
    code = clean_code(data.get("code"))
    terms = _clean_terms(data)
    dataset = Dataset.objects.create(code=code, owner=owner, created_by=actor, **terms)
    audit.record("lake.dataset.register", actor, dataset, {
        "code": code, "owner": str(owner.uid), "columns": [c["name"] for c in terms["columns"]]})
    return dataset


def _locked(dataset: Dataset) -> Dataset:
    return Dataset.objects.select_for_update(of=("self",)).select_related("owner").get(
        pk=dataset.pk)


@transaction.atomic
def do_update_dataset(actor: Any, dataset: Dataset, data: dict[str, Any]) -> Dataset:
    """Change the description, the schema the next loads check against, the key column."""
    dataset = _locked(dataset)
    _allowed(actor, permissions.can_manage_dataset, dataset)
    if dataset.status == DatasetStatus.RETIRED:
        raise ActionError("dataset_retired", _("A retired dataset is not changed."), {},
                          status=409)
    fields = ("name", "description", "update_frequency", "audit_threshold", "columns",
              "key_column")
    merged = {k: getattr(dataset, k) for k in fields} | {k: v for k, v in data.items()
                                                         if k in fields}
    terms = _clean_terms(merged)
    for key, value in terms.items():
        setattr(dataset, key, value)
    dataset.save()
    audit.record("lake.dataset.update", actor, dataset,
                 {"changed": sorted(k for k in data if k in fields)})
    return dataset


@transaction.atomic
def do_retire_dataset(actor: Any, dataset: Dataset) -> Dataset:
    """A retired dataset takes no more loads and is not mounted anew; its versions stay."""
    dataset = _locked(dataset)
    _allowed(actor, permissions.can_manage_dataset, dataset)
    if dataset.status == DatasetStatus.RETIRED:
        raise ActionError("dataset_retired", _("The dataset is retired already."), {},
                          status=409)
    dataset.status = DatasetStatus.RETIRED
    dataset.save(update_fields=["status", "updated_at"])
    audit.record("lake.dataset.retire", actor, dataset)
    return dataset


# --- loads ------------------------------------------------------------------------------------


def kind_for(filename: str) -> str:
    kind = EXTENSIONS.get(Path(filename).suffix.lower())
    if kind is None:
        raise ActionError("file_kind_unknown", _("Load a CSV, Excel (.xlsx) or Parquet file."),
                          {"field": "file"})
    return kind


def safe_filename(name: str) -> str:
    base = re.sub(r"[^\w.\-]+", "_", Path(name or "upload").name).strip("._") or "upload"
    return base[-120:]


def incoming_dir(job: IngestJob) -> str:
    return f"incoming/{job.uid}"


def _check_source(actor: Any, kind: str, encoding: str, table: str) -> None:
    if kind not in SourceKind.values:
        raise ActionError("source_kind_invalid", _("Unknown kind of source."), {"field": "kind"})
    if encoding not in ENCODINGS:
        raise ActionError("encoding_invalid", _("The encoding is auto, utf-8 or gbk."),
                          {"field": "encoding"})
    if kind == SourceKind.TABLE:
        # Copying a table of the platform's database is for the province level only: it can
        # hold any department's records (jingchu.identity.permissions.is_province_steward).
        if actor is not None and not is_province_steward(actor):
            raise NotPermitted(_("Only a province-level data steward may load a database "
                                 "table."))
        from jingchu.lake.ingest_sources import table_names

        if table not in table_names():
            raise ActionError("table_unknown", _("The platform's database has no table of "
                                                 "that name that may be loaded."),
                              {"field": "table"})


def _save_upload(job: IngestJob, upload: Any) -> str:
    relative = f"{incoming_dir(job)}/{safe_filename(getattr(upload, 'name', 'upload'))}"
    target = storage.absolute(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        chunks = upload.chunks() if hasattr(upload, "chunks") else iter(
            lambda: upload.read(1 << 20), b"")
        for chunk in chunks:
            out.write(chunk)
    return relative


@transaction.atomic
def do_start_load(actor: Any, dataset: Dataset, *, kind: str = "", upload: Any = None,
                  path: str | Path | None = None, encoding: str = "auto", sheet: str = "",
                  table: str = "") -> IngestJob:
    """Record a load of `dataset` from an uploaded file (`upload`, kept under incoming/), a
    file the command line names (`path`, read where it is), or a database `table`."""
    dataset = _locked(dataset)
    _allowed(actor, permissions.can_load_dataset, dataset)
    if dataset.status != DatasetStatus.ACTIVE:
        raise ActionError("dataset_retired", _("A retired dataset takes no more loads."), {},
                          status=409)
    name = table or getattr(upload, "name", "") or (Path(path).name if path else "")
    kind = kind or (SourceKind.TABLE if table else kind_for(name))
    encoding = (encoding or "auto").lower().replace("gb18030", "gbk")
    _check_source(actor, kind, encoding, table)
    if kind != SourceKind.TABLE and upload is None and (path is None or not Path(path).is_file()):
        raise ActionError("file_missing", _("There is no such file."), {"field": "file"})
    job = IngestJob.objects.create(dataset=dataset, source_kind=kind, source_name=name[:300],
                                   encoding=encoding if kind == SourceKind.CSV else "",
                                   created_by=actor, details={"sheet": sheet, "table": table})
    if upload is not None:
        job.upload_path = _save_upload(job, upload)
    elif path is not None:
        job.details["path"] = str(Path(path).resolve())
    job.save()
    audit.record("lake.load.start", actor, job, {
        "dataset": dataset.code, "source": kind, "name": name[:300]})
    return job


class JobProgress:
    """Passes progress on to the caller's `progress` and onto the job's row, at most every
    PROGRESS_EVERY seconds (and at each new stage) so the page's progress element can follow;
    each write is its own short statement, outside the load's transaction."""

    def __init__(self, job: IngestJob, progress: Progress | None) -> None:
        self.job, self.progress = job, progress
        self.stage, self.written = "", 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)
        now = time.monotonic()
        if stage == self.stage and now - self.written < PROGRESS_EVERY and done < total:
            return
        self.stage, self.written = stage, now
        IngestJob.objects.filter(pk=self.job.pk).update(stage=stage[:40], rows_done=done,
                                                        rows_total=total)


def _temp_paths(job: IngestJob) -> tuple[Path, Path]:
    folder = storage.absolute(storage.dataset_dir(job.dataset.code))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f".load-{job.uid}.parquet", folder / f".load-{job.uid}.rejects.csv"


def _source(job: IngestJob) -> ingest.Source:
    if job.source_kind == SourceKind.TABLE:
        return ingest.Source(SourceKind.TABLE, table=str(job.details.get("table", "")))
    path = storage.absolute(job.upload_path) if job.upload_path else Path(job.details["path"])
    return ingest.Source(job.source_kind, path=path, encoding=job.encoding or "auto",
                         sheet=str(job.details.get("sheet") or ""))


@transaction.atomic
def _claim(job: IngestJob) -> IngestJob:
    job = (IngestJob.objects.select_for_update(of=("self",)).select_related("dataset")
           .get(pk=job.pk))
    if job.status == JobStatus.SUCCEEDED:
        return job
    if job.status != JobStatus.PENDING:
        raise ActionError("job_state", _("This load is %(status)s.")
                          % {"status": job.get_status_display()}, {"status": job.status},
                          status=409)
    job.status, job.stage = JobStatus.RUNNING, "start"
    job.save(update_fields=["status", "stage"])
    return job


def _version(job: IngestJob, result: ingest.LoadResult, parquet: Path, rejects: Path
             ) -> DatasetVersion:
    """Rename the files into place and record the version, all or nothing."""
    placed: list[Path] = []
    try:
        with transaction.atomic():
            dataset = _locked(job.dataset)
            if dataset.status != DatasetStatus.ACTIVE:
                raise ActionError("dataset_retired", _("The dataset was retired meanwhile."),
                                  {}, status=409)
            number = (dataset.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            relative = storage.version_path(dataset.code, number)
            rejects_relative = storage.rejects_path(dataset.code, number) \
                if result.rejected_count else ""
            parquet.replace(storage.absolute(relative))
            placed.append(storage.absolute(relative))
            if rejects_relative:
                rejects.replace(storage.absolute(rejects_relative))
                placed.append(storage.absolute(rejects_relative))
            version = _record(job, dataset, result, number, relative, rejects_relative)
    except BaseException:
        for path in placed:
            path.unlink(missing_ok=True)
        raise
    return version


def _record(job: IngestJob, dataset: Dataset, result: ingest.LoadResult, number: int,
            relative: str, rejects_relative: str) -> DatasetVersion:
    version = DatasetVersion.objects.create(
        dataset=dataset, number=number, path=relative, row_count=result.row_count,
        rejected_count=result.rejected_count, rejects_path=rejects_relative,
        byte_size=result.byte_size, schema=result.schema, checksum=result.checksum,
        source_kind=job.source_kind, source_name=job.source_name, loaded_by=job.created_by,
        details={"job": str(job.uid), "encoding": result.encoding,
                 "total_rows": result.total_rows, "ignored_columns": result.ignored})
    dataset.current_version = version
    if not dataset.columns and result.inferred:
        dataset.columns = result.inferred
    dataset.save(update_fields=["current_version", "columns", "updated_at"])
    job.status, job.version, job.stage = JobStatus.SUCCEEDED, version, "done"
    job.rows_done = job.rows_total = result.total_rows
    job.rejected_count, job.finished_at = result.rejected_count, timezone.now()
    job.save()
    audit.record("lake.load.finish", job.created_by, version, {
        "dataset": dataset.code, "version": number, "rows": result.row_count,
        "rejected": result.rejected_count, "checksum": result.checksum,
        "inferred": bool(result.inferred), "job": str(job.uid)})
    # A new version is audited by its dataset's rules once the load has committed (a dataset
    # without rules is skipped by the task).
    from jingchu.lake.tasks_quality import audit_after_load

    transaction.on_commit(lambda: audit_after_load.delay(str(version.uid)), robust=True)
    return version


def _fail(job: IngestJob, message: str) -> None:
    IngestJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, stage="failed",
                                               error=message[:4000],
                                               finished_at=timezone.now())
    audit.record("lake.load.fail", job.created_by, job, {"dataset": job.dataset.code,
                                                         "error": message[:500]})


def _clean(job: IngestJob, *paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
    shutil.rmtree(storage.absolute(incoming_dir(job)), ignore_errors=True)


def do_run_load(job: IngestJob, progress: Progress | None = None) -> DatasetVersion:
    """Run a started load: the new version, or ActionError (the job marked failed with the
    reason, nothing left behind). A load that succeeded already answers its version again."""
    job = _claim(job)
    if job.status == JobStatus.SUCCEEDED and job.version is not None:
        return job.version
    parquet, rejects = _temp_paths(job)
    work = storage.absolute(incoming_dir(job)) / "work"
    try:
        result = ingest.load(_source(job), list(job.dataset.columns), work, parquet, rejects,
                             JobProgress(job, progress))
        return _version(job, result, parquet, rejects)
    except LoadError as exc:
        _fail(job, str(exc))
        raise ActionError("load_failed", str(exc), {"job": str(job.uid)}) from None
    except ActionError as exc:
        _fail(job, exc.message)
        raise
    except Exception as exc:  # unexpected: recorded with its kind, then raised as the bug it is
        _fail(job, f"{_('The load failed; nothing was loaded.')} ({type(exc).__name__}: "
                   f"{str(exc)[:300]})")
        raise
    finally:
        _clean(job, parquet, rejects)
