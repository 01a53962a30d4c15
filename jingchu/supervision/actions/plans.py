"""Inspection plans (抽查计划) and their publicly verifiable draws (双随机).

A plan is made as a draft; committing its draw freezes the inputs (jingchu.supervision.inputs)
and a secret seed, and appends their SM3 hashes to the ledger; running the draw takes a witness
text that someone other than the platform supplies at the draw (jingchu-draw-v2), reveals the
seed, computes the result from the inputs, the seed and the witness
(jingchu.supervision.drawing), creates the inspections and appends the seed, the witness and
the result's hash to the ledger. A plan may be cancelled until it is drawn; a
committed one reveals its seed in the ledger when cancelled. docs/supervision-draw.md.

Every action locks the plan row first, checks the named permission, validates everything,
then writes, with one AuditEvent.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.actions import do_enqueue_notification
from jingchu.core.choices import NotificationChannel
from jingchu.core.errors import ActionError, NotPermitted, clean_reason, clean_text
from jingchu.core.models import Organization, Region
from jingchu.identity.models import LegalEntity
from jingchu.ledger.actions import do_append
from jingchu.supervision import drawing, inputs, numbering, permissions, tasks
from jingchu.supervision.choices import Industry, PlanStatus
from jingchu.supervision.models import (
    Draw,
    Inspection,
    InspectionInspector,
    InspectionPlan,
    Inspector,
    RegulatoryItem,
)

NAME_LIMIT = 200
REASON_LIMIT = 500
MAX_PER_ENTITY = 10
SHOWN_PROBLEMS = 20
SUBJECT_MAX = 200
KIND_COMMITTED = "supervision.draw.committed"
KIND_REVEALED = "supervision.draw.revealed"
KIND_CANCELLED = "supervision.draw.cancelled"


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You may not do this with this plan."))


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _lock(plan: InspectionPlan) -> InspectionPlan:
    return (InspectionPlan.objects.select_for_update().select_related("organization")
            .get(pk=plan.pk))


def _require_status(plan: InspectionPlan, *statuses: str) -> None:
    if plan.status not in statuses:
        raise ActionError("wrong_state",
                          _("This cannot be done while the plan is “%(status)s”.")
                          % {"status": plan.get_status_display()},
                          {"status": plan.status, "allowed": list(statuses)}, status=409)


# --- making a plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanPlan:
    name: str
    partners: list[Organization]
    items: list[RegulatoryItem]
    regions: list[Region]
    industries: list[str]
    ratio_percent: Decimal
    starts_on: dt.date
    ends_on: dt.date
    inspectors_per_entity: int


def _clean_partners(organization: Organization, partners: Iterable[Organization]
                    ) -> list[Organization]:
    found = {org.pk: org for org in partners}
    if organization.pk in found:
        raise ActionError("partners_invalid",
                          _("The lead department cannot also be a joint department."),
                          {"field": "partners"})
    if any(not org.is_active for org in found.values()):
        raise ActionError("partners_invalid", _("A joint department is no longer active."),
                          {"field": "partners"})
    return sorted(found.values(), key=lambda org: org.uscc)


def _clean_items(items: Iterable[RegulatoryItem], orgs: list[Organization]
                 ) -> list[RegulatoryItem]:
    found = {item.pk: item for item in items}
    if not found:
        raise ActionError("items_required", _("Choose at least one regulatory item."),
                          {"field": "items"})
    org_ids = {org.pk for org in orgs}
    for item in found.values():
        if not item.is_active or item.organization_id not in org_ids:
            raise ActionError("items_invalid",
                              _("Item %(code)s is not an active item of the plan's "
                                "departments.") % {"code": item.code}, {"field": "items"})
    for org in orgs:
        if not any(item.organization_id == org.pk for item in found.values()):
            raise ActionError("items_invalid",
                              _("Every department of the plan needs at least one of its "
                                "items in it (%(name)s has none).") % {"name": org.name},
                              {"field": "items"})
    return sorted(found.values(), key=lambda item: item.code)


def _clean_regions(regions: Iterable[Region], organization: Organization) -> list[Region]:
    found = {region.pk: region for region in regions}
    if not found:
        raise ActionError("regions_required", _("Choose at least one region."),
                          {"field": "regions"})
    home = organization.region
    for region in found.values():
        if region.pk != home.pk and not region.path.startswith(home.path + "/"):
            raise ActionError("regions_invalid",
                              _("%(region)s is outside the lead department's region.")
                              % {"region": region.name}, {"field": "regions"})
    return sorted(found.values(), key=lambda region: region.code)


def _clean_industries(industries: Iterable[str]) -> list[str]:
    found = sorted({str(value) for value in industries})
    if any(value not in Industry.values for value in found):
        raise ActionError("industries_invalid", _("Unknown industry."), {"field": "industries"})
    return found


def _clean_ratio(raw: Any) -> Decimal:
    try:
        ratio = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        ratio = Decimal(-1)
    if not ratio.is_finite() or not 0 < ratio <= 100 or ratio != ratio.quantize(inputs.CENT):
        raise ActionError("ratio_invalid", _("The ratio is a percentage above 0 and at most "
                                             "100, with at most two decimals."),
                          {"field": "ratio_percent"})
    return ratio


def _clean_period(starts_on: Any, ends_on: Any) -> tuple[dt.date, dt.date]:
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
        raise ActionError("period_required", _("Give the period of the inspections."),
                          {"field": "starts_on"})
    if starts_on > ends_on:
        raise ActionError("period_invalid", _("The period ends before it starts."),
                          {"field": "ends_on"})
    if ends_on < timezone.localdate():
        raise ActionError("period_invalid", _("The period is already over."),
                          {"field": "ends_on"})
    return starts_on, ends_on


def _clean_per_entity(raw: Any) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if not drawing.MIN_TEAM <= value <= MAX_PER_ENTITY:
        raise ActionError("inspectors_per_entity_invalid",
                          _("Send %(low)d to %(high)d inspectors to each entity.")
                          % {"low": drawing.MIN_TEAM, "high": MAX_PER_ENTITY},
                          {"field": "inspectors_per_entity"})
    return value


def clean_plan(organization: Organization, *, name: Any, items: Iterable[RegulatoryItem],
               regions: Iterable[Region], industries: Iterable[str], ratio_percent: Any,
               starts_on: Any, ends_on: Any, inspectors_per_entity: Any,
               partners: Iterable[Organization]) -> CleanPlan:
    partner_list = _clean_partners(organization, partners)
    starts, ends = _clean_period(starts_on, ends_on)
    return CleanPlan(
        name=clean_text(name, "name", required=True, limit=NAME_LIMIT),
        partners=partner_list,
        items=_clean_items(items, [organization, *partner_list]),
        regions=_clean_regions(regions, organization),
        industries=_clean_industries(industries),
        ratio_percent=_clean_ratio(ratio_percent), starts_on=starts, ends_on=ends,
        inspectors_per_entity=_clean_per_entity(inspectors_per_entity))


@transaction.atomic
def do_create_plan(actor: Any, *, organization: Organization, name: str,
                   items: Iterable[RegulatoryItem], regions: Iterable[Region],
                   industries: Iterable[str], ratio_percent: Decimal | str,
                   starts_on: dt.date, ends_on: dt.date, inspectors_per_entity: int = 2,
                   partners: Iterable[Organization] = ()) -> InspectionPlan:
    """A draft plan of `organization` (with `partners`: a joint plan)."""
    _require(permissions.can_plan(actor, organization))
    if not organization.is_active:
        raise ActionError("organization_invalid", _("The department is no longer active."),
                          {"field": "organization"})
    clean = clean_plan(organization, name=name, items=items, regions=regions,
                       industries=industries, ratio_percent=ratio_percent, starts_on=starts_on,
                       ends_on=ends_on, inspectors_per_entity=inspectors_per_entity,
                       partners=partners)
    number = numbering.next_plan_number(organization.region.code, timezone.localdate().year)
    plan = InspectionPlan.objects.create(
        number=number, name=clean.name, organization=organization,
        industries=clean.industries, ratio_percent=clean.ratio_percent,
        inspectors_per_entity=clean.inspectors_per_entity, starts_on=clean.starts_on,
        ends_on=clean.ends_on, created_by=_user(actor))
    plan.partners.set(clean.partners)
    plan.items.set(clean.items)
    plan.regions.set(clean.regions)
    audit.record("supervision.plan.create", actor, plan, {
        "number": number, "organization": organization.uscc,
        "partners": [org.uscc for org in clean.partners],
        "items": [item.code for item in clean.items],
        "regions": [region.code for region in clean.regions],
        "industries": clean.industries, "ratio_percent": str(clean.ratio_percent),
        "inspectors_per_entity": clean.inspectors_per_entity})
    return plan


# --- committing the draw ------------------------------------------------------------------


def _problem_error(problems: Sequence[drawing.Problem], plan: InspectionPlan) -> ActionError:
    names = dict(LegalEntity.objects.filter(uscc__in=[p.uscc for p in problems])
                 .values_list("uscc", "name"))
    listed = "; ".join(f"{names.get(p.uscc, '')} {p.uscc}".strip()
                       for p in problems[:SHOWN_PROBLEMS])
    if len(problems) > SHOWN_PROBLEMS:
        listed += " …"
    return ActionError(
        "too_few_inspectors",
        _("These entities cannot get %(team)d eligible inspectors (one of each department in a "
          "joint plan), after conflicts and recent inspections are excluded: %(entities)s")
        % {"team": max(plan.inspectors_per_entity, drawing.MIN_TEAM), "entities": listed},
        {"entities": [{"uscc": p.uscc, "eligible": p.eligible,
                       "missing_departments": list(p.missing_departments)}
                      for p in problems]}, status=409)


def _frozen_inputs(plan: InspectionPlan, today: dt.date) -> dict[str, Any]:
    if plan.ends_on < today:
        raise ActionError("period_invalid", _("The plan's period is already over."),
                          {"field": "ends_on"}, status=409)
    built = inputs.build(plan, as_of=today)
    spec = drawing.parse(built)
    if not spec.entities:
        raise ActionError("scope_empty", _("No supervised entity is in the plan's scope."),
                          status=409)
    trouble = drawing.problems(spec)
    if trouble:
        raise _problem_error(trouble, plan)
    return built


@transaction.atomic
def do_commit_draw(actor: Any, plan: InspectionPlan) -> Draw:
    """Freeze the inputs and a secret seed; append their hashes to the ledger."""
    plan = _lock(plan)
    _require(permissions.can_draw(actor, plan))
    _require_status(plan, PlanStatus.DRAFT)
    now = timezone.now()
    built = _frozen_inputs(plan, timezone.localdate())
    text = inputs.canonical_text(built)
    seed = secrets.token_bytes(drawing.SEED_BYTES)
    draw = Draw.objects.create(
        plan=plan, algorithm=drawing.ALGORITHM, inputs=text,
        inputs_hash=drawing.sm3_hex(text.encode("utf-8")), seed_hash=drawing.sm3_hex(seed),
        secret_seed=seed.hex(), committed_at=now, committed_by=_user(actor))
    entry = do_append(KIND_COMMITTED, {
        "plan": plan.number, "algorithm": draw.algorithm, "lead_department":
        plan.organization.uscc, "inputs_sm3": draw.inputs_hash, "seed_sm3": draw.seed_hash,
        "entities": len(built["entities"]), "inspectors": len(built["inspectors"]),
        "committed_at": now.isoformat()}, draw, actor=actor)
    draw.commit_entry = entry.index
    draw.save(update_fields=["commit_entry"])
    plan.status = PlanStatus.COMMITTED
    plan.save(update_fields=["status", "updated_at"])
    audit.record("supervision.draw.commit", actor, plan, {
        "inputs_sm3": draw.inputs_hash, "seed_sm3": draw.seed_hash,
        "ledger_index": entry.index, "entities": len(built["entities"])})
    return draw


# --- running the draw ---------------------------------------------------------------------


def clean_witness(raw: Any) -> str:
    """The witness text as drawing.py takes it: Unicode NFKC (full-width digits and spaces
    become plain ones), runs of white space made one space, no space at either end; raises
    ActionError (field "witness") when nothing is left or it is not 1 to WITNESS_MAX printable
    characters."""
    text = unicodedata.normalize("NFKC", raw if isinstance(raw, str) else "")
    text = unicodedata.normalize("NFKC", " ".join(text.split()))
    if not text:
        raise ActionError("witness_required",
                          _("Enter the witness code: the text announced at the draw by someone "
                            "other than the platform."), {"field": "witness"})
    problem = drawing.witness_problem(text)
    if problem is not None:
        raise ActionError("witness_invalid",
                          _("The witness code is 1 to %(max)d printable characters (letters, "
                            "digits, punctuation, single spaces).")
                          % {"max": drawing.WITNESS_MAX}, {"field": "witness", "problem": problem})
    return text


def _revealed_seed(draw: Draw) -> bytes:
    """The secret seed, checked against the commitment and the frozen inputs against theirs."""
    try:
        seed = bytes.fromhex(draw.secret_seed)
    except ValueError:
        seed = b""
    if (drawing.sm3_hex(seed) != draw.seed_hash
            or drawing.sm3_hex(draw.inputs.encode("utf-8")) != draw.inputs_hash):
        raise ActionError("draw_corrupt", _("The stored draw does not match its commitment; "
                                            "it cannot be run."), status=409)
    return seed


def _create_inspections(plan: InspectionPlan, result: dict[str, Any]) -> list[Inspection]:
    rows = result["inspections"]
    entities = {e.uscc: e for e in LegalEntity.objects.filter(
        uscc__in=[row["uscc"] for row in rows])}
    certificates = {c for row in rows for c in row["inspectors"]}
    inspectors = {i.certificate_number: i for i in Inspector.objects.filter(
        certificate_number__in=certificates)}
    gone = sorted({row["uscc"] for row in rows} - set(entities)) + sorted(
        certificates - set(inspectors))
    if gone:
        raise ActionError("draw_inputs_changed",
                          _("Codes drawn are no longer in the directories (%(codes)s); cancel "
                            "the plan and plan the round again.") % {"codes": ", ".join(gone)},
                          {"codes": gone}, status=409)
    Inspection.objects.bulk_create([
        Inspection(number=numbering.inspection_number(plan.number, row["n"]), plan=plan,
                   legal_entity=entities[row["uscc"]], grade=row["grade"]) for row in rows])
    made = {i.number: i for i in plan.inspections.all()}
    links = []
    for row in rows:
        inspection = made[numbering.inspection_number(plan.number, row["n"])]
        links += [InspectionInspector(inspection=inspection, inspector=inspectors[cert],
                                      position=position)
                  for position, cert in enumerate(row["inspectors"], start=1)]
    InspectionInspector.objects.bulk_create(links)
    return sorted(made.values(), key=lambda i: i.number)


def _notify(actor: Any, plan: InspectionPlan) -> int:
    """One site message to each drawn inspector, listing their inspections."""
    mine: dict[Any, list[InspectionInspector]] = defaultdict(list)
    links = (InspectionInspector.objects.filter(inspection__plan=plan)
             .select_related("inspection__legal_entity", "inspector__staff__user")
             .order_by("inspection__number"))
    for link in links:
        mine[link.inspector.staff.user].append(link)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Inspection assignment: %(plan)s") % {"plan": plan.number}
        head = _("You were drawn for these inspections of “%(name)s”, between %(start)s and "
                 "%(end)s:") % {"name": plan.name, "start": plan.starts_on.isoformat(),
                                "end": plan.ends_on.isoformat()}
        for user, rows in mine.items():
            if not user.is_active:
                continue
            lines = [f"{r.inspection.number} {r.inspection.legal_entity.name} "
                     f"({r.inspection.legal_entity.uscc})" for r in rows]
            do_enqueue_notification(actor, user, NotificationChannel.SITE,
                                    subject[:SUBJECT_MAX], "\n".join([head, *lines]))
    return len(mine)


def _drawable(actor: Any, plan: InspectionPlan, witness: Any, *,
              system: bool = False) -> tuple[InspectionPlan, Draw, str | None, bytes]:
    """The checks before a draw, in this order: the permission (unless the platform runs it),
    the plan's state, the witness, the stored commitment. The plan row is locked; the draw row
    is not (every action on a draw locks its plan first), so that DrawBoard can publish the
    run's progress on it while the run's transaction is open."""
    plan = _lock(plan)
    if not system:
        _require(permissions.can_draw(actor, plan))
    _require_status(plan, PlanStatus.COMMITTED)
    draw = Draw.objects.get(plan=plan)
    text_witness = clean_witness(witness) if draw.algorithm == drawing.ALGORITHM_V2 else None
    return plan, draw, text_witness, _revealed_seed(draw)


@transaction.atomic
def do_run_draw(actor: Any, plan: InspectionPlan, *, witness: Any,
                progress: drawing.Progress | None = None, system: bool = False) -> Draw:
    """Reveal the seed, draw with the witness text (jingchu-draw-v2: supplied now by someone
    other than the platform, e.g. the number the supervising officer announces; a draw
    committed as jingchu-draw-v1 takes none, and a witness given for it is ignored), create the
    inspections, append the reveal to the ledger and tell the drawn inspectors.
    `progress(done, total)` follows the drawn entities getting their teams (drawing.run);
    `system=True`: the platform runs it (the command line), and no staff permission applies."""
    plan, draw, text_witness, seed = _drawable(actor, plan, witness, system=system)
    if system:
        actor = None
    try:
        result = drawing.run(json.loads(draw.inputs), seed, text_witness, progress)
    except drawing.DrawInputError as exc:
        raise ActionError("draw_failed", _("The draw cannot be run: %(reason)s")
                          % {"reason": exc}, status=409) from exc
    text = drawing.canonical(result)
    made = _create_inspections(plan, result)
    draw.seed, draw.secret_seed, draw.witness = seed.hex(), "", text_witness or ""
    draw.result, draw.result_hash = text.decode("utf-8"), drawing.sm3_hex(text)
    draw.drawn_at, draw.drawn_by = timezone.now(), _user(actor)
    draw.progress_done = draw.progress_total = len(made)
    draw.failure, draw.failed_at = "", None
    payload: dict[str, Any] = {
        "plan": plan.number, "algorithm": draw.algorithm, "inputs_sm3": draw.inputs_hash,
        "seed_sm3": draw.seed_hash, "seed": draw.seed, "result_sm3": draw.result_hash,
        "commit_entry": draw.commit_entry, "inspections": len(made),
        "drawn_at": draw.drawn_at.isoformat()}
    if text_witness is not None:
        payload["witness"] = text_witness
    entry = do_append(KIND_REVEALED, payload, draw, actor=actor)
    draw.reveal_entry = entry.index
    draw.save(update_fields=["seed", "secret_seed", "witness", "result", "result_hash",
                             "drawn_at", "drawn_by", "reveal_entry", "progress_done",
                             "progress_total", "failure", "failed_at"])
    plan.status = PlanStatus.DRAWN
    plan.save(update_fields=["status", "updated_at"])
    told = _notify(actor, plan)
    audit.record("supervision.draw.run", actor, plan, {
        "seed": draw.seed, "witness": draw.witness, "result_sm3": draw.result_hash,
        "ledger_index": entry.index, "inspections": len(made), "inspectors_told": told},
        actor_label="system" if system else "")
    return draw


# --- the draw as long work: requested on the page, run by a task -----------------------------

REQUEST_STALE_AFTER = dt.timedelta(minutes=15)  # a request this old may be made again


def request_is_open(draw: Draw | None) -> bool:
    """A draw requested lately and neither drawn nor failed since: its run is queued or under
    way, and another request is refused. (After REQUEST_STALE_AFTER the worker is presumed
    lost; a second run of a draw that did run finds it drawn and does nothing.)"""
    return bool(draw is not None and draw.is_pending and draw.requested_at is not None
                and draw.requested_at > timezone.now() - REQUEST_STALE_AFTER)


@transaction.atomic
def do_request_draw(actor: Any, plan: InspectionPlan, *, witness: Any) -> Draw:
    """Ask for the draw to be run as long work: refuses exactly what do_run_draw refuses (the
    permission, the plan's state, the witness, the stored commitment; nothing written), and a
    draw already requested and not finished (409); records who asked, when and with which
    witness, and queues tasks.run_requested_draw once this commits (in-process at once when
    tasks are eager). The run publishes its progress on the draw (DrawBoard) and, if it fails,
    why; the draw may then be requested again."""
    plan, draw, text_witness, _seed = _drawable(actor, plan, witness)
    if request_is_open(draw):
        raise ActionError("draw_requested", _("The draw was already requested and is under way."),
                          {"requested_at": draw.requested_at.isoformat()
                           if draw.requested_at else None}, status=409)
    again = bool(draw.failure)
    draw.requested_at, draw.requested_by = timezone.now(), _user(actor)
    draw.requested_witness = text_witness or ""
    draw.progress_done = draw.progress_total = 0
    draw.failure, draw.failed_at = "", None
    draw.save(update_fields=["requested_at", "requested_by", "requested_witness",
                             "progress_done", "progress_total", "failure", "failed_at"])
    audit.record("supervision.draw.request", actor, plan, {
        "witness": draw.requested_witness, "after_failure": again})
    uid = str(draw.uid)
    transaction.on_commit(lambda: tasks.run_requested_draw.delay(uid), robust=True)
    return draw


@transaction.atomic
def do_record_draw_failure(draw: Draw, *, code: str, message: str) -> bool:
    """A requested run failed (its own transaction rolled back: nothing drawn): keep why on the
    draw, so the plan page says so and the leader may request the draw again. A draw drawn or
    cancelled meanwhile (a second run of the same request) is left as it is; answers whether
    the failure was recorded."""
    plan = _lock(draw.plan)
    draw = Draw.objects.get(pk=draw.pk)
    if plan.status != PlanStatus.COMMITTED or draw.drawn_at is not None:
        return False
    draw.failure, draw.failed_at = message[:REASON_LIMIT], timezone.now()
    draw.progress_done = draw.progress_total = 0
    draw.save(update_fields=["failure", "failed_at", "progress_done", "progress_total"])
    audit.record("supervision.draw.fail", None, plan, {"code": code, "message": draw.failure},
                 actor_label="system")
    return True


# --- cancelling ---------------------------------------------------------------------------


@transaction.atomic
def do_cancel_plan(actor: Any, plan: InspectionPlan, *, reason: str) -> InspectionPlan:
    """Cancel a plan before its draw is run. A committed draw's seed is revealed in the ledger,
    so anyone can see the commitment was honest and what it would have drawn."""
    plan = _lock(plan)
    _require(permissions.can_draw(actor, plan))
    _require_status(plan, PlanStatus.DRAFT, PlanStatus.COMMITTED)
    text = clean_reason(reason, REASON_LIMIT)
    draw = Draw.objects.select_for_update().filter(plan=plan).first()
    details: dict[str, Any] = {"reason": text, "was": plan.status}
    if draw is not None:
        seed = _revealed_seed(draw)
        draw.seed, draw.secret_seed = seed.hex(), ""
        entry = do_append(KIND_CANCELLED, {
            "plan": plan.number, "inputs_sm3": draw.inputs_hash, "seed_sm3": draw.seed_hash,
            "seed": draw.seed, "commit_entry": draw.commit_entry,
            "cancelled_at": timezone.now().isoformat()}, draw, actor=actor)
        draw.reveal_entry = entry.index
        draw.save(update_fields=["seed", "secret_seed", "reveal_entry"])
        details["ledger_index"] = entry.index
    plan.status = PlanStatus.CANCELLED
    plan.save(update_fields=["status", "updated_at"])
    audit.record("supervision.plan.cancel", actor, plan, details)
    return plan
