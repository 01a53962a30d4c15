"""Inspections after the draw: the result (检查结果), evidence, the rectification follow-up
(整改复查), publication (检查结果公示) and the scan that holds departments to the publication
deadline.

Each action locks the inspection's row first (select_for_update), checks a named permission of
jingchu.supervision.permissions, refuses bad input before writing anything, and writes one
AuditEvent `supervision.inspection.<verb>`. A state the action does not apply to is ActionError
409 "wrong_state". Publication is also appended to the public ledger
(`supervision.result.published`, official codes and dates only), and completes the plan once
every one of its inspections is published.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jingchu.core import audit, calendar
from jingchu.core.actions import do_enqueue_notification
from jingchu.core.choices import NotificationChannel
from jingchu.core.errors import ActionError, NotPermitted, clean_text
from jingchu.identity.models import User
from jingchu.supervision import deadlines, permissions, storage
from jingchu.supervision.choices import FollowUpStatus, InspectionStatus, Outcome, PlanStatus
from jingchu.supervision.models import Inspection, InspectionEvidence, InspectionPlan

FINDINGS_LIMIT = 5000
NOTE_LIMIT = 2000
SUBJECT_MAX = 200
SYSTEM_LABEL = "system"
# Outcomes that say a problem was found: the findings must say which.
PROBLEM_OUTCOMES = (Outcome.RECTIFY, Outcome.CASE_FILED)
LEDGER_KIND = "supervision.result.published"


# --- shared -------------------------------------------------------------------------------


def lock_inspection(inspection: Inspection) -> Inspection:
    """The inspection's row re-read under a row lock, with its plan and entity (not locked)."""
    return (Inspection.objects.select_for_update(of=("self",))
            .select_related("plan", "legal_entity").get(pk=inspection.pk))


def require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You may not do this with this inspection."))


def require_status(inspection: Inspection, *statuses: str) -> None:
    if inspection.status not in statuses:
        raise ActionError("wrong_state",
                          _("This cannot be done while the inspection is “%(status)s”.")
                          % {"status": inspection.get_status_display()},
                          {"status": inspection.status, "allowed": list(statuses)}, status=409)


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def clean_date(value: Any, field: str, *, required: bool = True) -> dt.date | None:
    """A date of an action's input: a date, or a string YYYY-MM-DD."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ActionError(f"{field}_required", _("This field is required."),
                              {"field": field})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ActionError("date_invalid", _("Give a date as YYYY-MM-DD."),
                          {"field": field}) from None


def leaders(org_ids: Iterable[int]) -> list[User]:
    """Active approvers and administrators of the given departments."""
    return list(User.objects.filter(
        is_active=True, staff__assignments__organization_id__in=list(org_ids),
        staff__assignments__role__in=list(permissions.LEADER_ROLES)).distinct().order_by("pk"))


def send(actor: Any, users: Iterable[User], subject: str, body: str) -> int:
    """One site message to each distinct active user; answers how many were sent."""
    seen: set[int] = set()
    for user in users:
        if not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        do_enqueue_notification(_user(actor), user, NotificationChannel.SITE,
                                subject[:SUBJECT_MAX], body)
    return len(seen)


# --- the result ---------------------------------------------------------------------------


def _clean_result(inspection: Inspection, raw: dict[str, Any]) -> dict[str, Any]:
    plan = inspection.plan
    inspected_on = clean_date(raw["inspected_on"], "inspected_on")
    ended_on = clean_date(raw["ended_on"], "ended_on")
    assert inspected_on is not None and ended_on is not None
    # Not before the plan's period; after its end is late but still recorded.
    if inspected_on < plan.starts_on:
        raise ActionError("inspected_before_plan",
                          _("The plan's inspections start on %(start)s.")
                          % {"start": plan.starts_on}, {"field": "inspected_on"})
    if ended_on < inspected_on:
        raise ActionError("ended_before_start",
                          _("The inspection cannot end before it started."),
                          {"field": "ended_on"})
    if ended_on > timezone.localdate():
        raise ActionError("ended_in_future", _("Record the result once the inspection has "
                                               "ended."), {"field": "ended_on"})
    outcome = str(raw["outcome"] or "")
    if outcome not in Outcome.values:
        raise ActionError("outcome_invalid", _("Choose an outcome."), {"field": "outcome"})
    findings = clean_text(raw["findings"], "findings", required=outcome in PROBLEM_OUTCOMES,
                          limit=FINDINGS_LIMIT)
    due = clean_date(raw["follow_up_due"], "follow_up_due", required=outcome == Outcome.RECTIFY)
    if outcome != Outcome.RECTIFY and due is not None:
        raise ActionError("follow_up_due_unexpected",
                          _("A rectification date goes only with the outcome “ordered to "
                            "rectify”."), {"field": "follow_up_due"})
    if due is not None and due <= ended_on:
        raise ActionError("follow_up_due_invalid",
                          _("The rectification date must be after the inspection ended."),
                          {"field": "follow_up_due"})
    return {"inspected_on": inspected_on, "ended_on": ended_on, "outcome": outcome,
            "findings": findings, "follow_up_due": due}


RESULT_FIELDS = ["inspected_on", "ended_on", "outcome", "findings", "follow_up",
                 "follow_up_due", "follow_up_note", "recorded_by", "recorded_at", "publish_due",
                 "status", "alerted"]


@transaction.atomic
def do_record_result(actor: Any, inspection: Inspection, *, inspected_on: Any, ended_on: Any,
                     outcome: str, findings: str, follow_up_due: Any = None) -> Inspection:
    """Record (or, before publication, correct) the result; the publication deadline is 20
    working days after the inspection's end. Recomputes the entity's credit grade."""
    inspection = lock_inspection(inspection)
    require(permissions.can_record_result(actor, inspection))
    require_status(inspection, InspectionStatus.ASSIGNED, InspectionStatus.RECORDED)
    if inspection.plan.status != PlanStatus.DRAWN:
        raise ActionError("plan_not_drawn", _("The plan is not in its inspection phase."),
                          {"plan_status": inspection.plan.status}, status=409)
    data = _clean_result(inspection, {
        "inspected_on": inspected_on, "ended_on": ended_on, "outcome": outcome,
        "findings": findings, "follow_up_due": follow_up_due})
    corrected = inspection.status == InspectionStatus.RECORDED
    for field in ("inspected_on", "ended_on", "outcome", "findings", "follow_up_due"):
        setattr(inspection, field, data[field])
    inspection.follow_up = (FollowUpStatus.OPEN if data["outcome"] == Outcome.RECTIFY
                            else FollowUpStatus.NONE)
    inspection.follow_up_note = ""
    inspection.recorded_by, inspection.recorded_at = _user(actor), timezone.now()
    inspection.publish_due = deadlines.publish_due(data["ended_on"])
    inspection.status = InspectionStatus.RECORDED
    inspection.alerted = ""  # a new deadline: its alerts start again
    inspection.save(update_fields=RESULT_FIELDS)
    details = {"outcome": inspection.outcome, "inspected_on": str(inspection.inspected_on),
               "ended_on": str(inspection.ended_on), "publish_due": str(inspection.publish_due),
               "follow_up_due": str(inspection.follow_up_due or ""), "corrected": corrected}
    audit.record("supervision.inspection.record_result", actor, inspection, details)
    from jingchu.supervision.actions.credit import do_compute_grades

    do_compute_grades(None, entities=[inspection.legal_entity])
    _tell_leaders_recorded(actor, inspection)
    return inspection


# --- evidence -----------------------------------------------------------------------------


def _store_evidence(actor: Any, inspection: Inspection,
                    item: storage.CheckedFile) -> InspectionEvidence:
    """Write the file, then its row; on failure delete the file (the row rolls back)."""
    backend = storage.backend()
    uid = uuid.uuid4()
    key = backend.save(storage.new_key(str(inspection.uid), str(uid), item.extension),
                       item.upload)
    try:
        return InspectionEvidence.objects.create(
            uid=uid, inspection=inspection, key=key, name=item.name,
            content_type=item.content_type, size=item.size, sha256=item.sha256,
            uploaded_by=_user(actor))
    except BaseException:
        backend.delete(key)
        raise


@transaction.atomic
def do_add_evidence(actor: Any, inspection: Inspection, upload: Any) -> InspectionEvidence:
    """Keep a file (PDF, JPEG, PNG) as evidence of the inspection; also after publication, for
    the rectification follow-up."""
    inspection = lock_inspection(inspection)
    require(permissions.can_record_result(actor, inspection))
    if inspection.evidence.count() >= storage.MAX_FILES:
        raise ActionError("too_many_files", _("An inspection keeps at most %(n)d files.")
                          % {"n": storage.MAX_FILES}, {"field": storage.FIELD})
    item = storage.check_file(upload)
    evidence = _store_evidence(actor, inspection, item)
    audit.record("supervision.inspection.add_evidence", actor, inspection,
                 {"evidence": str(evidence.uid), "sha256": evidence.sha256,
                  "size": evidence.size, "content_type": evidence.content_type})
    return evidence


@transaction.atomic
def do_open_evidence(actor: Any, evidence: InspectionEvidence) -> IO[bytes]:
    """Open an evidence file for someone who may see its inspection; every read is audited
    (photos and documents may show people)."""
    inspection = evidence.inspection
    if not permissions.can_view_inspection(actor, inspection):
        raise NotPermitted(_("You may not see this file."))
    audit.record("supervision.evidence.read", actor, inspection,
                 {"evidence": str(evidence.uid)})
    try:
        return storage.backend().open(evidence.key)
    except FileNotFoundError:
        raise ActionError("no_file", _("The file is missing."), status=404) from None


# --- follow-up ----------------------------------------------------------------------------


@transaction.atomic
def do_record_follow_up(actor: Any, inspection: Inspection, *, rectified: bool,
                        note: str) -> Inspection:
    """整改复查: the entity rectified (done), or did not by the date set (overdue)."""
    inspection = lock_inspection(inspection)
    require(permissions.can_record_result(actor, inspection))
    require_status(inspection, InspectionStatus.RECORDED, InspectionStatus.PUBLISHED)
    if inspection.follow_up not in (FollowUpStatus.OPEN, FollowUpStatus.OVERDUE):
        raise ActionError("no_follow_up", _("No rectification is awaited for this "
                                            "inspection."),
                          {"follow_up": inspection.follow_up}, status=409)
    text = clean_text(note, "note", required=True, limit=NOTE_LIMIT)
    due = inspection.follow_up_due
    if not rectified and due is not None and timezone.localdate() <= due:
        raise ActionError("follow_up_not_due",
                          _("The entity has until %(due)s to rectify.") % {"due": due},
                          {"field": "rectified"})
    inspection.follow_up = FollowUpStatus.DONE if rectified else FollowUpStatus.OVERDUE
    inspection.follow_up_note = text
    inspection.save(update_fields=["follow_up", "follow_up_note"])
    audit.record("supervision.inspection.follow_up", actor, inspection,
                 {"rectified": bool(rectified), "follow_up": inspection.follow_up})
    return inspection


# --- publication --------------------------------------------------------------------------


def _ledger_payload(inspection: Inspection, published_on: dt.date) -> dict[str, Any]:
    """What the ledger keeps of a published result: official codes and dates, no names."""
    return {"inspection": inspection.number, "plan": inspection.plan.number,
            "uscc": inspection.legal_entity.uscc, "outcome": inspection.outcome,
            "inspected_on": str(inspection.inspected_on), "ended_on": str(inspection.ended_on),
            "publish_due": str(inspection.publish_due), "published_on": str(published_on)}


def _complete_plan(actor: Any, plan: InspectionPlan) -> bool:
    if plan.inspections.exclude(status=InspectionStatus.PUBLISHED).exists():
        return False
    plan.status = PlanStatus.COMPLETED
    plan.save(update_fields=["status", "updated_at"])
    audit.record("supervision.plan.complete", actor, plan,
                 {"inspections": plan.inspections.count()})
    return True


@transaction.atomic
def do_publish(actor: Any, inspection: Inspection) -> Inspection:
    """检查结果公示: publish a recorded result; the plan is completed when its last result is
    published."""
    # The plan first, then the inspection: two results of one plan published at once are
    # served one after the other, so the second sees the first and completes the plan.
    plan = InspectionPlan.objects.select_for_update().get(pk=inspection.plan_id)
    inspection = lock_inspection(inspection)
    require(permissions.can_publish(actor, inspection))
    require_status(inspection, InspectionStatus.RECORDED)
    now = timezone.now()
    published_on = deadlines.local_day(now)
    inspection.status = InspectionStatus.PUBLISHED
    inspection.published_at = now
    inspection.save(update_fields=["status", "published_at"])
    from jingchu.ledger.actions import do_append

    entry = do_append(LEDGER_KIND, _ledger_payload(inspection, published_on), inspection,
                      actor=_user(actor))
    on_time = deadlines.published_on_time(now, inspection.publish_due)
    audit.record("supervision.inspection.publish", actor, inspection,
                 {"ledger_index": entry.index, "on_time": on_time,
                  "publish_due": str(inspection.publish_due)})
    _complete_plan(actor, plan)
    return inspection


def ledger_index(inspection: Inspection) -> int | None:
    """The ledger index of the inspection's publication, if published."""
    from jingchu.ledger.models import Entry

    found = (Entry.objects.filter(kind=LEDGER_KIND, object_type="supervision.inspection",
                                  object_id=str(inspection.uid))
             .values_list("index", flat=True).first())
    return int(found) if found is not None else None


# --- messages -----------------------------------------------------------------------------


def _texts() -> dict[str, tuple[str, str]]:
    return {
        "recorded": (_("Inspection result to publish: %(number)s"),
                     _("The result of inspection %(number)s (%(entity)s, plan %(plan)s) was "
                       "recorded: %(outcome)s. Publish it by %(due)s.")),
        "soon": (_("Inspection results due for publication: plan %(plan)s"),
                 _("These results of plan %(plan)s “%(name)s” must be published within "
                   "%(days)s working days:")),
        "late": (_("Inspection results past their publication deadline: plan %(plan)s"),
                 _("These results of plan %(plan)s “%(name)s” were not published by their "
                   "deadline; publish them now:")),
        "follow_up": (_("Rectification overdue: plan %(plan)s"),
                      _("These entities of plan %(plan)s “%(name)s” were ordered to rectify "
                        "and no rectification was recorded by the date set:")),
    }


def message(name: str, values: dict[str, Any], lines: Iterable[str] = ()) -> tuple[str, str]:
    """The subject and body of message `name`, in the site's language (stored once)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = _texts()[name]
        text = body % values
        return subject % values, "\n".join([text, *lines])


def _tell_leaders_recorded(actor: Any, inspection: Inspection) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        outcome = str(Outcome(inspection.outcome).label)
    subject, body = message("recorded", {
        "number": inspection.number, "entity": inspection.legal_entity.name,
        "plan": inspection.plan.number, "outcome": outcome, "due": inspection.publish_due})
    return send(actor, leaders(permissions.plan_org_ids(inspection.plan)), subject, body)


# --- the deadline scan --------------------------------------------------------------------


def _advance(pk: int, old: str, new: str) -> bool:
    """Set the alert stage of a still-unpublished inspection from `old` to `new`; False when
    another scan (or a publication) got there first."""
    return bool(Inspection.objects.filter(pk=pk, alerted=old, status=InspectionStatus.RECORDED)
                .update(alerted=new))


def _line(inspection: Inspection, due: dt.date | None) -> str:
    return f"- {inspection.number} {inspection.legal_entity.name} {due or ''}".rstrip()


@transaction.atomic
def _alert_plan(plan: InspectionPlan, found: list[tuple[Inspection, str]], stage: str) -> int:
    """Alert the plan's leaders of the inspections moving to `stage`; answers how many."""
    moved = [i for i, old in found if _advance(i.pk, old, stage)]
    if not moved:
        return 0
    values = {"plan": plan.number, "name": plan.name, "days": deadlines.SOON_WORKING_DAYS}
    subject, body = message(stage, values, [_line(i, i.publish_due) for i in moved])
    sent = send(None, leaders(permissions.plan_org_ids(plan)), subject, body)
    audit.record(f"supervision.plan.alert_{stage}", None, plan,
                 {"inspections": [i.number for i in moved], "recipients": sent},
                 actor_label=SYSTEM_LABEL)
    return len(moved)


@transaction.atomic
def _follow_ups_overdue(plan: InspectionPlan, found: list[Inspection]) -> int:
    moved = [i for i in found if Inspection.objects.filter(
        pk=i.pk, follow_up=FollowUpStatus.OPEN).update(follow_up=FollowUpStatus.OVERDUE)]
    if not moved:
        return 0
    subject, body = message("follow_up", {"plan": plan.number, "name": plan.name},
                            [_line(i, i.follow_up_due) for i in moved])
    sent = send(None, leaders(permissions.plan_org_ids(plan)), subject, body)
    audit.record("supervision.plan.follow_up_overdue", None, plan,
                 {"inspections": [i.number for i in moved], "recipients": sent},
                 actor_label=SYSTEM_LABEL)
    return len(moved)


def _by_plan(rows: Iterable[Inspection]) -> dict[int, list[Inspection]]:
    grouped: dict[int, list[Inspection]] = defaultdict(list)
    for row in rows:
        grouped[row.plan_id].append(row)
    return grouped


def publication_candidates(today: dt.date) -> list[tuple[Inspection, str, str]]:
    """(inspection, alerted now, stage due) of every unpublished result whose alert stage
    must move today."""
    # Everything due up to the day before the (SOON + 1)th working day from today has at most
    # SOON working days left; stage() decides exactly.
    horizon = (calendar.add_working_days(today, deadlines.SOON_WORKING_DAYS + 1)
               - dt.timedelta(days=1))
    rows = (Inspection.objects.filter(status=InspectionStatus.RECORDED,
                                      publish_due__lte=horizon)
            .exclude(alerted=deadlines.LATE).select_related("plan", "legal_entity")
            .order_by("publish_due", "number"))
    found = []
    for row in rows:
        stage = deadlines.stage(row.publish_due, today)
        if stage and stage != row.alerted:
            found.append((row, row.alerted, stage))
    return found


def do_scan_publication_deadlines(actor: Any = None, *,
                                  today: dt.date | None = None) -> dict[str, int]:
    """Alert the plan's departments' leaders of results still unpublished with at most three
    working days left ("soon") and past their deadline ("late"), each once per stage; mark
    rectifications not recorded by their date overdue. One transaction per plan and stage, so
    a scan that fails half-way leaves every plan it finished done. Answers the counts."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise NotPermitted(_("Only the system or a platform administrator runs this scan."))
    today = today or timezone.localdate()
    counts = {"soon": 0, "late": 0, "follow_ups_overdue": 0}
    by_stage: dict[str, list[tuple[Inspection, str]]] = defaultdict(list)
    for row, old, stage in publication_candidates(today):
        by_stage[stage].append((row, old))
    for stage in (deadlines.LATE, deadlines.SOON):
        plans: dict[int, list[tuple[Inspection, str]]] = defaultdict(list)
        for row, old in by_stage[stage]:
            plans[row.plan_id].append((row, old))
        for pairs in plans.values():
            counts[stage] += _alert_plan(pairs[0][0].plan, pairs, stage)
    overdue = (Inspection.objects.filter(follow_up=FollowUpStatus.OPEN,
                                         follow_up_due__lt=today)
               .select_related("plan", "legal_entity").order_by("number"))
    for rows in _by_plan(overdue).values():
        counts["follow_ups_overdue"] += _follow_ups_overdue(rows[0].plan, rows)
    return counts
