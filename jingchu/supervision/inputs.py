"""The draw's inputs, built from the database (the algorithm itself is in drawing.py).

What goes in (docs/supervision-draw.md §2), public and free of personal data: the plan's
departments by credit code, its items, regions, industries, ratio and period; the lead
department's sampling rules; every entity in scope by credit code with its current credit grade
and the certificates of the inspectors it excludes; every eligible inspector by enforcement
certificate number and department.

- Scope: active SupervisedEntity rows registered in one of the plan's regions or below, in one
  of its industries (none named: any industry).
- Inspectors: active Inspector rows of the plan's departments whose qualification lasts
  through the plan's end and whose user account is active. A person holding certificates in
  several of the plan's departments takes part once: under the lead department's certificate,
  else under the department whose credit code sorts first.
- Exclusions: the live conflict declarations of the person (any of their certificates), and
  the entities the person inspected in the LOOK_BACK_YEARS before the commitment (an inspection
  counts from its inspection day, or from its plan's start while it has none).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from jingchu.core.models import Organization
from jingchu.supervision import credit, drawing
from jingchu.supervision.models import (
    ConflictDeclaration,
    Draw,
    InspectionInspector,
    InspectionPlan,
    Inspector,
    SamplingRule,
    SupervisedEntity,
)

LOOK_BACK_YEARS = 2
CENT = Decimal("0.01")


def _dec(value: Any) -> str:
    return format(Decimal(value).quantize(CENT), "f")


def departments(plan: InspectionPlan) -> list[Organization]:
    """The lead department first, then the joint departments by credit code."""
    partners = sorted(plan.partners.all(), key=lambda org: org.uscc)
    return [plan.organization, *partners]


def scope(plan: InspectionPlan) -> QuerySet[SupervisedEntity]:
    """The plan's entities: in its regions (or below) and industries (empty: any), active."""
    condition = Q()
    regions = list(plan.regions.all())
    for region in regions:
        condition |= Q(region=region) | Q(region__path__startswith=region.path + "/")
    if not regions:
        return SupervisedEntity.objects.none()
    found = SupervisedEntity.objects.filter(condition, is_active=True)
    if plan.industries:
        found = found.filter(industry__in=list(plan.industries))
    return found


def eligible_inspectors(plan: InspectionPlan) -> list[Inspector]:
    """One certificate per person, of the plan's departments, active and qualified through
    the plan's end."""
    orgs = departments(plan)
    rank = {org.pk: (index != 0, org.uscc) for index, org in enumerate(orgs)}
    found = (Inspector.objects
             .filter(organization__in=orgs, is_active=True, qualified_until__gte=plan.ends_on,
                     staff__user__is_active=True)
             .select_related("organization"))
    chosen: dict[int, Inspector] = {}
    for inspector in found:
        have = chosen.get(inspector.staff_id)
        if have is None or rank[inspector.organization_id] < rank[have.organization_id]:
            chosen[inspector.staff_id] = inspector
    return sorted(chosen.values(), key=lambda i: i.certificate_number)


def look_back_start(as_of: dt.date) -> dt.date:
    try:
        return as_of.replace(year=as_of.year - LOOK_BACK_YEARS)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - LOOK_BACK_YEARS, day=28)


def exclusions(entities: QuerySet[SupervisedEntity], inspectors: list[Inspector],
               as_of: dt.date) -> dict[int, set[str]]:
    """LegalEntity pk → certificates of the inspectors who may not go there."""
    certificate = {i.staff_id: i.certificate_number for i in inspectors}
    entity_ids = entities.values("legal_entity_id")
    conflicts = (ConflictDeclaration.objects
                 .filter(withdrawn_at__isnull=True, inspector__staff_id__in=list(certificate),
                         legal_entity_id__in=entity_ids)
                 .values_list("inspector__staff_id", "legal_entity_id"))
    since = look_back_start(as_of)
    visited = (InspectionInspector.objects
               .filter(Q(inspection__inspected_on__gte=since)
                       | Q(inspection__inspected_on__isnull=True,
                           inspection__plan__starts_on__gte=since),
                       inspector__staff_id__in=list(certificate),
                       inspection__legal_entity_id__in=entity_ids)
               .values_list("inspector__staff_id", "inspection__legal_entity_id"))
    found: dict[int, set[str]] = defaultdict(set)
    for staff_id, entity_id in [*conflicts, *visited]:
        found[entity_id].add(certificate[staff_id])
    return found


def current_grades(entity_ids: list[int]) -> dict[int, str]:
    """Each LegalEntity's current credit grade; credit.DEFAULT_GRADE for one never graded."""
    grades = credit.current_grades(entity_ids)
    return {pk: str(grades.get(pk, credit.DEFAULT_GRADE)) for pk in entity_ids}


def _plan_part(plan: InspectionPlan, orgs: list[Organization], as_of: dt.date) -> dict[str, Any]:
    items = sorted(plan.items.select_related("organization"), key=lambda i: i.code)
    return {
        "number": plan.number,
        "name": plan.name,
        "lead_department": orgs[0].uscc,
        "partner_departments": sorted(org.uscc for org in orgs[1:]),
        "items": [{"code": i.code, "department": i.organization.uscc, "is_key": i.is_key}
                  for i in items],
        "regions": sorted(r.code for r in plan.regions.all()),
        "industries": sorted(plan.industries),
        "ratio_percent": _dec(plan.ratio_percent),
        "inspectors_per_entity": int(plan.inspectors_per_entity),
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "as_of": as_of.isoformat(),
        "look_back_years": LOOK_BACK_YEARS,
    }


def build(plan: InspectionPlan, *, as_of: dt.date) -> dict[str, Any]:
    """The draw's inputs as they are in the database now (`as_of`: the commitment's day)."""
    orgs = departments(plan)
    entities = scope(plan)
    rows = list(entities.values_list("legal_entity_id", "legal_entity__uscc"))
    grades = current_grades([pk for pk, _uscc in rows])
    inspectors = eligible_inspectors(plan)
    excluded = exclusions(entities, inspectors, as_of)
    rules = SamplingRule.objects.filter(organization=plan.organization).order_by("grade")
    return {
        "algorithm": drawing.ALGORITHM,
        "plan": _plan_part(plan, orgs, as_of),
        "rules": [{"grade": r.grade, "factor": _dec(r.factor),
                   "cap_percent": None if r.cap_percent is None else _dec(r.cap_percent)}
                  for r in rules],
        "entities": sorted(({"uscc": uscc, "grade": grades[pk],
                             "exclude": sorted(excluded.get(pk, ()))} for pk, uscc in rows),
                           key=lambda row: row["uscc"]),
        "inspectors": [{"certificate": i.certificate_number, "department": i.organization.uscc}
                       for i in inspectors],
    }


def canonical_text(inputs: dict[str, Any]) -> str:
    return drawing.canonical(inputs).decode("utf-8")


@dataclass(frozen=True)
class Preview:
    """What the plan page shows before the commitment: counts per grade and the entities that
    could not get a full team (by credit code, with their names for staff)."""

    entities: int
    inspectors: int
    team_size: int
    counts: list[drawing.GradeCount]
    problems: list[drawing.Problem]
    names: dict[str, str]

    @property
    def drawn(self) -> int:
        return sum(c.drawn for c in self.counts)

    @property
    def grade_rows(self) -> list[dict[str, Any]]:
        return [{"grade": c.grade, "in_scope": c.in_scope, "drawn": c.drawn,
                 "ratio_percent": drawing.decimal_text(c.ratio_percent)} for c in self.counts]

    @property
    def problem_rows(self) -> list[dict[str, Any]]:
        return [{"uscc": p.uscc, "name": self.names.get(p.uscc, ""), "eligible": p.eligible,
                 "missing_departments": list(p.missing_departments)} for p in self.problems]


def preview(plan: InspectionPlan, *, as_of: dt.date) -> Preview:
    inputs = build(plan, as_of=as_of)
    spec = drawing.parse(inputs)
    trouble = drawing.problems(spec)
    names = dict(scope(plan).filter(legal_entity__uscc__in=[p.uscc for p in trouble])
                 .values_list("legal_entity__uscc", "legal_entity__name"))
    return Preview(entities=len(spec.entities), inspectors=len(spec.inspectors),
                   team_size=spec.team_size, counts=drawing.grade_counts(spec),
                   problems=trouble, names=names)


def frozen_preview(draw: Draw) -> Preview:
    """The counts of a committed draw, from its frozen inputs."""
    spec = drawing.parse(json.loads(draw.inputs))
    return Preview(entities=len(spec.entities), inspectors=len(spec.inspectors),
                   team_size=spec.team_size, counts=drawing.grade_counts(spec), problems=[],
                   names={})


def bundle(draw: Draw) -> dict[str, Any]:
    """The public bundle of a draw (docs/supervision-draw.md §6): everything needed to check
    it. The seed, the witness (jingchu-draw-v2) and the result are null until the draw is run
    (a cancelled plan's seed is revealed, with no witness and no result); a v1 draw has no
    witness."""
    plan = draw.plan
    return {
        "bundle": drawing.BUNDLE_FORMAT,
        "plan": plan.number,
        "status": plan.status,
        "algorithm": draw.algorithm,
        "inputs": json.loads(draw.inputs),
        "inputs_sm3": draw.inputs_hash,
        "seed_sm3": draw.seed_hash,
        "seed": draw.seed or None,
        "witness": draw.witness or None,
        "result": json.loads(draw.result) if draw.result else None,
        "result_sm3": draw.result_hash or None,
        "ledger": {"commit_entry": draw.commit_entry, "reveal_entry": draw.reveal_entry},
        "committed_at": draw.committed_at.isoformat(),
        "drawn_at": draw.drawn_at.isoformat() if draw.drawn_at else None,
    }
