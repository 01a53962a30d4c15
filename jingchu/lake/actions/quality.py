"""Every state change of the lake's quality audits: a dataset's rule file and the rules entered
in the admin, audit runs, and the rectification tasks (整改) an audit below threshold opens.

`actor` None is the platform itself (the schedule, the audit after a load, the demo); any other
actor is checked against jingchu.lake.permissions. Refusals write nothing.

An audit is not one transaction: the run is recorded as running first (committed), the engine
reads the Parquet file outside any transaction, then results, scores and the rectification are
written together. An audit that cannot run (a missing file, a reference dataset without a
version, SQL the engine refuses) ends as a failed AuditRun carrying the error.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit, calendar
from jingchu.core.actions import do_enqueue_notification
from jingchu.core.choices import NotificationChannel
from jingchu.core.errors import ActionError, NotPermitted, clean_reason
from jingchu.core.masking import mask_value
from jingchu.core.models import Region
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import StaffAssignment
from jingchu.lake import permissions, storage
from jingchu.lake.choices import AuditTrigger, JobStatus, RectificationStatus, RuleSource
from jingchu.lake.models import (
    AuditRun,
    Dataset,
    DatasetVersion,
    QualityRectification,
    QualityRule,
    RuleResult,
)
from jingchu.lake.quality.engine import audit_parquet
from jingchu.lake.quality.rulefile import parse_rule_file, rule_from_settings
from jingchu.lake.quality.spec import AuditError, AuditOutcome, RuleSpec

log = logging.getLogger(__name__)
SAMPLE_ROWS = 5  # failing rows kept per rule, masked
NOTE_LIMIT = 2000


def _check(allowed: bool, actor: Any, message: str) -> None:
    if actor is not None and not allowed:
        raise NotPermitted(message)


# --- rules --------------------------------------------------------------------------------------


def dataset_columns(dataset: Dataset) -> list[str] | None:
    """The column names a rule may read: declared, else the current version's; None when the
    dataset has neither yet (a rule file is then taken on trust until the first load)."""
    names = [str(c.get("name")) for c in dataset.columns or [] if c.get("name")]
    if not names and dataset.current_version is not None:
        names = [str(c.get("name")) for c in dataset.current_version.schema or []]
    return names or None


def spec_of(rule: QualityRule) -> RuleSpec:
    return RuleSpec(name=rule.name, check=rule.check_name, columns=list(rule.columns),
                    params=dict(rule.params), dimension=rule.dimension, weight=rule.weight,
                    description=rule.description, enabled=rule.enabled)


def rule_specs(dataset: Dataset) -> list[RuleSpec]:
    return [spec_of(r) for r in dataset.rules.order_by("position", "name")]


def _other_datasets(specs: list[RuleSpec]) -> dict[str, RuleSpec]:
    return {str(s.params["dataset"]): s for s in specs if "dataset" in s.params}


def _check_references(dataset: Dataset, specs: list[RuleSpec]) -> None:
    for code, spec in _other_datasets(specs).items():
        other = Dataset.objects.filter(code=code).first()
        if other is None or other.pk == dataset.pk:
            raise ActionError("rules_invalid", _("line %(line)d: rule %(rule)s: no other dataset "
                                                 "%(code)s") % {"line": spec.line,
                                                                "rule": spec.name, "code": code},
                              {"line": spec.line, "rule": spec.name, "field": "dataset"})


def _save_spec(dataset: Dataset, spec: RuleSpec, source: str, position: int,
               rule: QualityRule | None = None) -> QualityRule:
    rule = rule or QualityRule(dataset=dataset)
    rule.name, rule.check_name, rule.columns = spec.name, spec.check, spec.columns
    rule.params, rule.dimension, rule.weight = spec.params, spec.dimension, spec.weight
    rule.enabled, rule.description = spec.enabled, spec.description
    rule.source, rule.position = source, position
    rule.save()
    return rule


@transaction.atomic
def do_set_rules(actor: Any, dataset: Dataset, yaml_text: str) -> list[QualityRule]:
    """Replace the dataset's rule file and the rules it declares; rules entered in the admin
    stay. The file's `threshold`, when given, becomes the dataset's audit threshold."""
    _check(permissions.can_edit_rules(actor, dataset), actor,
           _("Only the owner's data stewards may edit this dataset's rules."))
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    text = (yaml_text or "").replace("\r\n", "\n")
    if len(text) > 100_000:
        raise ActionError("rules_invalid", _("The rule file is too long."), {"line": 0})
    parsed = parse_rule_file(text, dataset_columns(dataset))
    if parsed.dataset and parsed.dataset != dataset.code:
        raise ActionError("rules_invalid", _("This rule file is for %(code)s.")
                          % {"code": parsed.dataset}, {"line": 1, "field": "dataset"})
    _check_references(dataset, parsed.rules)
    admin_names = set(dataset.rules.filter(source=RuleSource.ADMIN).values_list("name",
                                                                                flat=True))
    for spec in parsed.rules:
        if spec.name in admin_names:
            raise ActionError("rules_invalid", _("line %(line)d: a rule named %(rule)s was "
                                                 "entered in the admin")
                              % {"line": spec.line, "rule": spec.name},
                              {"line": spec.line, "rule": spec.name})
    dataset.rules.filter(source=RuleSource.YAML).delete()
    saved = [_save_spec(dataset, spec, RuleSource.YAML, i) for i, spec in enumerate(parsed.rules)]
    dataset.rules_yaml = text
    if parsed.threshold is not None:
        dataset.audit_threshold = parsed.threshold
    dataset.save(update_fields=["rules_yaml", "audit_threshold", "updated_at"])
    audit.record("lake.rules.set", actor, dataset, {
        "rules": [s.name for s in parsed.rules], "threshold": dataset.audit_threshold})
    return saved


@transaction.atomic
def do_save_rule(actor: Any, dataset: Dataset, name: str, settings_: dict[str, Any],
                 rule: QualityRule | None = None) -> QualityRule:
    """Add or change a rule entered in the admin (settings as a rule file writes them:
    check, column(s), dimension, weight, parameters). A rule from the rule file is changed in
    the file, not here."""
    _check(permissions.can_edit_rules(actor, dataset), actor,
           _("Only the owner's data stewards may edit this dataset's rules."))
    if rule is not None and rule.source != RuleSource.ADMIN:
        raise ActionError("rule_from_file", _("This rule comes from the rule file; edit the "
                                              "file instead."), status=409)
    spec = rule_from_settings(str(name or "").strip(), settings_, dataset_columns(dataset))
    _check_references(dataset, [spec])
    clash = dataset.rules.filter(name=spec.name)
    if rule is not None:
        clash = clash.exclude(pk=rule.pk)
    if clash.exists():
        raise ActionError("rule_name_taken", _("The dataset has a rule with this name."),
                          {"field": "name"}, status=409)
    position = rule.position if rule is not None else dataset.rules.count()
    saved = _save_spec(dataset, spec, RuleSource.ADMIN, position, rule)
    audit.record("lake.rule.save", actor, saved, {"dataset": dataset.code, "check": spec.check,
                                                  "created": rule is None})
    return saved


@transaction.atomic
def do_delete_rule(actor: Any, rule: QualityRule) -> None:
    _check(permissions.can_edit_rules(actor, rule.dataset), actor,
           _("Only the owner's data stewards may edit this dataset's rules."))
    if rule.source != RuleSource.ADMIN:
        raise ActionError("rule_from_file", _("This rule comes from the rule file; edit the "
                                              "file instead."), status=409)
    audit.record("lake.rule.delete", actor, rule, {"dataset": rule.dataset.code,
                                                   "name": rule.name})
    rule.delete()


# --- audits -------------------------------------------------------------------------------------


def region_references() -> dict[str, list[str]]:
    """core.Region's codes: 12-digit as stored, and their 6-digit division codes (GB/T 2260;
    a township's first six digits are its county's)."""
    codes = list(Region.objects.filter(is_statistical=False).values_list("code", flat=True))
    return {"regions": sorted({c[:6] for c in codes}), "regions12": sorted(codes)}


def _other_files(specs: list[RuleSpec]) -> dict[str, str]:
    files = {}
    for code in _other_datasets(specs):
        other = Dataset.objects.filter(code=code).select_related("current_version").first()
        if other is None or other.current_version is None:
            raise AuditError(_("The dataset %(code)s has no version to compare with.")
                             % {"code": code})
        files[code] = str(storage.absolute(other.current_version.path))
    return files


def _start(actor: Any, dataset: Dataset, version: DatasetVersion, trigger: str) -> AuditRun:
    with transaction.atomic():
        return AuditRun.objects.create(
            dataset=dataset, version=version, status=JobStatus.RUNNING, trigger=trigger,
            threshold=dataset.audit_threshold,
            created_by=actor if getattr(actor, "pk", None) else None)


def do_run_audit(actor: Any, dataset: Dataset, *, version: DatasetVersion | None = None,
                 trigger: str = AuditTrigger.MANUAL) -> AuditRun:
    """Audit a version (default: the current one) with the dataset's enabled rules, now."""
    dataset, version, specs = _prepare(actor, dataset, version)
    run = _start(actor, dataset, version, trigger)
    return _audit(actor, run, dataset, version, specs)


def do_run_scheduled_audit(dataset: Dataset,
                           still_due: Callable[[Dataset], bool]) -> AuditRun | None:
    """The schedule's audit of a dataset, as the platform. Two beat workers may pick the same
    dataset: the run is claimed under a row lock on the dataset (skipped if another worker holds
    it) after checking again that it is still due, so it is audited once."""
    dataset, version, specs = _prepare(None, dataset, None)
    with transaction.atomic():
        locked = (Dataset.objects.select_for_update(skip_locked=True)
                  .filter(pk=dataset.pk).first())
        if locked is None or not still_due(locked):
            return None
        run = _start(None, dataset, version, AuditTrigger.SCHEDULE)
    return _audit(None, run, dataset, version, specs)


def do_fail_stale_runs(older_than: dt.timedelta) -> int:
    """Mark as failed the runs still waiting or running after `older_than`: their process died
    (a restart, an out-of-memory kill), and the schedule should try again."""
    cutoff = timezone.now() - older_than
    stale = list(AuditRun.objects.filter(status__in=(JobStatus.PENDING, JobStatus.RUNNING),
                                         started_at__lt=cutoff).select_related("dataset"))
    for run in stale:
        _failed(None, run, str(_("The audit was interrupted before it finished.")))
    return len(stale)


def do_queue_audit(actor: Any, dataset: Dataset, *,
                   version: DatasetVersion | None = None) -> AuditRun:
    """Record a waiting audit run that the `run_audit` task carries out once this commits:
    the page's way, so that an audit of many rows never holds a request and its page can show
    the run's progress."""
    dataset, version, _specs = _prepare(actor, dataset, version)
    with transaction.atomic():
        run = AuditRun.objects.create(
            dataset=dataset, version=version, status=JobStatus.PENDING,
            trigger=AuditTrigger.MANUAL, threshold=dataset.audit_threshold,
            created_by=actor if getattr(actor, "pk", None) else None)
        audit.record("lake.audit.queue", actor, run, {"dataset": dataset.code,
                                                      "version": version.number})
        from jingchu.lake.tasks_quality import run_audit

        uid = str(run.uid)
        transaction.on_commit(lambda: run_audit.delay(uid), robust=True)
    return run


def execute_audit(run: AuditRun) -> AuditRun:
    """Carry out a waiting run (the task's body). Idempotent: only a waiting run is claimed,
    in one UPDATE, so two workers never audit it twice."""
    claimed = AuditRun.objects.filter(pk=run.pk, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, started_at=timezone.now())
    run = AuditRun.objects.select_related("dataset", "dataset__owner", "dataset__current_version",
                                          "version", "created_by").get(pk=run.pk)
    if not claimed:
        return run
    dataset, actor = run.dataset, run.created_by
    specs = [s for s in rule_specs(dataset) if s.enabled]
    if run.version is None or not specs:
        return _failed(actor, run, str(_("The dataset has no version or no rules to audit.")))
    return _audit(actor, run, dataset, run.version, specs)


def _prepare(actor: Any, dataset: Dataset,
             version: DatasetVersion | None) -> tuple[Dataset, DatasetVersion, list[RuleSpec]]:
    _check(permissions.can_run_audit(actor, dataset), actor,
           _("Only the owner's data stewards may start an audit of this dataset."))
    # As stored now: the caller's copy may predate a new rule file, threshold or version.
    dataset = Dataset.objects.select_related("owner", "current_version").get(pk=dataset.pk)
    version = version or dataset.current_version
    if version is None or version.dataset_id != dataset.pk:
        raise ActionError("no_version", _("The dataset has no version to audit."), status=409)
    specs = [s for s in rule_specs(dataset) if s.enabled]
    if not specs:
        raise ActionError("no_rules", _("The dataset has no quality rules."), status=409)
    return dataset, version, specs


def _audit(actor: Any, run: AuditRun, dataset: Dataset, version: DatasetVersion,
           specs: list[RuleSpec]) -> AuditRun:
    try:
        outcome = audit_parquet(
            storage.absolute(version.path), specs, references=region_references(),
            datasets=_other_files(specs), audit_date=timezone.localdate(),
            sample_size=SAMPLE_ROWS, loaded_at=timezone.localtime(version.loaded_at),
            frequency=dataset.update_frequency)
    except (AuditError, OSError, ValueError) as exc:
        return _failed(actor, run, str(getattr(exc, "message", exc)))
    return _finish(actor, run, outcome)


def _failed(actor: Any, run: AuditRun, message: str) -> AuditRun:
    with transaction.atomic():
        run.status, run.error, run.finished_at = JobStatus.FAILED, message[:4000], timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        audit.record("lake.audit.fail", actor, run, {"dataset": run.dataset.code,
                                                     "error": message[:500]},
                     actor_label="" if actor else "system")
    return run


def mask_rules(dataset: Dataset) -> dict[str, str]:
    """How each column is masked in samples: its declared mask, else by its name for the usual
    personal columns (an ID number, phone or address column is never shown in full, and names
    are masked in datasets about people, i.e. holding an ID number)."""
    declared = {str(c.get("name")): str(c.get("mask") or "") for c in dataset.columns or []}
    schema = dataset.current_version.schema if dataset.current_version else []
    names = set(declared) | {str(c.get("name")) for c in schema or []}
    personal = any("id_number" in n for n in names)
    return {n: declared.get(n) or _mask_by_name(n, personal) for n in names}


def _mask_by_name(name: str, personal: bool) -> str:
    if "id_number" in name:
        return "id_number"
    if "phone" in name or "mobile" in name:
        return "phone"
    if "address" in name:
        return "address"
    if personal and (name == "name" or name.endswith("_name")):
        return "name"
    return ""


def masked_sample(rows: list[dict[str, Any]], rules: dict[str, str]) -> list[dict[str, Any]]:
    """A column the rules do not know is masked by its name, as in a dataset about people."""
    return [{k: mask_value(rules[k] if k in rules else _mask_by_name(k, True), v)
             for k, v in row.items()} for row in rows]


def _finish(actor: Any, run: AuditRun, outcome: AuditOutcome) -> AuditRun:
    masks = mask_rules(run.dataset)
    with transaction.atomic():
        RuleResult.objects.bulk_create([
            RuleResult(run=run, rule_name=r.name, dimension=r.dimension, check_name=r.check,
                       checked=r.checked, failed=r.failed, weight=r.weight,
                       sample=masked_sample(r.sample[:SAMPLE_ROWS], masks))
            for r in outcome.results])
        run.status, run.row_count = JobStatus.SUCCEEDED, outcome.row_count
        run.scores, run.sql = outcome.scores, outcome.sql
        run.score = Decimal(f"{outcome.score:.2f}")
        run.duration_ms, run.finished_at = outcome.duration_ms, timezone.now()
        run.details = {"version": run.version.number if run.version else None,
                       "rules": len(outcome.results)}
        run.save()
        audit.record("lake.audit.finish", actor, run, {
            "dataset": run.dataset.code, "score": outcome.score, "scores": outcome.scores,
            "rows": outcome.row_count, "trigger": run.trigger},
            actor_label="" if actor else "system")
        if outcome.score < run.threshold:
            _open_rectification(actor, run)
    return run


def _open_rectification(actor: Any, run: AuditRun) -> QualityRectification | None:
    """One open task per dataset: a later audit below threshold does not open a second."""
    dataset = run.dataset
    if dataset.rectifications.filter(status=RectificationStatus.OPEN).exists():
        return None
    days: int = getattr(settings, "RECTIFICATION_DAYS", 5)
    due = calendar.add_working_days(timezone.localdate(), days)
    rect = QualityRectification.objects.create(
        run=run, dataset=dataset, organization=dataset.owner, score=run.score or Decimal(0),
        threshold=run.threshold, due_on=due)
    audit.record("lake.rectification.open", actor, rect, {
        "dataset": dataset.code, "score": str(run.score), "threshold": run.threshold,
        "due_on": due.isoformat()}, actor_label="" if actor else "system")
    _tell_stewards(actor, rect)
    return rect


def _tell_stewards(actor: Any, rect: QualityRectification) -> None:
    users = {a.staff.user for a in StaffAssignment.objects.filter(
        organization=rect.organization, role=StaffRole.DATA_STEWARD).select_related(
        "staff__user") if a.staff.user.is_active}
    subject = _("Data quality rectification: %(name)s") % {"name": rect.dataset.name}
    body = _("The audit of %(code)s scored %(score)s, below the threshold %(threshold)s. "
             "Please rectify by %(due)s.") % {"code": rect.dataset.code, "score": rect.score,
                                              "threshold": rect.threshold,
                                              "due": rect.due_on.isoformat()}
    for user in sorted(users, key=lambda u: u.pk):
        do_enqueue_notification(actor, user, NotificationChannel.SITE, subject[:200], body)


@transaction.atomic
def do_resolve_rectification(actor: Any, rect: QualityRectification,
                             note: Any) -> QualityRectification:
    """The owner closes the task, saying what was fixed (e.g. "reloaded as v5")."""
    rect = QualityRectification.objects.select_for_update(of=("self",)).select_related(
        "dataset").get(pk=rect.pk)
    _check(permissions.can_resolve_rectification(actor, rect), actor,
           _("Only the data stewards of the organization concerned may resolve this task."))
    if rect.status != RectificationStatus.OPEN:
        raise ActionError("wrong_state", _("This rectification is already resolved."),
                          {"status": rect.status}, status=409)
    rect.note = clean_reason(note, NOTE_LIMIT)
    rect.status, rect.resolved_at = RectificationStatus.RESOLVED, timezone.now()
    rect.resolved_by = actor if getattr(actor, "pk", None) else None
    rect.save()
    audit.record("lake.rectification.resolve", actor, rect, {"dataset": rect.dataset.code})
    return rect
